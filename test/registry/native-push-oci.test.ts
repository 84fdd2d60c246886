// OCI image layouts (a directory, and the same as a tar) written here from a saved image's layers: gzip and plain
// layers, an empty layer, two platforms under one index; pushed natively and pulled back by the engine.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';
import { RegistryClient } from '../../src/registry';
import { indexTar } from '../../src/registry/image-source/tar-index';
import { openImageSource } from '../../src/registry/image-source';
import { pushImage } from '../../src/registry/push';
import { archiveReader, buildLayers, inspectImage, pullBack, readImageFile, removeImage, saveImage, workDir } from './native-push-support';
import { clientOptions, uniqueRepository } from './support';

const dir = workDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sha256 = (bytes: Buffer) => `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
const EMPTY_TAR = Buffer.alloc(1024);

/** Writes `bytes` into the layout's blobs and returns its descriptor. */
function blob(layout: string, mediaType: string, bytes: Buffer, extra: Record<string, unknown> = {}) {
  const digest = sha256(bytes);
  fs.mkdirSync(path.join(layout, 'blobs', 'sha256'), { recursive: true });
  fs.writeFileSync(path.join(layout, 'blobs', 'sha256', digest.slice(7)), bytes);
  return { mediaType, digest, size: bytes.length, ...extra };
}

interface Layout {
  dir: string;
  amd64Config: string;
  diffIds: string[];
  random: Buffer;
}

/** An OCI layout holding `ref` = an index of linux/amd64 and linux/arm64, both of the saved image's layers + an empty one. */
async function writeLayout(ref: string): Promise<Layout> {
  const tag = `native-oci:${crypto.randomBytes(3).toString('hex')}`;
  const random = crypto.randomBytes(200_000);
  await buildLayers(tag, [{ 'etc/greeting': Buffer.from('from a layout\n') }, { 'data/random.bin': random }]);
  const archive = path.join(dir, `${ref}.tar`);
  await saveImage(tag, archive);
  await removeImage(tag);
  const read = await archiveReader(archive);
  const [saved] = JSON.parse((await read('manifest.json')).toString()) as Array<{ Config: string; Layers: string[] }>;
  const config = JSON.parse((await read(saved.Config)).toString()) as { architecture: string; rootfs: { diff_ids: string[] }; history?: unknown[] };
  const tars = await Promise.all(saved.Layers.map(read));
  const layout = path.join(dir, `layout-${ref}`);
  // Layer 1 gzip (goes as it is), layer 2 plain tar (gzipped by the push), then an empty layer (plain).
  const layers = [
    blob(layout, 'application/vnd.oci.image.layer.v1.tar+gzip', zlib.gzipSync(tars[0])),
    blob(layout, 'application/vnd.oci.image.layer.v1.tar', tars[1]),
    blob(layout, 'application/vnd.oci.image.layer.v1.tar', EMPTY_TAR),
  ];
  config.rootfs.diff_ids = [...config.rootfs.diff_ids, sha256(EMPTY_TAR)];
  config.history = [...(config.history ?? []), { created_by: 'an empty layer' }];
  const manifests = ['amd64', 'arm64'].map((architecture) => {
    const configBlob = blob(layout, 'application/vnd.oci.image.config.v1+json', Buffer.from(JSON.stringify({ ...config, architecture })));
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: configBlob, layers }));
    return { ...blob(layout, 'application/vnd.oci.image.manifest.v1+json', manifest, { platform: { architecture, os: 'linux' } }), configDigest: configBlob.digest };
  });
  const index = blob(
    layout,
    'application/vnd.oci.image.index.v1+json',
    Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: manifests.map(({ configDigest, ...d }) => d) })),
    { annotations: { 'org.opencontainers.image.ref.name': ref } },
  );
  fs.writeFileSync(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(path.join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [index] }));
  return { dir: layout, amd64Config: manifests[0].configDigest, diffIds: config.rootfs.diff_ids, random };
}

describe('native push of an OCI layout with two platforms', () => {
  it('pushes oci:DIR:REF and oci-archive:FILE:REF as the same index, which the engine pulls for its platform', async () => {
    const layout = await writeLayout('1.0');
    const repository = uniqueRepository('native-oci');
    const registry = clientOptions('token');
    const fromDir = await pushImage(await openImageSource(`oci:${layout.dir}:1.0`), { registry, repository, tag: 'dir' });
    expect(fromDir.mediaType).toBe('application/vnd.oci.image.index.v1+json');

    const tarball = path.join(dir, 'layout.tar');
    expect(spawnSync('tar', ['-cf', tarball, '-C', layout.dir, '.']).status).toBe(0);
    const fromTar = await pushImage(await openImageSource(`oci-archive:${tarball}:1.0`), { registry, repository, tag: 'tar' });
    expect(fromTar.digest).toBe(fromDir.digest);
    expect(fromTar.blobs.every((b) => b.outcome === 'existed')).toBe(true);

    const client = new RegistryClient(registry);
    expect(await client.imageConfigDigest(repository, 'dir')).toMatchObject({ digest: fromDir.digest, configDigest: layout.amd64Config });
    const ref = `${registry.host}/${repository}@${fromDir.digest}`;
    await pullBack('token', ref);
    expect(await inspectImage(ref)).toEqual({ id: layout.amd64Config, diffIds: layout.diffIds });
    expect((await readImageFile(ref, '/etc/greeting', dir)).toString()).toBe('from a layout\n');
    expect((await readImageFile(ref, '/data/random.bin', dir)).equals(layout.random)).toBe(true);
    await removeImage(ref);
  });

  it('reads the layout newer engines write with `docker save` (blobs/ beside manifest.json), as docker-archive: and as oci-archive:', async () => {
    const tag = `native-save25:${crypto.randomBytes(3).toString('hex')}`;
    const random = crypto.randomBytes(150_000);
    await buildLayers(tag, [{ 'etc/greeting': Buffer.from('saved by a newer engine\n') }, { 'data/random.bin': random }]);
    const { id, diffIds } = await inspectImage(tag);
    const classic = path.join(dir, 'classic.tar');
    await saveImage(tag, classic);
    await removeImage(tag);
    const entries = await indexTar(classic);
    const bytes = fs.readFileSync(classic);
    const read = (name: string) => {
      const entry = entries.get(name);
      if (!entry) throw new Error(`${name} missing`);
      return bytes.subarray(entry.offset, entry.offset + entry.size);
    };
    const [saved] = JSON.parse(read('manifest.json').toString()) as Array<{ Config: string; Layers: string[]; RepoTags: string[] }>;
    const root = path.join(dir, 'save25');
    const config = blob(root, 'application/vnd.oci.image.config.v1+json', read(saved.Config));
    const layers = saved.Layers.map((layer) => blob(root, 'application/vnd.oci.image.layer.v1.tar', read(layer)));
    const manifest = blob(root, 'application/vnd.oci.image.manifest.v1+json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers })));
    fs.writeFileSync(path.join(root, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }] }));
    fs.writeFileSync(path.join(root, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    const blobPath = (digest: string) => `blobs/sha256/${digest.slice(7)}`;
    fs.writeFileSync(path.join(root, 'manifest.json'), JSON.stringify([{ Config: blobPath(config.digest), RepoTags: saved.RepoTags, Layers: layers.map((l) => blobPath(l.digest)) }]));
    const archive = path.join(dir, 'save25.tar');
    expect(spawnSync('tar', ['-cf', archive, '-C', root, '.']).status).toBe(0);

    const registry = clientOptions('open');
    const repository = uniqueRepository('native-save25');
    const asDocker = await pushImage(await openImageSource(`docker-archive:${archive}`), { registry, repository, tag: 'docker' });
    const asOci = await pushImage(await openImageSource(`oci-archive:${archive}`), { registry, repository, tag: 'oci' });
    const client = new RegistryClient(registry);
    expect(await client.imageConfigDigest(repository, 'docker')).toMatchObject({ mediaType: 'application/vnd.docker.distribution.manifest.v2+json', configDigest: id });
    expect(await client.imageConfigDigest(repository, 'oci')).toMatchObject({ mediaType: 'application/vnd.oci.image.manifest.v1+json', configDigest: id });
    for (const digest of [asDocker.digest, asOci.digest]) {
      const ref = `${registry.host}/${repository}@${digest}`;
      await pullBack('open', ref);
      expect(await inspectImage(ref)).toEqual({ id, diffIds });
      expect((await readImageFile(ref, '/data/random.bin', dir)).equals(random)).toBe(true);
      await removeImage(ref);
    }
  });

  it('refuses a reference the layout does not hold, naming those it holds', async () => {
    const layout = path.join(dir, 'layout-refs');
    fs.mkdirSync(layout, { recursive: true });
    fs.writeFileSync(path.join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }] }));
    await expect(openImageSource(`oci:${layout}:v2`)).rejects.toMatchObject({ kind: 'USAGE', message: expect.stringContaining('no entry named v2'), hint: 'references in the layout: v1' });
  });
});
