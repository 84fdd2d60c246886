// "Newest first" needs each tag's build time: imageCreated reads the image config's `created` through manifest and config blob.
import axios from 'axios';
import { RegistryClient } from '../../src/registry';
import { FacetsError } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { startFaultProxy } from '../support/proxy';
import { uploadImage, uploadIndex, type Descriptor } from '../support/registry-upload';
import { REGISTRY_NAMES, clientOptions, randomLayer, uniqueRepository, uploadTarget } from './support';

const CREATED = { older: '2023-04-01T08:00:00Z', newer: '2024-11-20T17:45:12.123456789Z', arm: '2022-01-02T03:04:05Z' };

describe.each(REGISTRY_NAMES)('imageCreated is the `created` time of the image config (%s registry)', (name) => {
  const repository = uniqueRepository(`created-${name}`);
  let schema2: Descriptor;

  beforeAll(async () => {
    schema2 = await uploadImage(uploadTarget(name), repository, 'schema2', [randomLayer()], { created: CREATED.newer });
    await uploadImage(uploadTarget(name), repository, 'oci', [randomLayer()], { oci: true, created: CREATED.older });
    await uploadImage(uploadTarget(name), repository, 'undated', [randomLayer()]);
  });

  test.each([
    ['a schema2 image by tag', 'schema2', CREATED.newer],
    ['an OCI image by tag', 'oci', CREATED.older],
    ['an image whose config has no `created`', 'undated', null],
  ])('%s', async (_case, tag, created) => {
    expect(await new RegistryClient(clientOptions(name)).imageCreated(repository, tag)).toBe(created);
  });

  test('an image by digest', async () => {
    expect(await new RegistryClient(clientOptions(name)).imageCreated(repository, schema2.digest)).toBe(CREATED.newer);
  });
});

describe('for a manifest list or OCI index, the linux/amd64 image decides, else the first entry', () => {
  const target = () => uploadTarget('token');

  test.each([
    ['a manifest list', false],
    ['an OCI index', true],
  ])('%s: amd64 listed second still wins; without amd64 the first entry', async (_kind, oci) => {
    const repository = uniqueRepository('created-index');
    const amd64 = await uploadImage(target(), repository, 'amd64', [randomLayer()], { oci, created: CREATED.newer });
    const arm64 = await uploadImage(target(), repository, 'arm64', [randomLayer()], { oci, architecture: 'arm64', created: CREATED.arm });
    const s390x = await uploadImage(target(), repository, 's390x', [randomLayer()], { oci, architecture: 's390x', created: CREATED.older });
    const entry = (d: Descriptor, architecture: string) => ({ ...d, platform: { architecture, os: 'linux' } });
    await uploadIndex(target(), repository, 'multi', [entry(arm64, 'arm64'), entry(amd64, 'amd64')], { oci });
    await uploadIndex(target(), repository, 'no-amd64', [entry(s390x, 's390x'), entry(arm64, 'arm64')], { oci });

    const client = new RegistryClient(clientOptions('token'));
    expect(await client.imageCreated(repository, 'multi')).toBe(CREATED.newer);
    expect(await client.imageCreated(repository, 'no-amd64')).toBe(CREATED.older);
  });
});

describe('the config blob is read where the registry redirects it', () => {
  test('a 307 from the registry to another host is followed', async () => {
    const open = getInfra().registries.open;
    const repository = uniqueRepository('created-redirect');
    await uploadImage({ url: open.url }, repository, '1', [randomLayer()], { created: CREATED.older });
    const manifest = await axios.get(`${open.url}/v2/${repository}/manifests/1`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    const blobUrl = `${open.url}/v2/${repository}/blobs/${manifest.data.config.digest}`;
    const [host, port] = open.host.split(':');
    const proxy = await startFaultProxy({ host, port: Number(port) }, [{ match: { method: 'GET', path: /\/blobs\// }, status: 307, headers: { location: blobUrl } }]);
    try {
      const created = await new RegistryClient({ host: proxy.host, retryDelayMs: 10 }).imageCreated(repository, '1');
      expect(created).toBe(CREATED.older);
      expect(proxy.seen.filter((r) => r.path.includes('/blobs/'))).toEqual([expect.objectContaining({ outcome: 307, fault: true })]);
    } finally {
      await proxy.close();
    }
  });
});

describe('what cannot be read is a REGISTRY error naming the image', () => {
  test('an unknown tag is MANIFEST_UNKNOWN', async () => {
    const repository = uniqueRepository('created-missing');
    await uploadImage(uploadTarget('basic'), repository, '1', [randomLayer()]);
    const error = await new RegistryClient(clientOptions('basic')).imageCreated(repository, 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FacetsError);
    expect((error as FacetsError).kind).toBe('REGISTRY');
    expect((error as FacetsError).details).toMatchObject({ reason: 'MANIFEST_UNKNOWN' });
    expect((error as FacetsError).message).toContain(`${getInfra().registries.basic.host}/${repository}:nope is not in the registry`);
  });

  test('a reference that is neither tag nor digest is a USAGE error, before any request', async () => {
    const error = await new RegistryClient(clientOptions('open')).imageCreated('a/b', 'not a tag').catch((e: unknown) => e);
    expect((error as FacetsError).kind).toBe('USAGE');
  });
});
