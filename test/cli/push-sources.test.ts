// facetsctl push of image sources without any Docker daemon (DOCKER_HOST points nowhere): a `docker save` archive, an
// OCI layout directory and the same layout as a tar, each pulled back by digest by the real engine; the fast path too.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EXIT_CODES } from '../../src/core/errors';
import { archiveReader, buildLayers, docker, inspectImage, readImageFile, removeImage, saveImage, workDir, type EngineImage } from '../registry/native-push-support';
import { getInfra } from '../support/infra';
import { startFaultProxy, type FaultProxy } from '../support/proxy';
import { makeWorkspace, shopBlueprint, type Workspace } from './run-cli';

const infra = getInfra();
const { open } = infra.registries;
const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/facetsctl-no-engine.sock' };
const dir = workDir();
const sha256 = (bytes: Buffer) => `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;

let ws: Workspace;
let proxy: FaultProxy;
let saved: EngineImage;
let random: Buffer;
let archive: string;
let layout: string;
let layoutTar: string;

/** An OCI layout (one image manifest, named 2.0.0) of the saved image: the config bytes as they are, the layers as plain tars. */
async function writeLayout(from: string, to: string): Promise<void> {
  const read = await archiveReader(from);
  const [entry] = JSON.parse((await read('manifest.json')).toString()) as Array<{ Config: string; Layers: string[] }>;
  const blob = (mediaType: string, bytes: Buffer, extra: Record<string, unknown> = {}) => {
    fs.mkdirSync(path.join(to, 'blobs', 'sha256'), { recursive: true });
    fs.writeFileSync(path.join(to, 'blobs', 'sha256', sha256(bytes).slice(7)), bytes);
    return { mediaType, digest: sha256(bytes), size: bytes.length, ...extra };
  };
  const config = blob('application/vnd.oci.image.config.v1+json', await read(entry.Config));
  const layers = [];
  for (const file of entry.Layers) layers.push(blob('application/vnd.oci.image.layer.v1.tar', await read(file)));
  const manifest = blob('application/vnd.oci.image.manifest.v1+json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers })), {
    annotations: { 'org.opencontainers.image.ref.name': '2.0.0' },
  });
  fs.writeFileSync(path.join(to, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(path.join(to, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [manifest] }));
}

beforeAll(async () => {
  const tag = `facetsctl-test/sources:${crypto.randomBytes(3).toString('hex')}`;
  random = crypto.randomBytes(2_000_000);
  await buildLayers(tag, [{ 'etc/greeting': Buffer.from('no daemon\n'), 'etc/words': Buffer.from('compressible words '.repeat(50_000)) }, { 'data/random.bin': random }]);
  saved = await inspectImage(tag);
  archive = path.join(dir, 'app.tar');
  await saveImage(tag, archive);
  await removeImage(tag);
  layout = path.join(dir, 'layout');
  await writeLayout(archive, layout);
  layoutTar = path.join(dir, 'layout.tar');
  const tar = spawnSync('tar', ['-C', layout, '-cf', layoutTar, 'oci-layout', 'index.json', 'blobs']);
  if (tar.status !== 0) throw new Error(`tar: ${tar.stderr}`);

  const [host, port] = open.host.split(':');
  proxy = await startFaultProxy({ host, port: Number(port) });
  ws = makeWorkspace(shopBlueprint([{ name: 'open', uri: proxy.host }]), NO_ENGINE);
  expect((await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev'])).code).toBe(0);
});
afterAll(async () => {
  ws?.remove();
  await proxy?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The engine pulls `repository@digest` straight from the registry, and must see the image that was saved. */
async function pulledBack(repository: string, digest: string): Promise<void> {
  const ref = `${open.host}/${repository}@${digest}`;
  const stream = await docker.pull(ref);
  const lines = await new Promise<Array<{ error?: string }>>((resolve, reject) => docker.modem.followProgress(stream, (e: Error | null, out: Array<{ error?: string }>) => (e ? reject(e) : resolve(out))));
  expect(lines.find((l) => l.error)).toBeUndefined();
  expect(await inspectImage(ref)).toEqual(saved);
  expect((await readImageFile(ref, '/data/random.bin', dir)).equals(random)).toBe(true);
  await removeImage(ref);
}

const uploads = (from: number) => proxy.seen.slice(from).filter((r) => ['PUT', 'POST', 'PATCH'].includes(r.method));

describe('docker-archive:, oci: and oci-archive: push with no engine reachable, and the engine pulls back the same image', () => {
  test.each([
    ['docker-archive:FILE with --tag', () => [`docker-archive:${archive}`, '--tag', '1.0.0'], '1.0.0', 'application/vnd.docker.distribution.manifest.v2+json', true],
    ['oci:DIR:REF (the tag from the layout)', () => [`oci:${layout}:2.0.0`], '2.0.0', 'application/vnd.oci.image.manifest.v1+json', true],
    // The same layout as the oci: case, so the same manifest digest: the artifact registered then.
    ['oci-archive:FILE:REF', () => [`oci-archive:${layoutTar}:2.0.0`], '2.0.0', 'application/vnd.oci.image.manifest.v1+json', false],
  ])('%s', async (_name, args, tag, mediaType, created) => {
    const repository = `shop/sources-${crypto.randomBytes(3).toString('hex')}`;
    const push = ['--json', 'push', ...args(), '-s', 'checkout', '--repository', repository, '--git-ref', 'main'];
    const first = await ws.run(push, { timeoutMs: 60_000 });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const digest = first.json().artifact.digest as string;
    expect(first.json()).toMatchObject({ pushed: true, skipped: false, created, routedTo: 'dev', artifactUri: `${proxy.host}/${repository}:${tag}@${digest}` });
    const head = await fetch(`${open.url}/v2/${repository}/manifests/${tag}`, { method: 'HEAD', headers: { accept: mediaType } });
    expect([head.headers.get('content-type'), head.headers.get('docker-content-digest')]).toEqual([mediaType, digest]);

    // The fast path: the registry has that config under the tag, so nothing is uploaded and the artifact is the same.
    const seen = proxy.seen.length;
    const again = await ws.run(push);
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ pushed: false, skipped: true, created: false, artifactUri: first.json().artifactUri });
    expect(uploads(seen)).toEqual([]);

    await pulledBack(repository, digest);
  }, 60_000);
});

describe('--compression-level: the gzip level of the layers facetsctl compresses (default 1)', () => {
  /** The layer sizes of `repository:1.0.0` as the registry holds them. */
  async function layerSizes(repository: string): Promise<number[]> {
    const answer = await fetch(`${open.url}/v2/${repository}/manifests/1.0.0`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    return ((await answer.json()) as { layers: Array<{ size: number }> }).layers.map((l) => l.size);
  }

  test('no flag is level 1 (the same bytes); 0 stores the compressible layer, 9 makes it smaller; 0 pulls back as the same image', async () => {
    const push = async (flags: string[]) => {
      const repository = `shop/level-${crypto.randomBytes(3).toString('hex')}`;
      const r = await ws.run(['--json', 'push', `docker-archive:${archive}`, '--tag', '1.0.0', '-s', 'checkout', '--repository', repository, '--git-ref', 'main', ...flags], { timeoutMs: 60_000 });
      expect(r.code).toBe(0);
      return { repository, digest: r.json().artifact.digest as string, sizes: await layerSizes(repository) };
    };
    const [byDefault, one, stored, best] = [await push([]), await push(['--compression-level', '1']), await push(['--compression-level', '0']), await push(['--compression-level', '9'])];
    expect(byDefault.digest).toBe(one.digest);
    expect(stored.sizes[0]).toBeGreaterThan(950_000);
    expect(one.sizes[0]).toBeLessThan(100_000);
    expect(best.sizes[0]).toBeLessThan(one.sizes[0]);
    await pulledBack(stored.repository, stored.digest);
  }, 90_000);

  test.each([['10'], ['-1'], ['1.5'], ['fast']])('--compression-level %s is exit USAGE, nothing pushed', async (level) => {
    const seen = proxy.seen.length;
    const r = await ws.run(['--json', 'push', `docker-archive:${archive}`, '--tag', '1.0.0', '-s', 'checkout', '--git-ref', 'main', '--compression-level', level]);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.json().error.message).toBe(`--compression-level must be 0 to 9, not "${level}"`);
    expect(uploads(seen)).toEqual([]);
  });

  test('--compression-level with --via-engine is exit USAGE: the engine compresses by itself', async () => {
    const r = await ws.run(['--json', 'push', 'facetsctl-test/any:1', '-s', 'checkout', '--git-ref', 'main', '--compression-level', '3', '--via-engine']);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.json().error.message).toBe("--compression-level applies to facetsctl's own upload, not to --via-engine");
  });
});

describe('what a source cannot do is refused before anything is pushed, exit USAGE', () => {
  test.each([
    ['a missing file', () => ['docker-archive:/nonexistent/app.tar', '--tag', '1.0.0'], /^docker-archive:\/nonexistent\/app\.tar: no such file$/],
    ['a directory that is not a layout', () => [`oci:${dir}`, '--tag', '1.0.0'], /has no index\.json: it is not an OCI image layout$/],
    ['no tag: the archive names none and --tag is missing', () => [`docker-archive:${archive}`], /^cannot tell which tag to push the image as$/],
    ['--via-engine', () => [`docker-archive:${archive}`, '--tag', '1.0.0', '--via-engine'], /^--via-engine pushes an image of the Docker engine, not docker-archive:/],
    ['--no-push', () => [`docker-archive:${archive}`, '--tag', '1.0.0', '--no-push'], /^--no-push registers an image already in a registry, not docker-archive:/],
  ])('%s', async (_name, args, message) => {
    const seen = proxy.seen.length;
    const r = await ws.run(['--json', 'push', ...args(), '-s', 'checkout', '--repository', 'shop/refused-source', '--git-ref', 'main']);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.json().error.message).toMatch(message);
    expect(uploads(seen)).toEqual([]);
  });
});
