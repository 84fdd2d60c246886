import { RegistryClient, MANIFEST_MEDIA_TYPES } from '../../src/registry';
import { FacetsError } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { startFaultProxy } from '../support/proxy';
import { MEDIA_TYPES, uploadImage, uploadIndex } from '../support/registry-upload';
import { REGISTRY_NAMES, clientOptions, randomLayer, uniqueRepository, uploadTarget } from './support';

async function failure(promise: Promise<unknown>): Promise<FacetsError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(FacetsError);
  return error as FacetsError;
}

describe.each(REGISTRY_NAMES)('against the %s registry', (name) => {
  const repository = uniqueRepository(name);
  const tags = ['1.0.0', '1.1.0', '2.0.0', 'latest', 'rc'];
  let pushed: { digest: string; size: number; mediaType: string };

  beforeAll(async () => {
    pushed = await uploadImage(uploadTarget(name), repository, tags[0], [randomLayer(), randomLayer()]);
    for (const tag of tags.slice(1)) await uploadImage(uploadTarget(name), repository, tag, [randomLayer()]);
  });

  test('ping succeeds with the right credentials', async () => {
    await expect(new RegistryClient(clientOptions(name)).ping()).resolves.toBeUndefined();
  });

  test('headManifest gives the digest, media type and size of a tag without downloading it', async () => {
    const manifest = await new RegistryClient(clientOptions(name)).headManifest(repository, tags[0]);
    expect(manifest).toEqual({ digest: pushed.digest, mediaType: MEDIA_TYPES.dockerManifest, size: pushed.size });
  });

  test('headManifest by digest gives the same digest back', async () => {
    const manifest = await new RegistryClient(clientOptions(name)).headManifest(repository, pushed.digest);
    expect(manifest.digest).toBe(pushed.digest);
  });

  test('listTags lists every tag, whatever the page size', async () => {
    const client = new RegistryClient(clientOptions(name));
    expect((await client.listTags(repository)).sort()).toEqual([...tags].sort());
    expect((await client.listTags(repository, { pageSize: 2 })).sort()).toEqual([...tags].sort());
  });

  test('an unknown tag is a REGISTRY error that says to push the image first', async () => {
    const error = await failure(new RegistryClient(clientOptions(name)).headManifest(repository, 'nope'));
    expect(error.kind).toBe('REGISTRY');
    expect(error.details).toMatchObject({ reason: 'MANIFEST_UNKNOWN' });
    expect(error.message).toBe(`image ${getInfra().registries[name].host}/${repository}:nope is not in the registry; push it first (facetsctl push) or check the tag`);
  });

  test('tags of an unknown repository are a NAME_UNKNOWN REGISTRY error', async () => {
    const error = await failure(new RegistryClient(clientOptions(name)).listTags(`${repository}-missing`));
    expect(error.kind).toBe('REGISTRY');
    expect(error.details).toMatchObject({ reason: 'NAME_UNKNOWN' });
  });
});

describe('manifest lists and OCI indexes are accepted', () => {
  test.each([
    ['manifest list', false, MEDIA_TYPES.dockerManifestList],
    ['OCI index', true, MEDIA_TYPES.ociIndex],
  ])('a %s answers with its own digest and media type', async (_kind, oci, mediaType) => {
    const repository = uniqueRepository('index');
    const target = uploadTarget('token');
    const amd64 = await uploadImage(target, repository, 'amd64', [randomLayer()], { oci });
    const arm64 = await uploadImage(target, repository, 'arm64', [randomLayer()], { oci, architecture: 'arm64' });
    const index = await uploadIndex(target, repository, 'multi', [
      { ...amd64, platform: { architecture: 'amd64', os: 'linux' } },
      { ...arm64, platform: { architecture: 'arm64', os: 'linux' } },
    ], { oci });
    const manifest = await new RegistryClient(clientOptions('token')).headManifest(repository, 'multi');
    expect(manifest).toEqual({ digest: index.digest, mediaType, size: index.size });
    expect(MANIFEST_MEDIA_TYPES).toContain(mediaType);
  });
});

describe('catalog follows Link pages of the page size', () => {
  test('a page size of 2 lists the same repositories as one page, one request per page', async () => {
    const repositories = [uniqueRepository('catalog'), uniqueRepository('catalog'), uniqueRepository('catalog')];
    for (const repository of repositories) await uploadImage(uploadTarget('basic'), repository, '1', [randomLayer()]);
    const [host, port] = getInfra().registries.basic.host.split(':');
    const proxy = await startFaultProxy({ host, port: Number(port) });
    try {
      const client = new RegistryClient({ ...clientOptions('basic'), host: proxy.host });
      const whole = await client.catalog();
      const paged = await client.catalog({ pageSize: 2 });
      expect(paged).toEqual(expect.arrayContaining(repositories));
      expect(paged).toEqual(whole);
      expect(new Set(paged).size).toBe(paged.length);
      const pageRequests = proxy.seen.filter((r) => r.path.startsWith('/v2/_catalog?'));
      expect(pageRequests.length).toBeGreaterThanOrEqual(Math.ceil(whole.length / 2));
      expect(pageRequests[0].path).toBe('/v2/_catalog?n=2');
      expect(pageRequests.slice(1).every((r) => /[?&]last=/.test(r.path))).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  test('a page size that is not a positive whole number is a USAGE error', async () => {
    const error = await failure(new RegistryClient(clientOptions('open')).catalog({ pageSize: 0 }));
    expect(error.kind).toBe('USAGE');
  });
});
