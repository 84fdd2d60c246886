// push's fast path: imageConfigDigest gives a tag's manifest digest and the image config digest behind it (linux/amd64 for an index).
import axios from 'axios';
import { RegistryClient } from '../../src/registry';
import { FacetsError } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { startFaultProxy } from '../support/proxy';
import { uploadImage, uploadIndex, type Descriptor } from '../support/registry-upload';
import { REGISTRY_NAMES, clientOptions, randomLayer, uniqueRepository, uploadTarget } from './support';

describe.each(REGISTRY_NAMES)('the manifest digest of the tag and the config digest it names (%s registry)', (name) => {
  test.each([
    ['a schema2 image', false],
    ['an OCI image', true],
  ])('%s, by tag and by digest', async (_case, oci) => {
    const repository = uniqueRepository(`config-${name}`);
    const uploaded = await uploadImage(uploadTarget(name), repository, '1', [randomLayer()], { oci });
    const client = new RegistryClient(clientOptions(name));
    const byTag = await client.imageConfigDigest(repository, '1');
    expect(byTag).toEqual({ digest: uploaded.digest, mediaType: uploaded.mediaType, size: uploaded.size, configDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(await client.imageConfigDigest(repository, uploaded.digest)).toEqual(byTag);
  });
});

test('the config digest is the one the manifest names, as the registry serves it', async () => {
  const open = getInfra().registries.open;
  const repository = uniqueRepository('config-raw');
  await uploadImage({ url: open.url }, repository, '1', [randomLayer()]);
  const raw = await axios.get(`${open.url}/v2/${repository}/manifests/1`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
  const got = await new RegistryClient(clientOptions('open')).imageConfigDigest(repository, '1');
  expect(got).toMatchObject({ digest: raw.headers['docker-content-digest'], configDigest: raw.data.config.digest });
});

describe('for a manifest list or OCI index: the index digest, and the config of linux/amd64, else of the first image', () => {
  test.each([
    ['a manifest list', false],
    ['an OCI index', true],
  ])('%s', async (_kind, oci) => {
    const target = uploadTarget('token');
    const repository = uniqueRepository('config-index');
    const amd64 = await uploadImage(target, repository, 'amd64', [randomLayer()], { oci });
    const arm64 = await uploadImage(target, repository, 'arm64', [randomLayer()], { oci, architecture: 'arm64' });
    const s390x = await uploadImage(target, repository, 's390x', [randomLayer()], { oci, architecture: 's390x' });
    const entry = (d: Descriptor, architecture: string) => ({ ...d, platform: { architecture, os: 'linux' } });
    const multi = await uploadIndex(target, repository, 'multi', [entry(arm64, 'arm64'), entry(amd64, 'amd64')], { oci });
    const noAmd64 = await uploadIndex(target, repository, 'no-amd64', [entry(s390x, 's390x'), entry(arm64, 'arm64')], { oci });

    const client = new RegistryClient(clientOptions('token'));
    const config = async (tag: string) => (await client.imageConfigDigest(repository, tag)).configDigest;
    expect(await client.imageConfigDigest(repository, 'multi')).toEqual({ digest: multi.digest, mediaType: multi.mediaType, size: multi.size, configDigest: await config('amd64') });
    expect(await client.imageConfigDigest(repository, 'no-amd64')).toMatchObject({ digest: noAmd64.digest, configDigest: await config('s390x') });
    expect(await config('amd64')).not.toBe(await config('arm64'));
  });
});

test('one manifest request for an image, and no blob is downloaded', async () => {
  const open = getInfra().registries.open;
  const repository = uniqueRepository('config-requests');
  await uploadImage({ url: open.url }, repository, '1', [randomLayer()]);
  const [host, port] = open.host.split(':');
  const proxy = await startFaultProxy({ host, port: Number(port) });
  try {
    await new RegistryClient({ host: proxy.host, retryDelayMs: 10 }).imageConfigDigest(repository, '1');
    expect(proxy.seen.filter((r) => r.path.startsWith(`/v2/${repository}/`)).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v2/${repository}/manifests/1`]);
  } finally {
    await proxy.close();
  }
});

test('an unknown tag is MANIFEST_UNKNOWN naming the image', async () => {
  const repository = uniqueRepository('config-missing');
  await uploadImage(uploadTarget('basic'), repository, '1', [randomLayer()]);
  const error = await new RegistryClient(clientOptions('basic')).imageConfigDigest(repository, 'nope').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FacetsError);
  expect(error).toMatchObject({ kind: 'REGISTRY', details: { reason: 'MANIFEST_UNKNOWN' } });
  expect((error as FacetsError).message).toContain(`${getInfra().registries.basic.host}/${repository}:nope`);
});
