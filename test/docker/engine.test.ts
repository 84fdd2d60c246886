// DockerEngine against the private dockerd and the real registries of the test set-up.
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import Docker from 'dockerode';
import { FacetsError } from '../../src/core/errors';
import { DockerEngine, splitTaggedReference } from '../../src/docker/engine';
import type { EngineRegistryAuth } from '../../src/docker/auth';
import type { PushProgressEvent } from '../../src/docker/push-stream';
import { RegistryClient } from '../../src/registry';
import { clientOptions, type RegistryName } from '../registry/support';
import { dockerSocketPath, getInfra } from '../support/infra';
import { closedPort } from '../support/processes';
import { buildRandomImage } from './build-image';

const infra = getInfra();
const docker = new Docker({ socketPath: dockerSocketPath(infra) });
const engine = DockerEngine.fromEnv({ DOCKER_HOST: infra.dockerHost });
const run = `${process.pid}-${Date.now()}`;
const source = `facetsctl-test/engine:${run}`;

async function caught(promise: Promise<unknown>): Promise<FacetsError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FacetsError);
    return error as FacetsError;
  }
  throw new Error('expected a FacetsError');
}

/** A TCP front for the engine's unix socket, so the tcp:// path is tested against the real engine. */
async function tcpFrontForEngine(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(dockerSocketPath(infra));
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

beforeAll(async () => {
  await buildRandomImage(docker, source, { bytes: 200_000 });
});

afterAll(async () => {
  await docker.getImage(source).remove({ force: true }).catch(() => undefined);
});

describe('the engine is found from DOCKER_HOST as docker finds it', () => {
  test('unix:// reaches the engine', async () => {
    await expect(engine.ping()).resolves.toBeUndefined();
    expect(engine.address).toBe(infra.dockerHost);
  });
  test('tcp:// reaches the engine', async () => {
    const front = await tcpFrontForEngine();
    try {
      const tcp = DockerEngine.fromEnv({ DOCKER_HOST: `tcp://127.0.0.1:${front.port}` });
      await tcp.ping();
      expect((await tcp.inspectImage(source)).repoTags).toContain(source);
    } finally {
      await front.close();
    }
  });
});

describe('an unreachable engine is an ENGINE error that says where and why', () => {
  test('a tcp port nobody listens on: connection refused', async () => {
    const port = await closedPort();
    const error = await caught(DockerEngine.fromEnv({ DOCKER_HOST: `tcp://127.0.0.1:${port}` }).ping());
    expect(error.kind).toBe('ENGINE');
    expect(error.message).toBe(`cannot reach the Docker engine at tcp://127.0.0.1:${port}: connection refused`);
    expect(error.hint).toBe('start Docker or set DOCKER_HOST');
    expect(error.exitCode).toBe(8);
  });
  test('a unix socket that does not exist', async () => {
    const error = await caught(DockerEngine.fromEnv({ DOCKER_HOST: `unix:///tmp/facetsctl-no-engine-${run}.sock` }).inspectImage(source));
    expect(error.message).toBe(`cannot reach the Docker engine at unix:///tmp/facetsctl-no-engine-${run}.sock: no such socket`);
    expect(error.hint).toBe('start Docker or set DOCKER_HOST');
  });
});

describe('inspectImage finds a local image, and a missing one is an ENGINE error', () => {
  test('a local image: id, tags, size', async () => {
    const image = await engine.inspectImage(source);
    expect(image.id).toBe((await docker.getImage(source).inspect()).Id);
    expect(image.repoTags).toEqual([source]);
    expect(image.size).toBeGreaterThanOrEqual(200_000);
  });
  test('by image ID and by a registry-qualified name, read without loading dockerode', async () => {
    const { id } = await engine.inspectImage(source);
    expect((await engine.inspectImage(id)).repoTags).toEqual([source]);
    expect((await engine.inspectImage(id.slice('sha256:'.length, 'sha256:'.length + 12))).id).toBe(id);
    const qualified = `127.0.0.1:5000/inspect-test/x:${run}`;
    await engine.tag(source, qualified);
    try {
      expect((await engine.inspectImage(qualified)).id).toBe(id);
    } finally {
      await engine.removeTag(qualified);
    }
    const script = `const { DockerEngine } = require('./dist/docker/engine'); DockerEngine.fromEnv({ DOCKER_HOST: ${JSON.stringify(infra.dockerHost)} })
      .inspectImage(${JSON.stringify(source)}).then((i) => console.log(JSON.stringify({ id: i.id, dockerode: Object.keys(require.cache).some((k) => k.includes('/node_modules/dockerode/')) })));`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: path.resolve(__dirname, '..', '..'), encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ id, dockerode: false });
  });
  test('a missing image', async () => {
    const error = await caught(engine.inspectImage(`facetsctl-test/missing:${run}`));
    expect(error.kind).toBe('ENGINE');
    expect(error.message).toBe(`image "facetsctl-test/missing:${run}" is not in the local Docker engine`);
    expect(error.hint).toBe('build or pull it first (docker images lists what is there)');
  });
});

describe('tag adds a reference; removeTag removes only that reference, never the last one', () => {
  test('tag then removeTag leaves the source as it was', async () => {
    const target = `127.0.0.1:1/tag-test/x:${run}`;
    await engine.tag(source, target);
    expect((await engine.inspectImage(source)).repoTags.sort()).toEqual([source, target].sort());
    await expect(engine.removeTag(target)).resolves.toBe(true);
    expect((await engine.inspectImage(source)).repoTags).toEqual([source]);
  });
  test("the image's last tag is kept", async () => {
    await expect(engine.removeTag(source)).resolves.toBe(false);
    expect((await engine.inspectImage(source)).repoTags).toEqual([source]);
  });
  test('a reference pinned by digest cannot be a push target', () => {
    expect(() => splitTaggedReference('127.0.0.1:5000/a@sha256:' + 'a'.repeat(64))).toThrow(/pinned by digest/);
  });
});

describe('push sends the image to each registry variant; pulling it back by digest matches', () => {
  const variants: Array<[RegistryName, () => { host: string; auth: EngineRegistryAuth | null }]> = [
    ['open', () => ({ host: infra.registries.open.host, auth: null })],
    ['basic', () => ({ host: infra.registries.basic.host, auth: { username: infra.registries.basic.username, password: infra.registries.basic.password } })],
    ['token', () => ({ host: infra.registries.token.host, auth: { username: infra.registries.token.username, password: infra.registries.token.password } })],
    ['tls', () => ({ host: infra.registries.tls.host, auth: null })],
  ];
  test.each(variants)('%s', async (name, variant) => {
    const { host, auth } = variant();
    const target = `${host}/engine-test/app:${run}`;
    await engine.tag(source, target);
    try {
      const events: PushProgressEvent[] = [];
      const result = await engine.push(target, auth, (e) => events.push(e));
      expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(result.tag).toBe(run);
      expect(events.length).toBeGreaterThan(0);
      const authconfig = auth ? { username: auth.username, password: auth.password, serveraddress: host } : undefined;
      const pulled = await docker.pull(`${host}/engine-test/app@${result.digest}`, authconfig ? { authconfig } : {});
      const lines = await new Promise<Array<{ error?: string; status?: string }>>((resolve, reject) =>
        docker.modem.followProgress(pulled, (error: Error | null, output: Array<{ error?: string }>) => (error ? reject(error) : resolve(output))),
      );
      expect(lines.find((l) => l.error)).toBeUndefined();
      expect(lines.map((l) => l.status).join('\n')).toContain(`Digest: ${result.digest}`);
      const local = await engine.inspectImage(source);
      expect(local.repoDigests).toContain(`${host}/engine-test/app@${result.digest}`);
      // push's fast path rests on this: the image ID is the config digest the tag's manifest names.
      const remote = await new RegistryClient(clientOptions(name)).imageConfigDigest('engine-test/app', run);
      expect(remote).toMatchObject({ digest: result.digest, configDigest: local.id });
    } finally {
      await engine.removeTag(target);
    }
  });
  test('a push denied by the registry is a REGISTRY error with its reason', async () => {
    const target = `${infra.registries.basic.host}/engine-test/denied:${run}`;
    await engine.tag(source, target);
    try {
      const error = await caught(engine.push(target, { username: infra.registries.basic.username, password: 'not-the-password' }));
      expect(error.kind).toBe('REGISTRY');
      expect(error.message).toBe(`push to ${infra.registries.basic.host} failed: unauthorized: authentication required`);
      expect(error.details?.reason).toBe('UNAUTHORIZED');
      expect(error.message).not.toContain('not-the-password');
    } finally {
      await engine.removeTag(target);
    }
  });
  test('pushing an image the engine does not have is an ENGINE error', async () => {
    const error = await caught(engine.push(`${infra.registries.open.host}/engine-test/none:${run}`, null));
    expect(error.kind).toBe('ENGINE');
    expect(error.message).toContain('is not in the local Docker engine');
  });
});
