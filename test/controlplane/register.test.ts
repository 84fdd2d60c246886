import type { ControlPlaneService } from '../../src/controlplane';
import type { RegisterRequest } from '../../src/controlplane';
import { branchRule } from '../../src/core/routing';
import { digest, image, openFixture, steppingClock } from './fixture';

async function configured(config: Parameters<ControlPlaneService['configureCi']>[0]['config'] = {}) {
  const fixture = await openFixture(undefined, { clock: steppingClock() });
  await fixture.service.configureCi({
    project: 'shop',
    config: { registrationType: 'ENVIRONMENT', routingRules: [branchRule('main', 'dev', 1), branchRule('release/*', 'staging', 2)], promotionHierarchy: ['dev', 'staging', 'production'], ...config },
  });
  return fixture;
}

const req = (over: Partial<RegisterRequest> = {}): RegisterRequest => ({
  project: 'shop',
  service: 'checkout',
  artifactUri: image('1.0.0', 1),
  target: { kind: 'environment', value: 'dev' },
  ...over,
});

/** Runs `fn`, which must fail, and checks that no artifact row was written. */
async function refusedWithoutWriting(service: ControlPlaneService, fn: () => Promise<unknown>): Promise<{ kind: string; message: string; hint?: string }> {
  const before = await service.store.countArtifacts();
  const error = await fn().then(
    () => {
      throw new Error('expected a refusal');
    },
    (e) => e,
  );
  expect(await service.store.countArtifacts()).toBe(before);
  return error;
}

describe('an artifact registered to an environment is stored with that registration value', () => {
  test('registering a pinned image to dev stores it with digest, tag, registry and the ciName', async () => {
    const { service } = await configured();
    const result = await service.registerArtifact(req({ externalId: 'build-7', description: 'first', metadata: { BRANCH_NAME: 'main' } }));
    expect(result).toMatchObject({ created: true, routedTo: 'dev', rule: null, ciName: expect.stringMatching(/^shop-checkout-/) });
    expect(result.artifact).toMatchObject({
      ciName: result.ciName,
      artifactUri: image('1.0.0', 1),
      digest: digest(1),
      tag: '1.0.0',
      artifactType: 'docker_image',
      registry: 'local',
      registrationType: 'ENVIRONMENT',
      registrationValue: 'dev',
      externalId: 'build-7',
      description: 'first',
      metadata: { BRANCH_NAME: 'main' },
      promoted: false,
      promotedFrom: null,
      createdBy: 'alice',
    });
  });

  test('an unpinned reference is accepted and stored with digest null', async () => {
    const { service } = await configured();
    const result = await service.registerArtifact(req({ artifactUri: '127.0.0.1:5000/shop/checkout:1.0.0' }));
    expect(result.artifact).toMatchObject({ digest: null, tag: '1.0.0', artifactUri: '127.0.0.1:5000/shop/checkout:1.0.0' });
  });

  test('a freestyle artifact keeps its URI as given', async () => {
    const { service } = await configured();
    const result = await service.registerArtifact(req({ artifactUri: 'https://example.com/builds/app-1.0.0.tgz', artifactType: 'freestyle' }));
    expect(result.artifact).toMatchObject({ artifactType: 'freestyle', artifactUri: 'https://example.com/builds/app-1.0.0.tgz', digest: null, tag: null, registry: null });
  });

  test('a release stream target under RELEASE_STREAM registration', async () => {
    const fixture = await openFixture();
    await fixture.service.configureCi({ project: 'shop', config: { registrationType: 'RELEASE_STREAM' } });
    const result = await fixture.service.registerArtifact(req({ target: { kind: 'releaseStream', value: 'QA' } }));
    expect(result.artifact).toMatchObject({ registrationType: 'RELEASE_STREAM', registrationValue: 'QA' });
  });
});

describe('a freestyle artifact URL is checked with the same scheme allow-list as attach and the CLI', () => {
  test.each([
    ['not a URL (a bare file name)', 'app-1.0.0.tgz', 'is not a URL: it needs a scheme and a host'],
    ['a scheme a cluster cannot fetch from', 'ftp://files.example.com/app-1.0.0.tgz', 'has scheme "ftp", which a cluster cannot fetch from (use https, http, s3, gs, az, oci)'],
    ['a local file', 'file:///tmp/app-1.0.0.tgz', 'has scheme "file"'],
    ['credentials in the URL, masked in the message', 'https://bob:s3cret@example.com/app.tgz', 'freestyle artifact URL "https://***@example.com/app.tgz" carries credentials'],
    ['whitespace', 'https://example.com/app 1.0.0.tgz', 'must be non-empty and contain no whitespace'],
    ['empty', '', 'must be non-empty and contain no whitespace'],
  ])('%s is refused (USAGE) and nothing is stored', async (_name, artifactUri, message) => {
    const { service } = await configured();
    const error = await refusedWithoutWriting(service, () => service.registerArtifact(req({ artifactUri, artifactType: 'freestyle' })));
    expect(error).toMatchObject({ kind: 'USAGE', message: expect.stringContaining(message) });
    expect(error.message).not.toContain('s3cret');
    expect((await service.history('shop', 'checkout', { kinds: ['REGISTERED'] })).total).toBe(0);
  });

  test.each(['https://example.com/app.tgz', 's3://bucket/app.tgz', 'gs://bucket/app.tgz', 'oci://registry.example.com/charts/app'])('%s is registered as given', async (artifactUri) => {
    const { service } = await configured();
    expect((await service.registerArtifact(req({ artifactUri, artifactType: 'freestyle' }))).artifact).toMatchObject({ artifactUri, artifactType: 'freestyle' });
  });
});

describe('the target must exist and fit the registration type', () => {
  test.each([
    ['an unknown environment', req({ target: { kind: 'environment', value: 'qa' } }), 'NOT_FOUND', 'environment "qa" does not exist in project shop (known: dev, staging, production)'],
    ['an unknown release stream', req({ target: { kind: 'releaseStream', value: 'BETA' } }), 'NOT_FOUND', 'release stream "BETA" does not exist in project shop (known: QA, PRODUCTION)'],
    ['a release stream under ENVIRONMENT registration', req({ target: { kind: 'releaseStream', value: 'QA' } }), 'USAGE', 'the registration type is ENVIRONMENT, so artifacts are registered to an environment, not to a release stream ("QA")'],
    ['an unknown service', req({ service: 'payments' }), 'NOT_FOUND', 'service "payments" does not exist in project shop'],
    ['an unknown project', req({ project: 'blog' }), 'NOT_FOUND', 'project "blog" does not exist (known: shop)'],
    ['an unknown registry', req({ registry: 'quay' }), 'NOT_FOUND', 'container registry "quay" does not exist in project shop (known: local, hub, facets-config-auto)'],
    ['an invalid image reference', req({ artifactUri: '127.0.0.1:5000/Shop/checkout:1.0.0' }), 'USAGE', 'Shop/checkout'],
    ['an invalid artifact type', req({ artifactType: 'helm_chart' as never }), 'USAGE', 'artifact type "helm_chart" is invalid'],
  ])('%s is refused and nothing is stored', async (_name, request, kind, message) => {
    const { service } = await configured();
    const error = await refusedWithoutWriting(service, () => service.registerArtifact(request));
    expect(error.kind).toBe(kind);
    expect(error.message).toContain(message);
  });

  test('an environment target under RELEASE_STREAM registration is a USAGE error saying so', async () => {
    const { service } = await openFixture();
    await service.configureCi({ project: 'shop', config: { registrationType: 'RELEASE_STREAM' } });
    const error = await refusedWithoutWriting(service, () => service.registerArtifact(req()));
    expect(error).toMatchObject({ kind: 'USAGE', message: expect.stringContaining('the registration type is RELEASE_STREAM, so artifacts are registered to a release stream, not to an environment ("dev")') });
    expect(error.hint).toContain('--release-stream');
  });

  test('without a CI/CD configuration the registration type is unknown: USAGE pointing at `facetsctl ci configure`', async () => {
    const { service } = await openFixture();
    const error = await refusedWithoutWriting(service, () => service.registerArtifact(req()));
    expect(error).toMatchObject({ kind: 'USAGE', message: expect.stringContaining('project shop has no CI/CD configuration'), hint: expect.stringContaining('facetsctl ci configure') });
  });

  test('a MANUAL service refuses registration: CONFLICT pointing at attach', async () => {
    const { service } = await configured();
    await service.setImageStrategy('shop', 'checkout', 'MANUAL');
    const error = await refusedWithoutWriting(service, () => service.registerArtifact(req()));
    expect(error).toMatchObject({ kind: 'CONFLICT', message: 'service checkout uses manual attach; use `facetsctl attach` or switch strategy' });
  });
});

describe('with metadata, the artifact is routed by the effective routing rules', () => {
  test.each([
    ['main', 'dev'],
    ['release/2.0', 'staging'],
  ])('BRANCH_NAME %s routes to %s and names the rule', async (branch, target) => {
    const { service } = await configured();
    const result = await service.registerArtifact(req({ target: { kind: 'metadata' }, metadata: { BRANCH_NAME: branch } }));
    expect(result).toMatchObject({ created: true, routedTo: target, rule: { routeTo: target } });
    expect(result.artifact.appliedRule).toEqual(result.rule);
  });

  test('no matching rule: stored unrouted, registrationValue null, routedTo null', async () => {
    const { service } = await configured();
    const result = await service.registerArtifact(req({ target: { kind: 'metadata' }, metadata: { BRANCH_NAME: 'feature/x' } }));
    expect(result).toMatchObject({ created: true, routedTo: null, rule: null, artifact: { registrationValue: null, appliedRule: null } });
  });

  test('no matching rule with requireRoute: POLICY error and nothing stored', async () => {
    const { service } = await configured();
    const error = await refusedWithoutWriting(service, () => service.registerArtifact(req({ target: { kind: 'metadata' }, metadata: { BRANCH_NAME: 'feature/x' }, requireRoute: true })));
    expect(error).toMatchObject({ kind: 'POLICY', message: expect.stringContaining('no routing rule matches BRANCH_NAME=feature/x') });
  });

  test('a SERVICE_CI service routes by its own rules, not the project\'s', async () => {
    const { service } = await configured();
    await service.configureCi({ project: 'shop', service: 'checkout', config: { registrationType: 'ENVIRONMENT', routingRules: [branchRule('main', 'staging', 1)] } });
    const result = await service.registerArtifact(req({ target: { kind: 'metadata' }, metadata: { BRANCH_NAME: 'main' } }));
    expect(result.routedTo).toBe('staging');
  });

  test('a PROJECT_CI service follows a project rule change at once', async () => {
    const { service } = await configured();
    await service.configureCi({ project: 'shop', config: { routingRules: [branchRule('main', 'production', 1)] } });
    const result = await service.registerArtifact(req({ target: { kind: 'metadata' }, metadata: { BRANCH_NAME: 'main' } }));
    expect(result.routedTo).toBe('production');
  });
});

describe('the image version policy refuses a registration with the rule it broke', () => {
  test.each([
    ['a denied tag', { deniedTags: ['latest'] }, req({ artifactUri: `127.0.0.1:5000/shop/checkout:latest@${digest(9)}` }), 'tag "latest" is refused by the image version policy (deniedTags)'],
    ['a tag outside the pattern', { tagPattern: '^\\d+\\.\\d+\\.\\d+$' }, req({ artifactUri: `127.0.0.1:5000/shop/checkout:nightly@${digest(9)}` }), 'does not match the image version policy (tagPattern'],
    ['a direct registration to a promoted-only target', { promotedOnly: ['production'] }, req({ target: { kind: 'environment', value: 'production' } }), '"production" takes only promoted artifacts'],
  ])('%s is POLICY and nothing is stored', async (_name, policy, request, message) => {
    const { service } = await configured({ policy });
    const error = await refusedWithoutWriting(service, () => service.registerArtifact(request));
    expect(error).toMatchObject({ kind: 'POLICY', message: expect.stringContaining(message) });
  });
});

describe('registering the same (ciName, digest, registrationValue) again returns the existing artifact', () => {
  test('the same registration twice: created false, same artifact', async () => {
    const { service } = await configured();
    const first = await service.registerArtifact(req());
    const second = await service.registerArtifact(req({ description: 'retry' }));
    expect(second).toMatchObject({ created: false, artifact: first.artifact });
    expect((await service.listArtifacts('shop', 'checkout')).total).toBe(1);
  });

  test('the same digest under another tag is the same artifact', async () => {
    const { service } = await configured();
    const first = await service.registerArtifact(req());
    const second = await service.registerArtifact(req({ artifactUri: image('1.0.0-rc', 1) }));
    expect(second.created).toBe(false);
    expect(second.artifact.id).toBe(first.artifact.id);
  });

  test('the artifact knows every tag it was registered under; the answer names the URI and tag registered now', async () => {
    const { service } = await configured();
    const first = await service.registerArtifact(req({ artifactUri: image('1.5.0', 1) }));
    expect(first.artifact).toMatchObject({ tag: '1.5.0', tags: ['1.5.0'] });
    const second = await service.registerArtifact(req({ artifactUri: image('2.0.0', 1) }));
    expect(second).toMatchObject({ created: false, artifact: { id: first.artifact.id, artifactUri: image('2.0.0', 1), tag: '2.0.0', tags: ['1.5.0', '2.0.0'] } });
    const again = await service.registerArtifact(req({ artifactUri: image('1.5.0', 1) }));
    expect(again.artifact).toMatchObject({ artifactUri: image('1.5.0', 1), tag: '1.5.0', tags: ['1.5.0', '2.0.0'] });
    const { items } = await service.listArtifacts('shop', 'checkout');
    expect(items).toEqual([expect.objectContaining({ id: first.artifact.id, artifactUri: image('1.5.0', 1), tag: '1.5.0', tags: ['1.5.0', '2.0.0'] })]);
    expect(await service.getArtifact('shop', 'checkout', first.artifact.id)).toEqual(items[0]);
    const events = await service.history('shop', 'checkout', { kinds: ['REGISTERED'] });
    expect(events.items.map((e) => e.summary)).toEqual([
      `registered ${image('2.0.0', 1)} to dev: artifact ${first.artifact.id} (${image('1.5.0', 1)}) gains tag 2.0.0`,
      `registered ${image('1.5.0', 1)} to dev`,
    ]);
  });

  test('a tag the image version policy refuses is not added to an artifact registered before', async () => {
    const { service } = await configured({ policy: { deniedTags: ['latest'] } });
    const first = await service.registerArtifact(req({ artifactUri: image('1.5.0', 1) }));
    await expect(service.registerArtifact(req({ artifactUri: image('latest', 1) }))).rejects.toMatchObject({ kind: 'POLICY' });
    expect((await service.getArtifact('shop', 'checkout', first.artifact.id)).tags).toEqual(['1.5.0']);
  });

  test('a promoted artifact carries the tags of its source', async () => {
    const { service } = await configured();
    await service.registerArtifact(req({ artifactUri: image('1.5.0', 1) }));
    await service.registerArtifact(req({ artifactUri: image('2.0.0', 1) }));
    const promoted = await service.promoteArtifact({ project: 'shop', service: 'checkout', from: 'dev' });
    expect(promoted.artifact).toMatchObject({ registrationValue: 'staging', tags: ['1.5.0', '2.0.0'] });
    expect((await service.getArtifact('shop', 'checkout', promoted.artifact.id)).tags).toEqual(['1.5.0', '2.0.0']);
  });

  test('an artifact of another service is not found through this one', async () => {
    const { service } = await configured();
    const cart = await service.registerArtifact(req({ service: 'cart' }));
    await expect(service.getArtifact('shop', 'checkout', cart.artifact.id)).rejects.toMatchObject({ kind: 'NOT_FOUND', hint: 'run `facetsctl artifacts list --service checkout` to see its artifacts' });
  });

  test('the same digest to another environment is a new artifact', async () => {
    const { service } = await configured();
    await service.registerArtifact(req());
    const second = await service.registerArtifact(req({ target: { kind: 'environment', value: 'staging' } }));
    expect(second.created).toBe(true);
  });

  test('unrouted registrations of one digest are one artifact', async () => {
    const { service } = await configured();
    const unrouted = req({ target: { kind: 'metadata' }, metadata: { BRANCH_NAME: 'feature/x' } });
    const first = await service.registerArtifact(unrouted);
    expect(await service.registerArtifact(unrouted)).toMatchObject({ created: false, artifact: { id: first.artifact.id } });
  });

  test('without a digest the URI is the identity', async () => {
    const { service } = await configured();
    const unpinned = req({ artifactUri: '127.0.0.1:5000/shop/checkout:1.0.0' });
    await service.registerArtifact(unpinned);
    expect((await service.registerArtifact(unpinned)).created).toBe(false);
    expect((await service.registerArtifact(req({ artifactUri: '127.0.0.1:5000/shop/checkout:1.0.1' }))).created).toBe(true);
  });
});

describe('artifacts are listed newest first with paging', () => {
  test('createdAt desc, limit/offset, total, and a filter by registration value', async () => {
    const { service } = await configured();
    for (let i = 1; i <= 5; i++) await service.registerArtifact(req({ artifactUri: image(`1.0.${i}`, i), target: { kind: 'environment', value: i % 2 ? 'dev' : 'staging' } }));
    const page = await service.listArtifacts('shop', 'checkout', { limit: 2, offset: 1 });
    expect(page).toMatchObject({ total: 5, limit: 2, offset: 1 });
    expect(page.items.map((a) => a.tag)).toEqual(['1.0.4', '1.0.3']);
    const dev = await service.listArtifacts('shop', 'checkout', { registrationValue: 'dev' });
    expect(dev.items.map((a) => a.tag)).toEqual(['1.0.5', '1.0.3', '1.0.1']);
    expect(dev.total).toBe(3);
  });

  test('with one timestamp for all, insertion order still decides', async () => {
    const fixed = new Date('2025-06-01T00:00:00Z');
    const fixture = await openFixture(undefined, { clock: () => fixed });
    await fixture.service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT' } });
    for (let i = 1; i <= 3; i++) await fixture.service.registerArtifact(req({ artifactUri: image(`1.0.${i}`, i) }));
    expect((await fixture.service.listArtifacts('shop', 'checkout')).items.map((a) => a.tag)).toEqual(['1.0.3', '1.0.2', '1.0.1']);
    expect((await fixture.service.resolve('shop', 'checkout', 'dev'))[0]).toMatchObject({ resolved: true, image: image('1.0.3', 3) });
  });

  test('a service never interacted with lists nothing; a bad limit is USAGE', async () => {
    const { service } = await configured();
    expect(await service.listArtifacts('shop', 'cart')).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
    await expect(service.listArtifacts('shop', 'cart', { limit: 0 })).rejects.toMatchObject({ kind: 'USAGE' });
    await expect(service.listArtifacts('shop', 'cart', { offset: -1 })).rejects.toMatchObject({ kind: 'USAGE' });
  });
});

describe('each registration is recorded in the history', () => {
  test('a REGISTERED event per new artifact, none for a repeat', async () => {
    const { service } = await configured();
    await service.registerArtifact(req());
    await service.registerArtifact(req());
    const events = await service.history('shop', 'checkout', { kinds: ['REGISTERED'] });
    expect(events.total).toBe(1);
    expect(events.items[0]).toMatchObject({ kind: 'REGISTERED', resourceName: 'checkout', by: 'alice', summary: `registered ${image('1.0.0', 1)} to dev` });
  });
});
