import type { AttachRequest } from '../../src/controlplane';
import { digest, openFixture, SHOP_BLUEPRINT, steppingClock } from './fixture';

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

const attach = (over: Partial<AttachRequest> = {}): AttachRequest => ({
  project: 'shop',
  service: 'web',
  environment: 'staging',
  image: `127.0.0.1:5000/shop/web:2.1.0@${digest(21)}`,
  artifactType: 'docker_image',
  ...over,
});

describe('manual attach creates an override for one environment and one resource', () => {
  test('the override holds spec.release.image and metadata.labels (registry, repository, tag, artifact type)', async () => {
    const { service } = await openFixture();
    const override = await service.attachImage(attach({ changeLog: 'hotfix' }));
    expect(override).toMatchObject({
      project: 'shop',
      resourceType: 'frontend',
      resourceName: 'web',
      environment: 'staging',
      image: `127.0.0.1:5000/shop/web:2.1.0@${digest(21)}`,
      labels: { registry: 'local', repository: 'shop/web', tag: '2.1.0', artifactType: 'docker_image' },
      revision: 1,
      changeLog: 'hotfix',
      updatedBy: 'alice',
    });
    expect(await service.getOverride('shop', 'web', 'staging')).toEqual(override);
  });

  test('other environments are untouched', async () => {
    const { service } = await openFixture();
    await service.attachImage(attach());
    expect(await service.getOverride('shop', 'web', 'dev')).toBeNull();
    expect(await service.getOverride('shop', 'web', 'production')).toBeNull();
    expect(await service.getOverride('shop', 'cart', 'staging')).toBeNull();
  });

  test('a freestyle artifact is attached by its full URL, with labels as given', async () => {
    const { service } = await openFixture();
    const override = await service.attachImage(attach({ image: 'https://example.com/web-2.1.0.tgz', artifactType: 'freestyle', tag: '2.1.0' }));
    expect(override.labels).toEqual({ artifactType: 'freestyle', tag: '2.1.0' });
    expect(override.image).toBe('https://example.com/web-2.1.0.tgz');
  });
});

describe('every change records a sync event with a new revision', () => {
  test('attach, re-attach and detach count revisions 1, 2, 3 and the history says who and when', async () => {
    const { service } = await openFixture(undefined, { clock: steppingClock() });
    expect((await service.attachImage(attach())).revision).toBe(1);
    expect((await service.attachImage(attach({ image: `127.0.0.1:5000/shop/web:2.2.0@${digest(22)}` }))).revision).toBe(2);
    const detached = await service.detachImage('shop', 'web', 'staging');
    expect(detached).toMatchObject({ revision: 3, image: `127.0.0.1:5000/shop/web:2.2.0@${digest(22)}` });
    expect(await service.getOverride('shop', 'web', 'staging')).toBeNull();
    expect((await service.attachImage(attach())).revision).toBe(4);

    const history = await service.history('shop', 'web', { environment: 'staging' });
    expect(history.items.map((e) => [e.kind, e.revision, e.by])).toEqual([
      ['ATTACHED', 4, 'alice'],
      ['DETACHED', 3, 'alice'],
      ['ATTACHED', 2, 'alice'],
      ['ATTACHED', 1, 'alice'],
    ]);
    expect(history.items[2].summary).toContain('re-attached');
    const times = history.items.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  test('the same image with the same labels again is no change: the same revision, no event (any client of serve)', async () => {
    const { service } = await openFixture(undefined, { clock: steppingClock() });
    const first = await service.attachImage(attach());
    expect(await service.attachImage(attach({ changeLog: 'again' }))).toEqual(first);
    expect((await service.history('shop', 'web', { environment: 'staging' })).items).toHaveLength(1);
    expect((await service.attachImage(attach({ tag: 'other-label' }))).revision).toBe(2);
  });

  test('revisions count per environment and resource', async () => {
    const { service } = await openFixture();
    await service.attachImage(attach());
    await service.attachImage(attach());
    expect((await service.attachImage(attach({ environment: 'dev' }))).revision).toBe(1);
  });
});

describe('attach and detach refuse bad input and write nothing', () => {
  test.each([
    ['an unknown environment', attach({ environment: 'qa' }), 'NOT_FOUND', 'environment "qa" does not exist in project shop (known: dev, staging, production)'],
    ['an unknown service', attach({ service: 'payments' }), 'NOT_FOUND', 'service "payments" does not exist'],
    ['an internal registry', attach({ registry: 'facets-config-auto' }), 'USAGE', 'container registry "facets-config-auto" is internal and is not offered for manual attach'],
    ['an image on an internal registry', attach({ image: `${ECR}/shop/web:2.1.0@${digest(21)}` }), 'USAGE', `container registry "facets-config-auto" is internal and is not offered for manual attach (image ${ECR}/shop/web:2.1.0@${digest(21)} is under its URI ${ECR})`],
    ['an image on an internal registry, naming another', attach({ image: `${ECR}/shop/web:2.1.0@${digest(21)}`, registry: 'local' }), 'USAGE', 'container registry "facets-config-auto" is internal'],
    ['a freestyle URL with a scheme a cluster cannot fetch from', attach({ image: 'ftp://files.example.com/web.zip', artifactType: 'freestyle' }), 'USAGE', 'has scheme "ftp", which a cluster cannot fetch from (use https, http, s3, gs, az, oci)'],
    ['a freestyle path that is not a URL', attach({ image: 'web-2.1.0.zip', artifactType: 'freestyle' }), 'USAGE', 'is not a URL'],
    ['an unknown registry', attach({ registry: 'quay' }), 'NOT_FOUND', 'container registry "quay" does not exist'],
    ['an invalid image', attach({ image: 'http://127.0.0.1:5000/shop/web:1' }), 'USAGE', 'scheme'],
  ])('%s', async (_name, request, kind, message) => {
    const { service } = await openFixture();
    await expect(service.attachImage(request)).rejects.toMatchObject({ kind, message: expect.stringContaining(message) });
    expect((await service.history('shop', 'web')).total).toBe(0);
    expect(await service.getOverride('shop', 'web', 'staging')).toBeNull();
  });

  test('detaching where nothing is attached is NOT_FOUND', async () => {
    const { service } = await openFixture();
    await expect(service.detachImage('shop', 'web', 'dev')).rejects.toMatchObject({ kind: 'NOT_FOUND', message: 'service web has no image attached in environment dev' });
    expect((await service.history('shop', 'web')).total).toBe(0);
  });
});

describe('an internal registry is refused also when the image URI is under its URI', () => {
  // Internal and offered registries on one host, told apart by path: the longest URI holding the image decides.
  const SHARED_HOST = SHOP_BLUEPRINT.replace(
    `uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com, internal: true`,
    `uri: 127.0.0.1:5000/internal, internal: true`,
  );

  test.each([
    ['127.0.0.1:5000/internal/web:1.0.0', 'facets-config-auto'],
    ['127.0.0.1:5000/internal:1.0.0', 'facets-config-auto'],
  ])('%s is refused', async (image, registry) => {
    const { service } = await openFixture(SHARED_HOST);
    await expect(service.attachImage(attach({ image: `${image}@${digest(3)}` }))).rejects.toMatchObject({
      kind: 'USAGE',
      message: expect.stringContaining(`container registry "${registry}" is internal and is not offered for manual attach`),
      hint: expect.stringContaining('local (127.0.0.1:5000)'),
    });
    expect((await service.history('shop', 'web')).total).toBe(0);
  });

  test.each(['127.0.0.1:5000/shop/web:1.0.0', '127.0.0.1:5000/internals/web:1.0.0'])('%s, beside it on the same host, is attached from the offered registry', async (image) => {
    const { service } = await openFixture(SHARED_HOST);
    expect((await service.attachImage(attach({ image: `${image}@${digest(4)}` }))).labels.registry).toBe('local');
  });
});

describe('a freestyle artifact URL is checked with the same scheme allow-list as the CLI', () => {
  test.each(['https://artifacts.example.com/web.zip', 'http://10.0.0.5:8081/web.tgz', 's3://bucket/web.zip', 'gs://bucket/web.zip', 'az://account/container/web.zip', 'oci://registry.example.com/charts/web'])(
    '%s is attached as given',
    async (url) => {
      const { service } = await openFixture();
      expect((await service.attachImage(attach({ image: url, artifactType: 'freestyle' }))).image).toBe(url);
    },
  );

  test.each<[string, RegExp]>([
    ['file:///tmp/web.zip', /scheme "file"/],
    ['javascript:alert(1)', /scheme "javascript"/],
    ['https://', /is not a URL/],
    ['https://user:secret@example.com/web.zip', /carries credentials/],
  ])('%s is a USAGE error and nothing is recorded', async (url, message) => {
    const { service } = await openFixture();
    const error = await service.attachImage(attach({ image: url, artifactType: 'freestyle' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'USAGE', message: expect.stringMatching(message) });
    expect((error as Error).message).not.toContain('secret');
    expect((await service.history('shop', 'web')).total).toBe(0);
    expect(await service.getOverride('shop', 'web', 'staging')).toBeNull();
  });
});

describe('history is newest first, filtered by environment and kinds, with paging', () => {
  test('filters and pages', async () => {
    const { service } = await openFixture();
    await service.attachImage(attach({ environment: 'dev' }));
    await service.attachImage(attach({ environment: 'staging' }));
    await service.detachImage('shop', 'web', 'dev');
    await service.setImageStrategy('shop', 'web', 'MANUAL');
    expect((await service.history('shop', 'web')).items.map((e) => e.kind)).toEqual(['STRATEGY_CHANGED', 'DETACHED', 'ATTACHED', 'ATTACHED']);
    expect((await service.history('shop', 'web', { environment: 'dev' })).items.map((e) => e.kind)).toEqual(['DETACHED', 'ATTACHED']);
    expect((await service.history('shop', 'web', { kinds: ['ATTACHED'] })).total).toBe(2);
    const page = await service.history('shop', 'web', { limit: 1, offset: 1 });
    expect(page).toMatchObject({ total: 4, limit: 1, offset: 1, items: [{ kind: 'DETACHED' }] });
    await expect(service.history('shop', 'web', { environment: 'qa' })).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    await expect(service.history('shop', 'web', { kinds: ['DELETED' as never] })).rejects.toMatchObject({ kind: 'USAGE' });
  });
});
