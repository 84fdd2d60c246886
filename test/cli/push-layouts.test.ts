// facetsctl push of OCI layouts with no engine reachable: an index of two platforms (each platform its own image, an
// empty layer among them), and one 1 GiB layer; the registry serves what was pushed and the engine pulls it back by digest.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { archiveReader, buildLayers, inspectImage, pullBack, readImageFile, removeImage, saveImage, workDir } from '../registry/native-push-support';
import { getInfra } from '../support/infra';
import { makeWorkspace, shopBlueprint, type Workspace } from './run-cli';

const infra = getInfra();
const { open } = infra.registries;
const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/facetsctl-no-engine.sock' };
const dir = workDir();
const run = crypto.randomBytes(3).toString('hex');
const sha256 = (bytes: Buffer) => `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
const EMPTY_TAR = Buffer.alloc(1024);
const OCI = { index: 'application/vnd.oci.image.index.v1+json', manifest: 'application/vnd.oci.image.manifest.v1+json', config: 'application/vnd.oci.image.config.v1+json', tar: 'application/vnd.oci.image.layer.v1.tar' };
/** The engine's own platform: the one it pulls out of an index. */
const ARCH = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch] ?? process.arch;
const OTHER_ARCH = ARCH === 'arm64' ? 'amd64' : 'arm64';

let ws: Workspace;
beforeAll(async () => {
  ws = makeWorkspace(shopBlueprint([{ name: 'open', uri: open.host }]), NO_ENGINE);
  expect((await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev'])).code).toBe(0);
});
afterAll(() => {
  ws?.remove();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/** Writes `bytes` into the layout's blobs and returns its descriptor. */
function blob(layout: string, mediaType: string, bytes: Buffer): Descriptor {
  fs.mkdirSync(path.join(layout, 'blobs', 'sha256'), { recursive: true });
  fs.writeFileSync(path.join(layout, 'blobs', 'sha256', sha256(bytes).slice(7)), bytes);
  return { mediaType, digest: sha256(bytes), size: bytes.length };
}

/** An image manifest in the layout: `config` (its rootfs set to the layers' diff IDs) over plain-tar layers. */
function image(layout: string, config: Record<string, unknown>, layers: Descriptor[], diffIds: string[]) {
  const configBlob = blob(layout, OCI.config, Buffer.from(JSON.stringify({ ...config, rootfs: { type: 'layers', diff_ids: diffIds } })));
  const manifest = blob(layout, OCI.manifest, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI.manifest, config: configBlob, layers })));
  return { manifest, config: configBlob, layers };
}

function writeIndex(layout: string, manifests: Array<Descriptor & Record<string, unknown>>, ref: string): Descriptor {
  const index = blob(layout, OCI.index, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI.index, manifests })));
  fs.writeFileSync(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(path.join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ ...index, annotations: { 'org.opencontainers.image.ref.name': ref } }] }));
  return index;
}

/** A small image built by the engine, saved, and taken apart: its config and its layers as plain tars. */
async function builtImage(name: string, files: Record<string, Buffer>) {
  const tag = `facetsctl-test/${name}:${run}`;
  await buildLayers(tag, [{ 'etc/name': Buffer.from(`${name}\n`) }, files]);
  const archive = path.join(dir, `${name}.tar`);
  await saveImage(tag, archive);
  await removeImage(tag);
  const read = await archiveReader(archive);
  const [saved] = JSON.parse((await read('manifest.json')).toString()) as Array<{ Config: string; Layers: string[] }>;
  const config = JSON.parse((await read(saved.Config)).toString()) as Record<string, unknown> & { rootfs: { diff_ids: string[] }; history?: unknown[] };
  return { config, tars: await Promise.all(saved.Layers.map(read)) };
}

async function push(args: string[], timeoutMs = 60_000) {
  const r = await ws.run(['--json', 'push', ...args, '-s', 'checkout', '--git-ref', 'main'], { timeoutMs });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.json() as { pushed: boolean; skipped: boolean; artifact: { digest: string } };
}

/** What the registry answers for a manifest or blob, straight from it. */
async function registryGet(base: string, what: string, accept?: string) {
  const response = await fetch(`${base}${what}`, { headers: accept ? { accept } : {} });
  return { status: response.status, type: response.headers.get('content-type'), digest: response.headers.get('docker-content-digest'), body: Buffer.from(await response.arrayBuffer()) };
}

describe('oci:DIR holding an index of two platforms: the registry serves the index, each platform and its blobs', () => {
  test('pushed with the CLI (an empty layer in each platform); the engine pulls its own platform back by digest; a re-push is skipped', async () => {
    const random = crypto.randomBytes(200_000);
    const local = await builtImage('platform-local', { 'data/random.bin': random });
    const other = await builtImage('platform-other', { 'data/other.bin': crypto.randomBytes(50_000) });
    /** The layout: this engine's platform from `local`, another from `other` (`label` set in that one's config). */
    const writeMulti = (layout: string, label: string) => {
      const made = [
        { architecture: ARCH, built: local, labels: {} },
        { architecture: OTHER_ARCH, built: other, labels: { label } },
      ].map(({ architecture, built, labels }) => {
        const layers = [...built.tars, EMPTY_TAR].map((tar) => blob(layout, OCI.tar, tar));
        const history = [...(built.config.history ?? []), { created_by: 'an empty layer' }];
        const diffIds = [...built.config.rootfs.diff_ids, sha256(EMPTY_TAR)];
        const config = { ...built.config, architecture, history, config: { ...(built.config.config as object), Labels: labels } };
        return { architecture, ...image(layout, config, layers, diffIds), diffIds };
      });
      writeIndex(layout, made.map((p) => ({ ...p.manifest, platform: { architecture: p.architecture, os: 'linux' } })), '3.0.0');
      return made;
    };
    const layout = path.join(dir, 'multi');
    const platforms = writeMulti(layout, 'one');
    const repository = `shop/multi-${run}`;
    const pushed = await push([`oci:${layout}:3.0.0`, '--registry', 'open', '--repository', repository]);
    expect(pushed.pushed).toBe(true);

    // The index as pushed: the layout's, each platform's manifest now over the layers facetsctl gzipped, configs unchanged.
    const v2 = `${open.url}/v2/${repository}`;
    const served = await registryGet(v2, '/manifests/3.0.0', OCI.index);
    expect([served.status, served.type, served.digest]).toEqual([200, OCI.index, pushed.artifact.digest]);
    const platformsServed = (JSON.parse(served.body.toString()) as { manifests: Array<{ digest: string; platform: { architecture: string; os: string } }> }).manifests;
    expect(platformsServed.map((m) => m.platform)).toEqual(platforms.map((p) => ({ architecture: p.architecture, os: 'linux' })));
    for (const [i, p] of platforms.entries()) {
      const manifest = await registryGet(v2, `/manifests/${platformsServed[i].digest}`, OCI.manifest);
      expect([manifest.status, manifest.type, manifest.digest]).toEqual([200, OCI.manifest, platformsServed[i].digest]);
      const { config, layers } = JSON.parse(manifest.body.toString()) as { config: Descriptor; layers: Descriptor[] };
      expect(config.digest).toBe(p.config.digest);
      expect(layers.map((l) => l.mediaType)).toEqual(p.layers.map(() => `${OCI.tar}+gzip`));
      for (const d of [config, ...layers]) {
        const got = await registryGet(v2, `/blobs/${d.digest}`);
        expect([got.status, sha256(got.body), got.body.length]).toEqual([200, d.digest, d.size]);
      }
    }

    const ref = `${open.host}/${repository}@${pushed.artifact.digest}`;
    await pullBack('open', ref);
    expect(await inspectImage(ref)).toEqual({ id: platforms[0].config.digest, diffIds: platforms[0].diffIds });
    expect((await readImageFile(ref, '/data/random.bin', dir)).equals(random)).toBe(true);
    expect((await readImageFile(ref, '/etc/name', dir)).toString()).toBe('platform-local\n');
    await removeImage(ref);

    // Unchanged: skipped, though the index pushed is not the layout's (its layers were compressed); one platform changed: pushed.
    expect(await push([`oci:${layout}:3.0.0`, '--registry', 'open', '--repository', repository])).toMatchObject({ pushed: false, skipped: true });
    const changed = path.join(dir, 'multi-changed');
    writeMulti(changed, 'two');
    expect(await push([`oci:${changed}:3.0.0`, '--registry', 'open', '--repository', repository])).toMatchObject({ pushed: true, skipped: false });
  }, 120_000);
});

const GIB = 1024 ** 3;
const RANDOM_PART = 128 * 1024 ** 2;

/**
 * A layer tar holding one 1 GiB file, written fast: 128 MiB of pseudo-random bytes (stored, not deflated), the rest
 * a hole (zeros, deflated); returns the tar's path and digest (the diff ID).
 */
function writeGibLayer(to: string): { file: string; diffId: string } {
  const content = path.join(to, 'content');
  fs.mkdirSync(content, { recursive: true });
  const big = path.join(content, 'big.bin');
  const fd = fs.openSync(big, 'w');
  const cipher = crypto.createCipheriv('aes-256-ctr', crypto.randomBytes(32), crypto.randomBytes(16));
  const zeros = Buffer.alloc(8 * 1024 ** 2);
  for (let written = 0; written < RANDOM_PART; written += zeros.length) fs.writeSync(fd, cipher.update(zeros));
  fs.ftruncateSync(fd, GIB);
  fs.closeSync(fd);
  const file = path.join(to, 'layer.tar');
  const tar = spawnSync('tar', ['-C', content, '--owner=0', '--group=0', '--numeric-owner', '--mtime=2020-01-01', '-cf', file, 'big.bin']);
  if (tar.status !== 0) throw new Error(`tar: ${tar.stderr}`);
  fs.rmSync(content, { recursive: true, force: true });
  const hash = crypto.createHash('sha256');
  const buffer = Buffer.alloc(16 * 1024 ** 2);
  const tfd = fs.openSync(file, 'r');
  for (let n; (n = fs.readSync(tfd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
  fs.closeSync(tfd);
  return { file, diffId: `sha256:${hash.digest('hex')}` };
}

describe('one 1 GiB layer', () => {
  test('oci:DIR: compressed by facetsctl, pulled back by digest by the engine with the same diff ID; everything removed after', async () => {
    const free = fs.statfsSync(dir);
    if (free.bavail * free.bsize < 6 * GIB) throw new Error(`this test needs 6 GiB free in ${dir} (the layer, its copy in the registry and in the engine)`);
    const layout = path.join(dir, 'gib');
    fs.mkdirSync(path.join(layout, 'blobs', 'sha256'), { recursive: true });
    const { file, diffId } = writeGibLayer(dir);
    const layerFile = path.join(layout, 'blobs', 'sha256', diffId.slice(7));
    fs.renameSync(file, layerFile);
    const made = image(layout, { architecture: ARCH, os: 'linux', config: {} }, [{ mediaType: OCI.tar, digest: diffId, size: fs.statSync(layerFile).size }], [diffId]);
    fs.writeFileSync(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    fs.writeFileSync(path.join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ ...made.manifest, annotations: { 'org.opencontainers.image.ref.name': 'big' } }] }));

    const repository = `shop/gib-${run}`;
    const v2 = `${open.url}/v2/${repository}`;
    let ref: string | undefined;
    let blobs: string[] = [];
    try {
      const pushed = await push([`oci:${layout}:big`, '--registry', 'open', '--repository', repository], 600_000);
      expect(pushed.pushed).toBe(true);
      fs.rmSync(layout, { recursive: true, force: true });
      const manifest = JSON.parse((await registryGet(v2, `/manifests/${pushed.artifact.digest}`, OCI.manifest)).body.toString()) as { config: Descriptor; layers: Descriptor[] };
      blobs = [manifest.config.digest, ...manifest.layers.map((l) => l.digest)];
      // Compressed: the zeros deflated, the pseudo-random part stored.
      expect(manifest.layers).toHaveLength(1);
      expect(manifest.layers[0].mediaType).toBe(`${OCI.tar}+gzip`);
      expect(manifest.layers[0].size).toBeLessThan(GIB / 4);
      ref = `${open.host}/${repository}@${pushed.artifact.digest}`;
      await pullBack('open', ref);
      expect(await inspectImage(ref)).toEqual({ id: made.config.digest, diffIds: [diffId] });
    } finally {
      if (ref) await removeImage(ref).catch(() => undefined);
      // The registry keeps a deleted blob's data until garbage collection: this test's repository and blobs go from its storage.
      const storage = path.join(infra.dir, 'registries', 'open', 'data', 'docker', 'registry', 'v2');
      fs.rmSync(path.join(storage, 'repositories', ...repository.split('/')), { recursive: true, force: true });
      for (const digest of blobs) fs.rmSync(path.join(storage, 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7)), { recursive: true, force: true });
    }
  }, 900_000);
});
