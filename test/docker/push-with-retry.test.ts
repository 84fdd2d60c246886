// Transient push failures retried with backoff; the engine sits between us and a fault proxy in front of a real registry.
import Docker from 'dockerode';
import { FacetsError } from '../../src/core/errors';
import { DockerEngine } from '../../src/docker/engine';
import { backoffDelay, pushWithRetry } from '../../src/docker/push-with-retry';
import { dockerSocketPath, getInfra } from '../support/infra';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/proxy';
import { buildRandomImage } from './build-image';

const infra = getInfra();
const docker = new Docker({ socketPath: dockerSocketPath(infra) });
const engine = DockerEngine.fromEnv({ DOCKER_HOST: infra.dockerHost });
const run = `${process.pid}-${Date.now()}`;
const source = `facetsctl-test/retry:${run}`;
const fast = { baseDelayMs: 20, maxDelayMs: 100 };
const manifestPut: Fault['match'] = { method: 'PUT', path: /\/manifests\// };

beforeAll(async () => {
  await buildRandomImage(docker, source, { bytes: 300_000, layers: 2 });
});
afterAll(async () => {
  await docker.getImage(source).remove({ force: true }).catch(() => undefined);
});

/** Pushes `source` through a fault proxy in front of the open registry; cleans up tag and proxy. */
async function throughProxy<T>(name: string, plan: Fault[], body: (target: string, proxy: FaultProxy) => Promise<T>): Promise<T> {
  const [host, port] = infra.registries.open.host.split(':');
  const proxy = await startFaultProxy({ host, port: Number(port) }, plan);
  const target = `${proxy.host}/retry/${name}:${run}`;
  await engine.tag(source, target);
  try {
    return await body(target, proxy);
  } finally {
    await engine.removeTag(target);
    await proxy.close();
  }
}

async function registryDigest(repository: string, tag: string): Promise<string | null> {
  const head = await fetch(`${infra.registries.open.url}/v2/${repository}/manifests/${tag}`, { method: 'HEAD', headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
  return head.status === 200 ? head.headers.get('docker-content-digest') : null;
}

describe('transient failures (5xx, 429, connection resets) are retried with backoff, at most 3 times', () => {
  test('503 on the manifest, then success: two attempts, the registry has the digest', async () => {
    await throughProxy('m503', [{ match: manifestPut, status: 503 }], async (target, proxy) => {
      const retries: number[] = [];
      const result = await pushWithRetry(engine, target, null, { ...fast, onRetry: (r) => retries.push(r.attempt) });
      expect(result.attempts).toBe(2);
      expect(retries).toEqual([1]);
      expect(result.digest).toBe(await registryDigest(`retry/m503`, run));
      expect(proxy.seen.filter((s) => s.method === 'PUT' && /manifests/.test(s.path)).map((s) => s.outcome)).toEqual([503, 201]);
    });
  });

  test('a re-push only re-sends missing layers: the retry sends no layer again', async () => {
    await throughProxy('resend', [{ match: manifestPut, status: 503 }], async (target, proxy) => {
      const result = await pushWithRetry(engine, target, null, fast);
      expect(result.layersPushed).toBe(0);
      expect(result.layersExisting).toBe(2);
      const uploaded = proxy.seen.filter((s) => s.method === 'PUT' && /blobs\/uploads/.test(s.path)).map((s) => /digest=([^&]+)/.exec(s.path)?.[1]);
      expect(uploaded).toHaveLength(3); // two layers and the image config, each once
      expect(new Set(uploaded).size).toBe(3);
    });
  });

  test('429 with Retry-After on the manifest, then success', async () => {
    const plan: Fault[] = [{ match: manifestPut, status: 429, headers: { 'retry-after': '1' }, body: JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }) }];
    await throughProxy('m429', plan, async (target) => {
      const errors: FacetsError[] = [];
      const result = await pushWithRetry(engine, target, null, { ...fast, onRetry: (r) => errors.push(r.error) });
      expect(result.attempts).toBe(2);
      expect(errors[0].message).toContain('toomanyrequests: slow down');
      expect(result.digest).toBe(await registryDigest('retry/m429', run));
    });
  });

  test('a registry that stays down: 4 attempts, then a REGISTRY error with its reason', async () => {
    await throughProxy('down', [{ match: manifestPut, dropAfterBytes: 0, times: 100 }], async (target, proxy) => {
      const delays: number[] = [];
      const error = (await pushWithRetry(engine, target, null, { ...fast, onRetry: (r) => delays.push(r.delayMs) }).catch((e: FacetsError) => e)) as FacetsError;
      expect(error).toBeInstanceOf(FacetsError);
      expect(error.kind).toBe('REGISTRY');
      expect(error.message).toMatch(new RegExp(`^push to ${proxy.host} failed: .*(EOF|connection reset)`));
      expect(error.details).toMatchObject({ reason: 'TRANSIENT', attempts: 4 });
      expect(delays).toHaveLength(3);
      expect(proxy.seen.filter((s) => s.method === 'PUT' && /manifests/.test(s.path))).toHaveLength(4);
      expect(await registryDigest('retry/down', run)).toBeNull();
    });
  });

  test('a connection dropped mid-layer is retried by the engine itself and the push succeeds', async () => {
    await throughProxy('droplayer', [{ match: { method: 'PATCH' }, dropAfterBytes: 0 }], async (target) => {
      const result = await pushWithRetry(engine, target, null, fast);
      expect(result.attempts).toBe(1);
      expect(result.digest).toBe(await registryDigest('retry/droplayer', run));
    });
  }, 30_000);
});

describe('a failure that is not transient is not retried', () => {
  test('unauthorized: one attempt', async () => {
    const [host, port] = infra.registries.basic.host.split(':');
    const proxy = await startFaultProxy({ host, port: Number(port) });
    const target = `${proxy.host}/retry/denied:${run}`;
    await engine.tag(source, target);
    try {
      let retried = false;
      const error = await pushWithRetry(engine, target, { username: infra.registries.basic.username, password: 'wrong' }, { ...fast, onRetry: () => (retried = true) }).catch((e: FacetsError) => e);
      expect(error).toMatchObject({ kind: 'REGISTRY', details: { reason: 'UNAUTHORIZED' } });
      expect(retried).toBe(false);
    } finally {
      await engine.removeTag(target);
      await proxy.close();
    }
  });
});

describe('backoff doubles per attempt with jitter, capped', () => {
  test.each([
    [1, 0, 500],
    [1, 1, 1000],
    [2, 1, 2000],
    [3, 0.5, 3000],
    [6, 1, 10_000],
  ])('attempt %i, random %d -> %i ms', (attempt, random, expected) => expect(backoffDelay(attempt, 1000, 10_000, () => random)).toBe(expected));
});
