// The native push against faults injected by a proxy in front of the real open registry, and refused credentials.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FacetsError } from '../../src/core/errors';
import { RegistryClient } from '../../src/registry';
import { openImageSource } from '../../src/registry/image-source';
import { pushImage, type PushOptions } from '../../src/registry/push';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/proxy';
import { buildLayers, inspectImage, removeImage, saveImage, workDir } from './native-push-support';
import { clientOptions, uniqueRepository } from './support';

const dir = workDir();
const archive = path.join(dir, 'faults.tar');
let imageId = '';

beforeAll(async () => {
  const tag = `native-faults:${crypto.randomBytes(3).toString('hex')}`;
  await buildLayers(tag, [{ 'etc/greeting': Buffer.from('faults\n') }, { 'data/random.bin': crypto.randomBytes(300_000) }]);
  imageId = (await inspectImage(tag)).id;
  await saveImage(tag, archive);
  await removeImage(tag);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const BLOB_PUT = { method: 'PUT', path: /\/blobs\/uploads\// };
const BLOB_POST = { method: 'POST', path: /\/blobs\/uploads\/$/ };

/** Pushes the test image through a proxy with `plan` in front of the open registry. */
async function pushThrough(plan: Fault[], options: PushOptions = {}): Promise<{ proxy: FaultProxy; repository: string; run: Promise<string> }> {
  const open = clientOptions('open');
  const [host, port] = open.host.split(':');
  const proxy = await startFaultProxy({ host, port: Number(port) }, plan);
  const repository = uniqueRepository('native-fault');
  const run = (async () => {
    const source = await openImageSource(`docker-archive:${archive}`);
    return (await pushImage(source, { registry: { ...open, host: proxy.host }, repository, tag: 'v1' }, { retryDelayMs: 10, ...options })).digest;
  })();
  run.catch(() => {});
  return { proxy, repository, run };
}

/** What the registry itself (not through the proxy) says `repository:v1` is. */
const configOf = (repository: string) => new RegistryClient(clientOptions('open')).imageConfigDigest(repository, 'v1');

describe('native push faults', () => {
  it.each<[string, Fault, string]>([
    ['retries a blob the registry answered 503', { match: BLOB_PUT, status: 503 }, 'PUT 503'],
    ['starts a blob again when the connection drops in the middle of it', { match: BLOB_PUT, dropAfterBytes: 0 }, 'PUT dropped'],
    ['waits as a 429 with Retry-After asks', { match: BLOB_POST, status: 429, headers: { 'retry-after': '1' } }, 'POST 429'],
  ])('%s, then succeeds', async (_, fault, seen) => {
    const { proxy, repository, run } = await pushThrough([fault]);
    try {
      const digest = await run;
      expect(proxy.seen.filter((r) => r.fault).map((r) => `${r.method} ${r.outcome}`)).toEqual([seen]);
      expect(await configOf(repository)).toMatchObject({ digest, configDigest: imageId });
    } finally {
      await proxy.close();
    }
  });

  it('fails loudly when the registry keeps answering 503, and writes no manifest', async () => {
    const { proxy, repository, run } = await pushThrough([{ match: BLOB_PUT, status: 503, times: 1000 }], { retries: 2 });
    try {
      const error = (await run.catch((e: unknown) => e)) as FacetsError;
      expect(error).toBeInstanceOf(FacetsError);
      expect(error.kind).toBe('REGISTRY');
      expect(error.message).toMatch(/answered 503 to PUT .* after 3 attempts/);
      expect(proxy.seen.some((r) => r.path.includes('/manifests/'))).toBe(false);
      await expect(configOf(repository)).rejects.toMatchObject({ details: expect.objectContaining({ reason: 'MANIFEST_UNKNOWN' }) });
    } finally {
      await proxy.close();
    }
  });

  it('says the registry denied the push on a 403', async () => {
    const body = JSON.stringify({ errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] });
    const { proxy, run } = await pushThrough([{ match: BLOB_POST, status: 403, body, times: 1000 }]);
    try {
      await expect(run).rejects.toMatchObject({ kind: 'REGISTRY', message: expect.stringMatching(/denied pushing to test\/native-fault-/) });
      expect(proxy.seen.some((r) => r.path.includes('/manifests/'))).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it('falls back to a chunked upload when the registry refuses a monolithic one', async () => {
    // One blob at a time: with several in flight, a chunked upload's closing PUT (it too carries digest=) could take
    // the refusal meant for another blob's monolithic PUT. Small chunks: whichever blob is refused takes several PATCHes.
    const { proxy, repository, run } = await pushThrough([{ match: { method: 'PUT', path: /\/blobs\/uploads\/.*digest=/ }, status: 413, times: 1 }], { chunkBytes: 512, concurrency: 1 });
    try {
      const digest = await run;
      expect(proxy.seen.filter((r) => r.method === 'PATCH' && r.outcome === 202).length).toBeGreaterThan(1);
      expect(await configOf(repository)).toMatchObject({ digest, configDigest: imageId });
    } finally {
      await proxy.close();
    }
  });
});

describe('native push credentials', () => {
  it('says the registry refused the credentials (Basic, wrong password) and pushes nothing', async () => {
    const basic = clientOptions('basic');
    const source = await openImageSource(`docker-archive:${archive}`);
    const repository = uniqueRepository('native-denied');
    const wrong = { ...basic, auth: { username: basic.auth?.username, password: 'wrong' } };
    const error = (await pushImage(source, { registry: wrong, repository, tag: 'v1' }).catch((e: unknown) => e)) as FacetsError;
    expect(error).toBeInstanceOf(FacetsError);
    expect(error.message).toBe(`registry ${basic.host} refused the credentials (unauthorized): check the credentials for ${basic.host} (docker login / registry credentials)`);
    expect(error.details).toMatchObject({ reason: 'UNAUTHORIZED' });
    await expect(new RegistryClient(basic).listTags(repository)).rejects.toMatchObject({ details: expect.objectContaining({ reason: 'NAME_UNKNOWN' }) });
  });
});
