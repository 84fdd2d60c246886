// facetsctl push and the layers a registry already has: a proxy in front of the real registry records what is sent.
// Layers present in the repository are only asked for (HEAD); a second repository of the same registry gets them by
// mount; the engine pulls each result back by digest and sees the image it pushed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buildLayers, inspectImage, pullBack, readImageFile, removeImage, workDir, docker } from '../registry/native-push-support';
import { getInfra } from '../support/infra';
import { startFaultProxy, type FaultProxy, type SeenRequest } from '../support/proxy';
import { makeWorkspace, shopBlueprint, type Workspace } from './run-cli';

const infra = getInfra();
const { open, token } = infra.registries;
const dir = workDir();
const run = crypto.randomBytes(3).toString('hex');

let openProxy: FaultProxy;
let tokenProxy: FaultProxy;
let ws: Workspace;
const images: string[] = [];

/** Layers a and b share (b is built after a, so the builder's cache gives it the very same two layers). */
const shared: Array<Record<string, Buffer>> = [{ 'etc/greeting': Buffer.from('shared\n') }, { 'data/shared.bin': crypto.randomBytes(300_000) }];
const added = crypto.randomBytes(150_000);

beforeAll(async () => {
  const proxyOf = (host: string) => startFaultProxy({ host: host.split(':')[0], port: Number(host.split(':')[1]) });
  openProxy = await proxyOf(open.host);
  tokenProxy = await proxyOf(token.host);
  ws = makeWorkspace(
    shopBlueprint([
      { name: 'open', uri: openProxy.host },
      { name: 'token', uri: tokenProxy.host },
    ]),
    { DOCKER_HOST: infra.dockerHost },
  );
  // The token registry's credentials come from the docker config, as `docker login` writes them.
  fs.mkdirSync(path.join(ws.home, '.docker'), { recursive: true });
  const auth = Buffer.from(`${token.username}:${token.password}`).toString('base64');
  fs.writeFileSync(path.join(ws.home, '.docker', 'config.json'), JSON.stringify({ auths: { [`http://${tokenProxy.host}`]: { auth } } }));
  expect((await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev'])).code).toBe(0);
});
afterAll(async () => {
  for (const image of images) await removeImage(image).catch(() => undefined);
  ws?.remove();
  await openProxy?.close();
  await tokenProxy?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function build(tag: string, layers: Array<Record<string, Buffer>>): Promise<string> {
  await buildLayers(tag, layers);
  images.push(tag);
  return tag;
}

interface Manifest {
  config: { digest: string };
  layers: Array<{ digest: string }>;
}

/** The manifest the registry serves for `repository:reference` (straight from the registry, not through the proxy). */
async function manifestOf(url: string, repository: string, reference: string, headers: Record<string, string> = {}): Promise<Manifest> {
  const response = await fetch(`${url}/v2/${repository}/manifests/${reference}`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json', ...headers } });
  expect(response.status).toBe(200);
  return (await response.json()) as Manifest;
}

const blobDigest = (r: SeenRequest) => /\/blobs\/(sha256:[0-9a-f]{64})/.exec(r.path)?.[1] ?? /[?&]digest=(sha256(?::|%3A)[0-9a-f]{64})/i.exec(r.path)?.[1].replace(/%3A/i, ':');
const writes = (seen: SeenRequest[]) => seen.filter((r) => ['PUT', 'POST', 'PATCH'].includes(r.method) && r.path.includes('/blobs/'));

async function push(args: string[]) {
  const r = await ws.run(['--json', 'push', ...args, '-s', 'checkout', '--git-ref', 'main'], { timeoutMs: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.json() as { pushed: boolean; artifact: { digest: string } };
}

describe('layers the repository has already are only asked for; the missing ones are uploaded', () => {
  test('push a (two layers), then b (the same two + one): b sends only its new layer and its config', async () => {
    const a = await build(`facetsctl-test/layers-a:${run}`, shared);
    const b = await build(`facetsctl-test/layers-b:${run}`, [...shared, { 'data/added.bin': added }]);
    const repository = `shop/layers-${run}`;
    expect((await push([a, '--registry', 'open', '--repository', repository, '--tag', 'a'])).pushed).toBe(true);
    const from = openProxy.seen.length;
    const pushedB = await push([b, '--registry', 'open', '--repository', repository, '--tag', 'b']);
    expect(pushedB.pushed).toBe(true);
    const seen = openProxy.seen.slice(from);

    const [ma, mb] = [await manifestOf(open.url, repository, 'a'), await manifestOf(open.url, repository, 'b')];
    expect(mb.layers.slice(0, 2)).toEqual(ma.layers);
    const present = ma.layers.map((l) => l.digest);
    // Each present layer: asked for, never sent.
    for (const digest of present) {
      const about = seen.filter((r) => blobDigest(r) === digest);
      expect(about.map((r) => `${r.method} ${r.outcome}`)).toEqual(['HEAD 200']);
    }
    // What was sent: the new layer and the config, each in one monolithic upload (POST, then PUT with its digest).
    const sent = writes(seen);
    expect(sent.filter((r) => r.method === 'PUT').map(blobDigest).sort()).toEqual([mb.layers[2].digest, mb.config.digest].sort());
    expect(sent.filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(sent.filter((r) => r.method === 'POST')).toHaveLength(2);

    const ref = `${open.host}/${repository}@${pushedB.artifact.digest}`;
    await pullBack('open', ref);
    expect(await inspectImage(ref)).toEqual(await inspectImage(b));
    expect((await readImageFile(ref, '/data/added.bin', dir)).equals(added)).toBe(true);
    await removeImage(ref);
  }, 120_000);
});

describe('a second repository of the same registry gets the layers by mount, not by upload', () => {
  test('an image named under the token registry, pushed to another repository: every blob mounted from the first', async () => {
    const source = `shop/mount-src-${run}`;
    const target = `shop/mount-dst-${run}`;
    const named = await build(`${tokenProxy.host}/${source}:1.0.0`, [{ 'etc/greeting': Buffer.from('mounted\n') }, { 'data/mounted.bin': added }]);
    const first = await push([named]);
    expect(first.pushed).toBe(true);
    const from = tokenProxy.seen.length;
    const second = await push([named, '--repository', target]);
    expect(second).toMatchObject({ pushed: true, artifact: { digest: first.artifact.digest } });

    const blobs = writes(tokenProxy.seen.slice(from));
    const mounts = blobs.filter((r) => r.method === 'POST' && r.path.includes('mount=') && r.path.includes(`from=${encodeURIComponent(source)}`));
    expect(mounts.every((r) => r.outcome === 201)).toBe(true);
    expect(mounts).toHaveLength(3);
    // No upload: nothing but the mounts.
    expect(blobs).toEqual(mounts);

    const ref = `${token.host}/${target}@${second.artifact.digest}`;
    await pullBack('token', ref);
    expect((await inspectImage(ref)).id).toBe((await docker.getImage(named).inspect()).Id);
    expect((await readImageFile(ref, '/data/mounted.bin', dir)).equals(added)).toBe(true);
    await removeImage(ref);
  }, 120_000);
});
