import { branchRule } from '../../src/core/routing';
import { digest, image, openFixture, steppingClock } from './fixture';

describe('resolution: an override wins, else the newest artifact of the environment or its release stream', () => {
  test('ENVIRONMENT registration resolves per environment, and says what is missing elsewhere', async () => {
    const { service } = await openFixture(undefined, { clock: steppingClock() });
    await service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT', routingRules: [branchRule('main', 'dev', 1)] } });
    await service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image('1.0.0', 1), target: { kind: 'metadata' }, metadata: { BRANCH_NAME: 'main' } });
    const second = await service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image('1.0.1', 2), target: { kind: 'environment', value: 'dev' } });
    const resolutions = await service.resolve('shop', 'checkout');
    expect(resolutions.map((r) => [r.environment, r.resolved, r.image, r.source])).toEqual([
      ['dev', true, image('1.0.1', 2), 'ARTIFACT_BY_ENVIRONMENT'],
      ['staging', false, null, null],
      ['production', false, null, null],
    ]);
    expect(resolutions[0].artifactId).toBe(second.artifact.id);
    expect(resolutions[1].reason).toContain('no artifact registered to environment "staging"');
  });

  test('RELEASE_STREAM registration resolves every environment of the stream', async () => {
    const { service } = await openFixture();
    await service.configureCi({ project: 'shop', config: { registrationType: 'RELEASE_STREAM' } });
    await service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image('1.0.0', 1), target: { kind: 'releaseStream', value: 'QA' } });
    const resolutions = await service.resolve('shop', 'checkout');
    expect(resolutions.map((r) => [r.environment, r.source])).toEqual([
      ['dev', 'ARTIFACT_BY_RELEASE_STREAM'],
      ['staging', 'ARTIFACT_BY_RELEASE_STREAM'],
      ['production', null],
    ]);
  });

  test('an override pins its environment, and detaching it lets the artifact through again', async () => {
    const { service } = await openFixture();
    await service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT' } });
    await service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image('1.0.0', 1), target: { kind: 'environment', value: 'dev' } });
    const pinned = `127.0.0.1:5000/shop/checkout:0.9.0@${digest(90)}`;
    await service.attachImage({ project: 'shop', service: 'checkout', environment: 'dev', image: pinned, artifactType: 'docker_image' });
    expect((await service.resolve('shop', 'checkout', 'dev'))[0]).toMatchObject({ resolved: true, image: pinned, source: 'OVERRIDE', revision: 1 });
    await service.detachImage('shop', 'checkout', 'dev');
    expect((await service.resolve('shop', 'checkout', 'dev'))[0]).toMatchObject({ image: image('1.0.0', 1), source: 'ARTIFACT_BY_ENVIRONMENT' });
  });

  test('a MANUAL service without an override is unresolved with a hint to attach', async () => {
    const { service } = await openFixture();
    await service.setImageStrategy('shop', 'web', 'MANUAL');
    expect((await service.resolve('shop', 'web', 'production'))[0]).toMatchObject({ resolved: false, reason: expect.stringContaining('facetsctl attach') });
  });

  test('a service never interacted with is unresolved, and resolving does not create its CI name', async () => {
    const { service } = await openFixture();
    expect((await service.resolve('shop', 'cart', 'dev'))[0]).toMatchObject({ resolved: false, reason: expect.stringContaining('no CI integration yet') });
    expect(await service.listCiIntegrations('shop')).toEqual([]);
  });

  test('an unknown environment is NOT_FOUND listing the known ones', async () => {
    const { service } = await openFixture();
    await expect(service.resolve('shop', 'checkout', 'qa')).rejects.toMatchObject({ kind: 'NOT_FOUND', message: 'environment "qa" does not exist in project shop (known: dev, staging, production)' });
  });
});
