// facetsctl push when the registry misbehaves: facetsctl's own upload (the default) and the engine's push (--via-engine)
// go through a fault proxy in front of the real registry, and each fault ends as the README says.
import Docker from 'dockerode';
import { EXIT_CODES } from '../../src/core/errors';
import { buildRandomImage } from '../docker/build-image';
import { dockerSocketPath, getInfra } from '../support/infra';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/proxy';
import { closedPort } from '../support/processes';
import { makeWorkspace, shopBlueprint, type CliResult, type Workspace } from './run-cli';

const infra = getInfra();
const { open } = infra.registries;
const docker = new Docker({ socketPath: dockerSocketPath(infra) });
const run = `${process.pid}-${Date.now().toString(36)}`;
const manifestPut: Fault['match'] = { method: 'PUT', path: /\/manifests\// };
let counter = 0;

interface Outcome {
  result: CliResult;
  proxy: FaultProxy;
  artifacts: number;
  image: string;
}

/** What differs between the two ways of pushing: the flag, and the words of the registry's failures. */
const PATHS = [
  {
    path: 'native',
    flags: [] as string[],
    retried: /^warning: push attempt 1 failed \(registry 127\.0\.0\.1:\d+ answered 503 to PUT \/v2\/faults\/app-\d+\/manifests\/1\.0\.0 \(UNAVAILABLE: injected 503\)\); retrying in \d\.\ds$/m,
    tooMany: 'answered 429 to PUT',
    tooManySaid: 'TOOMANYREQUESTS: rate limit exceeded',
    // facetsctl sees the registry's Retry-After; the engine's stream does not carry it (its own backoff).
    waited: /retrying in 1\.\ds$/m,
    // facetsctl sends each blob in one PUT (the engine: PATCH); the connection goes while the layer is sent.
    midBlob: { method: 'PUT', path: /\/blobs\/uploads\// },
    goneDown: /^cannot reach registry 127\.0\.0\.1:\d+: connection reset \(after 4 attempts\)$/,
    refused: /^cannot reach registry 127\.0\.0\.1:\d+: connection refused$/,
    refusedHint: /^check that the registry is running and that 127\.0\.0\.1:\d+ is the right host and port$/,
    pusher: 'facetsctl',
  },
  {
    path: '--via-engine',
    flags: ['--via-engine'],
    retried: /^warning: push attempt 1 failed \(push to 127\.0\.0\.1:\d+ failed: received unexpected HTTP status: 503 Service Unavailable\); retrying in \d\.\ds$/m,
    tooMany: 'toomanyrequests: rate limit exceeded',
    tooManySaid: 'toomanyrequests: rate limit exceeded',
    waited: /retrying in \d\.\ds$/m,
    midBlob: { method: 'PATCH' },
    goneDown: /^push to 127\.0\.0\.1:\d+ failed: .*(EOF|connection reset)/,
    refused: /connect: connection refused$/,
    refusedHint: /is running and reachable from the Docker engine/,
    pusher: 'the engine',
  },
];

/** One push of a fresh image to a registry entry that points at a fault proxy in front of the open registry. */
async function pushThrough(plan: Fault[], flags: string[]): Promise<Outcome> {
  counter += 1;
  const image = `facetsctl-test/faults:${run}-${counter}`;
  await buildRandomImage(docker, image, { bytes: 60_000 });
  const [host, port] = open.host.split(':');
  const proxy = await startFaultProxy({ host, port: Number(port) }, plan);
  const ws: Workspace = makeWorkspace(shopBlueprint([{ name: 'flaky', uri: proxy.host }]), { DOCKER_HOST: infra.dockerHost });
  try {
    await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev']);
    const result = await ws.run(['--json', 'push', image, '-s', 'checkout', '--repository', `faults/app-${counter}`, '--tag', '1.0.0', '--git-ref', 'main', ...flags], { timeoutMs: 60_000 });
    const list = await ws.run(['--json', 'artifacts', 'list', '--service', 'checkout']);
    return { result, proxy, artifacts: list.json().total, image };
  } finally {
    ws.remove();
    await proxy.close();
  }
}

async function registryDigest(repository: string): Promise<string | null> {
  const head = await fetch(`${open.url}/v2/${repository}/manifests/1.0.0`, { method: 'HEAD', headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
  return head.status === 200 ? head.headers.get('docker-content-digest') : null;
}

const manifestPuts = (proxy: FaultProxy) => proxy.seen.filter((s) => s.method === 'PUT' && /manifests/.test(s.path)).map((s) => s.outcome);

describe.each(PATHS)('$path push', ({ flags, retried, tooMany, tooManySaid, waited, midBlob, goneDown, refused, refusedHint, pusher }) => {
  describe('transient registry failures are retried with backoff (max 3) and end in one artifact', () => {
    test('503 then success', async () => {
      const { result, proxy, artifacts } = await pushThrough([{ match: manifestPut, status: 503 }], flags);
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(retried);
      expect(result.json()).toMatchObject({ pushed: true, created: true, routedTo: 'dev' });
      expect(manifestPuts(proxy)).toEqual([503, 201]);
      expect(artifacts).toBe(1);
      expect(result.json().artifact.digest).toBe(await registryDigest(`faults/app-${counter}`));
    });

    test('429 with Retry-After then success', async () => {
      const body = JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'rate limit exceeded' }] });
      const { result, proxy, artifacts } = await pushThrough([{ match: manifestPut, status: 429, headers: { 'retry-after': '1' }, body }], flags);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(tooMany);
      expect(result.stderr).toContain(tooManySaid);
      expect(result.stderr).toMatch(waited);
      expect(manifestPuts(proxy)).toEqual([429, 201]);
      expect(artifacts).toBe(1);
    });

    test('a connection dropped in the middle of a layer upload: that layer is sent again, one artifact', async () => {
      const { result, proxy, artifacts } = await pushThrough([{ match: midBlob, dropAfterBytes: 0 }], flags);
      expect(result.code).toBe(0);
      expect(proxy.seen.some((s) => s.outcome === 'dropped')).toBe(true);
      expect(artifacts).toBe(1);
      expect(result.json().artifact.digest).toBe(await registryDigest(`faults/app-${counter}`));
    }, 60_000);
  });

  describe('a registry that goes down mid-push and stays down: REGISTRY exit after 3 retries, nothing registered, no manifest, temporary tag removed', () => {
    test('every manifest upload dropped', async () => {
      const { result, proxy, artifacts, image } = await pushThrough([{ match: manifestPut, dropAfterBytes: 0, times: 100 }], flags);
      expect(result.code).toBe(EXIT_CODES.REGISTRY);
      expect(result.json().error.code).toBe('REGISTRY');
      expect(result.json().error.message).toMatch(goneDown);
      expect(result.stderr.match(/^warning: push attempt \d failed/gm)).toHaveLength(3);
      expect(manifestPuts(proxy)).toHaveLength(4);
      expect(artifacts).toBe(0);
      expect(await registryDigest(`faults/app-${counter}`)).toBeNull();
      expect((await docker.getImage(image).inspect()).RepoTags).toEqual([image]);
    }, 60_000);
  });

  describe('a registry that is down from the start: connection refused, not retried, nothing registered', () => {
    test('closed port', async () => {
      counter += 1;
      const image = `facetsctl-test/faults:${run}-${counter}`;
      await buildRandomImage(docker, image, { bytes: 1000 });
      const ws = makeWorkspace(shopBlueprint([{ name: 'down', uri: `127.0.0.1:${await closedPort()}` }]), { DOCKER_HOST: infra.dockerHost });
      try {
        await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev']);
        const r = await ws.run(['--json', 'push', image, '-s', 'checkout', '--tag', '1.0.0', '--git-ref', 'main', ...flags]);
        expect(r.code).toBe(EXIT_CODES.REGISTRY);
        expect(r.json().error.message).toMatch(refused);
        expect(r.json().error.hint).toMatch(refusedHint);
        expect(r.stderr).not.toMatch(/retrying/);
        expect((await ws.run(['--json', 'artifacts', 'list', '--service', 'checkout'])).json().total).toBe(0);
      } finally {
        ws.remove();
      }
    });
  });

  describe('the digest pushed is checked against the registry: a mismatch is an error and nothing is registered', () => {
    test('the registry answers another digest for the tag', async () => {
      const other = `sha256:${'0'.repeat(64)}`;
      const plan: Fault[] = [{ match: { method: 'HEAD', path: /\/manifests\/1\.0\.0$/ }, status: 200, headers: { 'docker-content-digest': other, 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' }, times: 10 }];
      const { result, artifacts } = await pushThrough(plan, flags);
      expect(result.code).toBe(EXIT_CODES.REGISTRY);
      expect(result.json().error.message).toMatch(new RegExp(`^registry flaky serves ${other} for 127\\.0\\.0\\.1:\\d+/faults/app-${counter}:1\\.0\\.0, after ${pusher} pushed sha256:[0-9a-f]{64}$`));
      expect(artifacts).toBe(0);
    });
  });
});
