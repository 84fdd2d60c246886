import { branchRule } from '../../src/core/routing';
import { digest, image, openFixture, steppingClock } from './fixture';

async function withArtifactInDev(policy = {}) {
  const fixture = await openFixture(undefined, { clock: steppingClock() });
  const { service } = fixture;
  await service.configureCi({
    project: 'shop',
    config: { registrationType: 'ENVIRONMENT', routingRules: [branchRule('main', 'dev', 1)], promotionHierarchy: ['dev', 'staging', 'production'], policy },
  });
  const registered = await service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image('1.0.0', 1), target: { kind: 'environment', value: 'dev' } });
  return { service, registered };
}

describe('promotion moves the newest artifact of a value to the next level of the hierarchy', () => {
  test('from dev without --to goes to staging, as a new promoted artifact pointing at its source', async () => {
    const { service, registered } = await withArtifactInDev();
    const promoted = await service.promoteArtifact({ project: 'shop', service: 'checkout', from: 'dev' });
    expect(promoted).toMatchObject({ created: true, routedTo: 'staging', rule: null });
    expect(promoted.artifact).toMatchObject({ registrationValue: 'staging', promoted: true, promotedFrom: registered.artifact.id, digest: digest(1), tag: '1.0.0' });
    expect(promoted.artifact.id).not.toBe(registered.artifact.id);
  });

  test('the newest artifact of the value is the one promoted', async () => {
    const { service } = await withArtifactInDev();
    await service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image('1.0.1', 2), target: { kind: 'environment', value: 'dev' } });
    const promoted = await service.promoteArtifact({ project: 'shop', service: 'checkout', from: 'dev' });
    expect(promoted.artifact.tag).toBe('1.0.1');
  });

  test('an explicit artifact id and --to skip levels upwards', async () => {
    const { service, registered } = await withArtifactInDev();
    const promoted = await service.promoteArtifact({ project: 'shop', service: 'checkout', artifactId: registered.artifact.id, to: 'production' });
    expect(promoted.artifact).toMatchObject({ registrationValue: 'production', promotedFrom: registered.artifact.id });
  });

  test('promoting twice is idempotent: the same promoted artifact comes back', async () => {
    const { service } = await withArtifactInDev();
    const first = await service.promoteArtifact({ project: 'shop', service: 'checkout', from: 'dev' });
    const second = await service.promoteArtifact({ project: 'shop', service: 'checkout', from: 'dev' });
    expect(second).toMatchObject({ created: false, artifact: { id: first.artifact.id } });
  });

  test('a promoted-only target takes the promoted artifact (and refused the direct registration)', async () => {
    const { service } = await withArtifactInDev({ promotedOnly: ['staging'] });
    await expect(
      service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image('1.0.0', 1), target: { kind: 'environment', value: 'staging' } }),
    ).rejects.toMatchObject({ kind: 'POLICY' });
    expect((await service.promoteArtifact({ project: 'shop', service: 'checkout', from: 'dev' })).routedTo).toBe('staging');
  });

  test('a PROMOTED event is recorded', async () => {
    const { service } = await withArtifactInDev();
    await service.promoteArtifact({ project: 'shop', service: 'checkout', from: 'dev' });
    const events = await service.history('shop', 'checkout', { kinds: ['PROMOTED'] });
    expect(events.items.map((e) => e.summary)).toEqual([`promoted ${image('1.0.0', 1)} from dev to staging`]);
  });
});

describe('promotion refuses what the hierarchy or the data do not allow, and writes nothing', () => {
  test.each([
    ['a value with no artifact', { from: 'staging' }, 'NOT_FOUND', 'no artifact registered to environment "staging"'],
    ['a downward promotion', { from: 'dev', to: 'dev' }, 'USAGE', 'cannot promote from "dev" to "dev"'],
    ['a target outside the hierarchy', { from: 'dev', to: 'qa' }, 'USAGE', '"qa" is not in the promotion hierarchy'],
    ['neither a value nor an artifact', {}, 'USAGE', 'promote needs the registration value to promote from, or an artifact id'],
    ['an unknown artifact id', { artifactId: 'art_nope' }, 'NOT_FOUND', 'artifact art_nope does not exist for service checkout'],
  ])('%s', async (_name, request, kind, message) => {
    const { service } = await withArtifactInDev();
    const before = await service.store.countArtifacts();
    await expect(service.promoteArtifact({ project: 'shop', service: 'checkout', ...request })).rejects.toMatchObject({ kind, message: expect.stringContaining(message) });
    expect(await service.store.countArtifacts()).toBe(before);
  });

  test('promoting past the top says it is the top', async () => {
    const { service, registered } = await withArtifactInDev();
    const top = await service.promoteArtifact({ project: 'shop', service: 'checkout', artifactId: registered.artifact.id, to: 'production' });
    await expect(service.promoteArtifact({ project: 'shop', service: 'checkout', artifactId: top.artifact.id })).rejects.toMatchObject({
      kind: 'USAGE',
      message: expect.stringContaining('"production" is the top of the promotion hierarchy'),
    });
  });

  test('without a hierarchy, the next level is unknown unless --to is given', async () => {
    const fixture = await openFixture();
    await fixture.service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT' } });
    await fixture.service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image('1.0.0', 1), target: { kind: 'environment', value: 'dev' } });
    await expect(fixture.service.promoteArtifact({ project: 'shop', service: 'checkout', from: 'dev' })).rejects.toMatchObject({ kind: 'USAGE', hint: expect.stringContaining('--to') });
    expect((await fixture.service.promoteArtifact({ project: 'shop', service: 'checkout', from: 'dev', to: 'production' })).routedTo).toBe('production');
    await expect(fixture.service.promoteArtifact({ project: 'shop', service: 'checkout', from: 'dev', to: 'QA' })).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });
});
