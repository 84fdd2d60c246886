// --compression zstd: layers as zstd frames under an OCI manifest, accepted by the real registry and pulled back by
// the engine; on a runtime without zstd, a usage error that says what to do (CI runs both kinds of Node.js).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { checkCompression, zstdAvailable } from '../../src/registry/compress/codec';
import { gzipLayer } from '../../src/registry/compress/gzip-layer';
import { openImageSource, pushEngineExport, pushImage } from '../../src/registry/push';
import { archiveReader, buildLayers, docker, inspectImage, type EngineImage, pullBack, readImageFile, removeImage, saveImage, workDir } from './native-push-support';
import { clientOptions, uniqueRepository } from './support';

const dir = workDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const CLI = path.join(__dirname, '..', '..', 'bin', 'facetsctl');
const ZSTD_MAGIC = 0x28b52ffd;

/** The manifest the registry holds for `reference`, as the registry gives it. */
async function manifestOf(repository: string, reference: string): Promise<{ mediaType: string; config: { mediaType: string; digest: string }; layers: Array<{ mediaType: string; digest: string }> }> {
  const answer = await fetch(`http://${clientOptions('open').host}/v2/${repository}/manifests/${reference}`, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' },
  });
  expect(answer.status).toBe(200);
  return (await answer.json()) as never;
}

async function blob(repository: string, digest: string): Promise<Buffer> {
  const answer = await fetch(`http://${clientOptions('open').host}/v2/${repository}/blobs/${digest}`);
  expect(answer.status).toBe(200);
  const bytes = Buffer.from(await answer.arrayBuffer());
  expect(sha256(bytes)).toBe(digest);
  return bytes;
}

const sha256 = (bytes: Buffer) => `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
const unzstd = (bytes: Buffer) => (zlib as unknown as { zstdDecompressSync(b: Buffer): Buffer }).zstdDecompressSync(bytes);

/**
 * Reads the image back from the registry as a client would: zstd layers (their first frame's magic), each decompressed
 * to the tar the config names by diff ID, the config being the source image's own (same id); `file` read from `layer`.
 */
async function readBack(repository: string, reference: string, saved: EngineImage, file: { layer: number; name: string }): Promise<Buffer> {
  const manifest = await manifestOf(repository, reference);
  expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
  expect(manifest.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');
  expect(manifest.config.digest).toBe(saved.id);
  expect(manifest.layers.map((l) => l.mediaType)).toEqual(saved.diffIds.map(() => 'application/vnd.oci.image.layer.v1.tar+zstd'));
  const tars = await Promise.all(manifest.layers.map(async (layer) => blob(repository, layer.digest)));
  for (const bytes of tars) expect(bytes.readUInt32BE(0)).toBe(ZSTD_MAGIC);
  expect(tars.map((bytes) => sha256(unzstd(bytes)))).toEqual(saved.diffIds);
  const tar = path.join(dir, `${crypto.randomBytes(4).toString('hex')}.tar`);
  fs.writeFileSync(tar, unzstd(tars[file.layer]));
  return (await archiveReader(tar))(file.name);
}

/** Engines read zstd layers from 23.0 on; an older one (Debian's 20.10) is said so, and the registry read-back stands. */
async function engineReadsZstd(): Promise<boolean> {
  const version = (await docker.version()).Version;
  if (Number(version.split('.')[0]) >= 23) return true;
  process.stderr.write(`native-push-zstd: the engine is ${version}, which cannot pull zstd layers (23.0+ can): read back from the registry only\n`);
  return false;
}

if (!zstdAvailable()) process.stderr.write(`native-push-zstd: Node.js ${process.version} has no zstd: the zstd round trips are skipped, the usage error is tested\n`);
const withZstd = zstdAvailable() ? describe : describe.skip;
const withoutZstd = zstdAvailable() ? describe.skip : describe;

withZstd('native push with --compression zstd', () => {
  it('pushes the engine export as zstd layers under an OCI manifest that reads back as the same image (and pulls, on an engine that reads zstd)', async () => {
    const tag = `native-zstd:${crypto.randomBytes(3).toString('hex')}`;
    const random = crypto.randomBytes(2_500_000);
    const text = Buffer.from('a line of a config file\n'.repeat(60_000));
    await buildLayers(tag, [{ 'etc/greeting': Buffer.from('hello zstd\n'), 'etc/text': text }, { 'data/random.bin': random }]);
    const saved = await inspectImage(tag);
    const repository = uniqueRepository('native-zstd');
    const result = await pushEngineExport(tag, await docker.getImage(tag).get(), { registry: clientOptions('open'), repository, tag: 'z1' }, { compression: 'zstd', chunkBytes: 1024 * 1024 });
    expect(result.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect((await readBack(repository, 'z1', saved, { layer: 1, name: 'data/random.bin' })).equals(random)).toBe(true);
    await removeImage(tag);
    if (!(await engineReadsZstd())) return;
    const ref = `${clientOptions('open').host}/${repository}@${result.digest}`;
    await pullBack('open', ref);
    expect(await inspectImage(ref)).toEqual(saved);
    expect((await readImageFile(ref, '/etc/text', dir)).equals(text)).toBe(true);
    expect((await readImageFile(ref, '/data/random.bin', dir)).equals(random)).toBe(true);
    await removeImage(ref);
  });

  it('turns a docker-archive into an OCI manifest whose zstd frames decompress to the tar', async () => {
    const tag = `native-zstd-archive:${crypto.randomBytes(3).toString('hex')}`;
    await buildLayers(tag, [{ 'etc/greeting': Buffer.from('hello archive\n') }]);
    const saved = await inspectImage(tag);
    const file = path.join(dir, 'zstd-archive.tar');
    await saveImage(tag, file);
    await removeImage(tag);
    const repository = uniqueRepository('native-zstd-archive');
    const result = await pushImage(await openImageSource(`docker-archive:${file}`), { registry: clientOptions('open'), repository, tag: 'a1' }, { compression: 'zstd' });
    expect((await readBack(repository, 'a1', saved, { layer: 0, name: 'etc/greeting' })).toString()).toBe('hello archive\n');
    if (!(await engineReadsZstd())) return;
    const ref = `${clientOptions('open').host}/${repository}@${result.digest}`;
    await pullBack('open', ref);
    expect(await inspectImage(ref)).toEqual(saved);
    expect((await readImageFile(ref, '/etc/greeting', dir)).toString()).toBe('hello archive\n');
    await removeImage(ref);
  });

  it('writes frames that decompress to the input, and names the tar as the diff ID', async () => {
    const input = Buffer.concat([Buffer.from('text '.repeat(200_000)), crypto.randomBytes(700_000)]);
    const layer = await gzipLayer(Readable.from([input]), path.join(dir, 'frames.zst'), { compression: 'zstd', chunkBytes: 256 * 1024, withDiffId: true });
    expect(unzstd(fs.readFileSync(layer.file)).equals(input)).toBe(true);
    expect(layer.diffId).toBe(sha256(input));
    expect(() => checkCompression('brotli')).toThrow(expect.objectContaining({ kind: 'USAGE' }));
  });
});

withoutZstd('--compression zstd on a runtime without zstd', () => {
  it('is a usage error that names the Node.js version needed, before anything is pushed', async () => {
    expect(() => checkCompression('zstd')).toThrow(/Node\.js 22\.15/);
    const run = spawnSync(process.execPath, [CLI, 'push', 'nothing:here', '--compression', 'zstd'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--compression zstd needs Node\.js 22\.15 or later/);
    expect(run.stderr).toMatch(/push with gzip/);
  });
});
