// The native push on the real registries: docker-archive, engine export and OCI layouts pushed by our own upload,
// then pulled back by digest by the real engine, which must see the same image id, diff IDs and files.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { RegistryClient } from '../../src/registry';
import { engineExportSource, openImageSource } from '../../src/registry/image-source';
import { pushEngineExport, pushImage } from '../../src/registry/push';
import { startFaultProxy } from '../support/proxy';
import { buildLayers, docker, inspectImage, pullBack, readImageFile, removeImage, saveImage, workDir } from './native-push-support';
import { clientOptions, REGISTRY_NAMES, uniqueRepository, type RegistryName } from './support';

const dir = workDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const text = (s: string) => Buffer.from(s);

/** Builds an image of three layers (text files, a small file, random bytes), saves it to a file and removes it. */
async function savedImage(label: string): Promise<{ file: string; id: string; diffIds: string[]; random: Buffer }> {
  const tag = `native-${label}:${crypto.randomBytes(3).toString('hex')}`;
  const random = crypto.randomBytes(300_000);
  await buildLayers(tag, [{ 'etc/greeting': text(`hello ${label}\n`), 'etc/other': text('x'.repeat(50_000)) }, { 'etc/small': text('s') }, { 'data/random.bin': random }]);
  const { id, diffIds } = await inspectImage(tag);
  const file = path.join(dir, `${label}.tar`);
  await saveImage(tag, file);
  await removeImage(tag);
  return { file, id, diffIds, random };
}

/** Pulls `repository@digest` back from `name` and checks it is the image that was saved. */
async function checkRoundTrip(name: RegistryName, repository: string, digest: string, saved: { id: string; diffIds: string[]; random: Buffer }, greeting: string) {
  const ref = `${clientOptions(name).host}/${repository}@${digest}`;
  await pullBack(name, ref);
  expect(await inspectImage(ref)).toEqual({ id: saved.id, diffIds: saved.diffIds });
  expect((await readImageFile(ref, '/etc/greeting', dir)).toString()).toBe(greeting);
  expect((await readImageFile(ref, '/data/random.bin', dir)).equals(saved.random)).toBe(true);
  await removeImage(ref);
}

describe.each(REGISTRY_NAMES)('native push of a docker-archive to the %s registry', (name) => {
  it('is pulled back by digest with the same image id, diff IDs and files', async () => {
    const saved = await savedImage(name);
    expect(saved.diffIds).toHaveLength(3);
    const repository = uniqueRepository(`native-${name}`);
    const source = await openImageSource(`docker-archive:${saved.file}`);
    const progress: string[] = [];
    // 64 KiB gzip members: the random layer goes as several independent members, which the engine must read.
    const onProgress = (p: { blob: string; phase: string }) => progress.push(`${p.blob} ${p.phase}`);
    const result = await pushImage(source, { registry: clientOptions(name), repository, tag: 'v1' }, { chunkBytes: 64 * 1024, onProgress });
    expect(result.blobs.map((b) => b.outcome)).toEqual(['uploaded', 'uploaded', 'uploaded', 'uploaded']);
    expect(progress).toEqual(expect.arrayContaining(['layer 3/3 compressing', 'layer 3/3 uploaded', 'config uploaded']));
    const registry = new RegistryClient(clientOptions(name));
    expect(await registry.imageConfigDigest(repository, 'v1')).toMatchObject({ digest: result.digest, configDigest: saved.id, mediaType: 'application/vnd.docker.distribution.manifest.v2+json' });
    await checkRoundTrip(name, repository, result.digest, saved, `hello ${name}\n`);
  });
});

describe('native push of the engine export', () => {
  it('reads `GET /images/{name}/get` and pushes what docker save would give', async () => {
    const tag = `native-export:${crypto.randomBytes(3).toString('hex')}`;
    const random = crypto.randomBytes(3_000_000);
    // The random layer is large enough to be compressed while the export streams; the first stays in memory.
    await buildLayers(tag, [{ 'etc/greeting': text('from the engine\n') }, { 'data/random.bin': random }]);
    const { id, diffIds } = await inspectImage(tag);
    const source = await engineExportSource(tag, await docker.getImage(tag).get(), { tmpDir: dir });
    const repository = uniqueRepository('native-export');
    try {
      expect(source.root.kind === 'image' ? source.root.layers.map((l) => l.prepared !== undefined) : []).toEqual([false, true]);
      const result = await pushImage(source, { registry: clientOptions('open'), repository, tag: 'v1' });
      // The compressed layer waited for its upload in memory: nothing of it was written to the disk.
      const exportDirs = fs.readdirSync(dir).filter((f) => f.startsWith('facetsctl-export-'));
      expect(exportDirs.flatMap((d) => fs.readdirSync(path.join(dir, d)))).toEqual([]);
      await removeImage(tag).catch(() => {});
      await checkRoundTrip('open', repository, result.digest, { id, diffIds, random }, 'from the engine\n');
    } finally {
      await source.close();
      await removeImage(tag).catch(() => {});
    }
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('facetsctl-export-'))).toEqual([]);
  });
});

describe('an engine export read faster than its layer is uploaded', () => {
  it('is paused a few MiB ahead of the upload, and the layer arrives whole and in order', async () => {
    const tag = `native-paced:${crypto.randomBytes(3).toString('hex')}`;
    const random = crypto.randomBytes(12 * 1024 * 1024);
    await buildLayers(tag, [{ 'etc/greeting': text('paced\n') }, { 'data/random.bin': random }]);
    const { diffIds } = await inspectImage(tag);
    const file = path.join(dir, 'paced.tar');
    await saveImage(tag, file);
    await removeImage(tag);
    // The saved export, read from its file as fast as the disk gives it; the sink takes a 64 KiB member per 2 ms.
    let read = 0;
    let sent = 0;
    let lead = 0;
    const counted = fs.createReadStream(file).on('data', (chunk) => (read += chunk.length));
    const sink = () => ({
      write: async (member: Buffer) => {
        sent += member.length;
        lead = Math.max(lead, read - sent);
        await new Promise((resolve) => setTimeout(resolve, 2));
      },
      end: async () => false,
    });
    const source = await engineExportSource(tag, counted, { tmpDir: dir, chunkBytes: 64 * 1024, sink });
    try {
      const layer = source.root.kind === 'image' ? source.root.layers[1] : undefined;
      const prepared = await layer?.prepared;
      const members: Buffer[] = [];
      for await (const member of prepared!.open()) members.push(member as Buffer);
      const tar = zlib.gunzipSync(Buffer.concat(members));
      expect(`sha256:${crypto.createHash('sha256').update(tar).digest('hex')}`).toBe(diffIds[1]);
      // Without the pause the whole 12 MiB layer would be read ahead of its upload.
      expect(lead).toBeLessThan(8 * 1024 * 1024);
    } finally {
      await source.close();
    }
  });
});

describe('native push of an engine image, uploading layers while the export streams', () => {
  it.each([
    ['streams the large layer in one PATCH while it is compressed', [], 'PATCH 202'],
    ['uploads the layer from its file when the streamed upload drops', [{ match: { method: 'PATCH' }, dropAfterBytes: 0 }], 'PATCH dropped'],
  ])('%s', async (_, plan, patched) => {
    const tag = `native-stream:${crypto.randomBytes(3).toString('hex')}`;
    const random = crypto.randomBytes(3_000_000);
    await buildLayers(tag, [{ 'etc/greeting': text('streamed\n') }, { 'data/random.bin': random }]);
    const { id, diffIds } = await inspectImage(tag);
    const open = clientOptions('open');
    const [host, port] = open.host.split(':');
    const proxy = await startFaultProxy({ host, port: Number(port) }, plan);
    const repository = uniqueRepository('native-stream');
    try {
      const result = await pushEngineExport(tag, await docker.getImage(tag).get(), { registry: { ...open, host: proxy.host }, repository, tag: 'v1' }, { tmpDir: dir });
      expect(proxy.seen.filter((r) => r.method === 'PATCH').map((r) => `${r.method} ${r.outcome}`)).toEqual([patched]);
      expect(result.blobs.map((b) => b.outcome)).toEqual(['uploaded', 'uploaded', 'uploaded']);
      await removeImage(tag);
      await checkRoundTrip('open', repository, result.digest, { id, diffIds, random }, 'streamed\n');
    } finally {
      await proxy.close();
      await removeImage(tag).catch(() => {});
    }
  });
});

describe('native push of layers the registry partly has', () => {
  it('uploads only the missing blobs, and mounts from another repository when told', async () => {
    const tag = `native-partial:${crypto.randomBytes(3).toString('hex')}`;
    const shared: Array<Record<string, Buffer>> = [{ 'etc/greeting': text('shared\n') }, { 'data/shared.bin': crypto.randomBytes(200_000) }];
    await buildLayers(`${tag}-a`, shared);
    // The builder's cache gives b the very same first two layers as a.
    await buildLayers(`${tag}-b`, [...shared, { 'data/new.bin': crypto.randomBytes(100_000) }]);
    const fileA = path.join(dir, 'partial-a.tar');
    const fileB = path.join(dir, 'partial-b.tar');
    await saveImage(`${tag}-a`, fileA);
    await saveImage(`${tag}-b`, fileB);
    const open = clientOptions('open');
    const [host, port] = open.host.split(':');
    const proxy = await startFaultProxy({ host, port: Number(port) });
    try {
      const repository = uniqueRepository('native-partial');
      await pushImage(await openImageSource(`docker-archive:${fileA}`), { registry: clientOptions('open'), repository, tag: 'a' });
      const result = await pushImage(await openImageSource(`docker-archive:${fileB}`), { registry: { ...open, host: proxy.host }, repository, tag: 'b' });
      const uploads = proxy.seen.filter((r) => r.method !== 'HEAD' && r.method !== 'GET' && r.path.includes('/blobs/'));
      // The new layer and the new config: one POST and one PUT each; nothing for the two layers already there.
      expect(uploads.map((r) => `${r.method} ${r.outcome}`).sort()).toEqual(['POST 202', 'POST 202', 'PUT 201', 'PUT 201']);
      expect(result.blobs.map((b) => b.outcome).sort()).toEqual(['existed', 'existed', 'uploaded', 'uploaded']);

      const other = uniqueRepository('native-mount');
      const mounted = await pushImage(await openImageSource(`docker-archive:${fileB}`), { registry: clientOptions('open'), repository: other, tag: 'b' }, { mountFrom: [repository] });
      expect(mounted.blobs.map((b) => b.outcome)).toEqual(['mounted', 'mounted', 'mounted', 'mounted']);
      expect(mounted.digest).toBe(result.digest);
    } finally {
      await proxy.close();
      await removeImage(`${tag}-a`);
      await removeImage(`${tag}-b`);
    }
  });
});
