// The HTTP client against a real serve, with faults from a proxy in front of it: retries of idempotent
// calls only, Retry-After honoured, and every failure a FacetsError with the right kind.
import net from 'node:net';
import { HttpControlPlane } from '../../src/api/http-client';
import { startServer, type RunningServer } from '../../src/controlplane/http/server';
import { makeProjectDir, pinned, PROJECT, type ProjectDir } from '../contract/project';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/proxy';

const CONFIG = { registrationType: 'ENVIRONMENT' as const, routingRules: [], promotionHierarchy: ['dev', 'staging'] };

describe('HttpControlPlane against serve', () => {
  let project: ProjectDir;
  let server: RunningServer;
  let direct: HttpControlPlane;
  let proxy: FaultProxy | undefined;
  beforeAll(async () => {
    project = makeProjectDir('facetsctl-http-client-');
    server = await startServer({ blueprintPath: project.blueprint, dbPath: project.db, cwd: project.dir, env: {}, log: () => {} });
    direct = new HttpControlPlane({ baseUrl: server.url, username: 'admin', token: server.adminToken, retries: 0 });
    await direct.configureCi({ project: PROJECT, config: CONFIG });
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });
  afterAll(async () => {
    await server.close();
    project.remove();
  });

  const viaProxy = async (plan: Fault[], options: { retries?: number; timeoutMs?: number } = {}) => {
    proxy = await startFaultProxy({ host: '127.0.0.1', port: server.port }, plan);
    return new HttpControlPlane({ baseUrl: proxy.url, username: 'admin', token: server.adminToken, baseDelayMs: 20, ...options });
  };
  const count = async () => (await direct.listArtifacts(PROJECT, 'checkout')).total;

  describe('Retries: idempotent calls only, with backoff, honouring Retry-After', () => {
    test('a GET answered 503 is retried until it succeeds', async () => {
      const client = await viaProxy([{ match: { method: 'GET' }, status: 503, times: 2 }]);
      expect(await client.listProjects()).toEqual([PROJECT]);
      expect(proxy!.seen.map((s) => s.outcome)).toEqual([503, 503, 200]);
    });

    test('a GET whose connection is reset is retried', async () => {
      const client = await viaProxy([{ match: { method: 'GET' }, dropAfterBytes: 0 }]);
      expect(await client.listEnvironments(PROJECT)).toHaveLength(3);
      expect(proxy!.seen.map((s) => s.outcome)).toEqual(['dropped', 200]);
    });

    test('a POST register answered 503 is not retried, and nothing is registered', async () => {
      const client = await viaProxy([{ match: { method: 'POST' }, status: 503, times: 5 }]);
      const before = await count();
      await expect(client.registerArtifact({ project: PROJECT, service: 'checkout', artifactUri: pinned('shop/checkout', '1.0.0', 'no-retry'), target: { kind: 'environment', value: 'dev' } })).rejects.toMatchObject({
        kind: 'UNREACHABLE',
      });
      expect(proxy!.seen.filter((s) => s.method === 'POST')).toHaveLength(1);
      expect(await count()).toBe(before);
    });

    test('429 with Retry-After: 1 waits about a second, then retries', async () => {
      const client = await viaProxy([{ match: { method: 'GET' }, status: 429, headers: { 'retry-after': '1' } }]);
      const started = Date.now();
      expect(await client.listReleaseStreams(PROJECT)).toHaveLength(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(proxy!.seen.map((s) => s.outcome)).toEqual([429, 200]);
    });

    test('a Retry-After longer than the client will wait fails at once as UNREACHABLE', async () => {
      const client = await viaProxy([{ match: { method: 'GET' }, status: 429, headers: { 'retry-after': '600' } }]);
      const started = Date.now();
      await expect(client.listProjects()).rejects.toMatchObject({ kind: 'UNREACHABLE', message: expect.stringContaining('rate limiting') });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(proxy!.requests).toBe(1);
    });

    test('retries give up after the configured number of attempts', async () => {
      const client = await viaProxy([{ match: { method: 'GET' }, status: 503, times: 10 }], { retries: 2 });
      await expect(client.listProjects()).rejects.toMatchObject({ kind: 'UNREACHABLE' });
      expect(proxy!.requests).toBe(3);
    });
  });

  describe('Errors map to FacetsError kinds with what to do next', () => {
    test('invalid credentials are AUTH with the hint to log in', async () => {
      const client = new HttpControlPlane({ baseUrl: server.url, username: 'admin', token: 'fct_wrong', retries: 0 });
      await expect(client.whoami()).rejects.toMatchObject({ kind: 'AUTH', hint: 'run `facetsctl login`', message: expect.stringContaining('admin') });
    });

    test("the server's code, message and hint are preserved", async () => {
      const error = await direct.registerArtifact({ project: PROJECT, service: 'checkout', artifactUri: pinned('shop/checkout', '1.0.0', 'x'), target: { kind: 'environment', value: 'qa' } }).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'NOT_FOUND', message: expect.stringContaining('dev, staging, production'), hint: expect.any(String), exitCode: 4 });
    });

    test('a refused connection is UNREACHABLE naming the URL', async () => {
      const port = await new Promise<number>((resolve) => {
        const probe = net.createServer().listen(0, '127.0.0.1', () => {
          const { port: free } = probe.address() as net.AddressInfo;
          probe.close(() => resolve(free));
        });
      });
      const client = new HttpControlPlane({ baseUrl: `http://127.0.0.1:${port}`, username: 'admin', token: 'x', retries: 0 });
      await expect(client.whoami()).rejects.toMatchObject({ kind: 'UNREACHABLE', message: expect.stringContaining(`http://127.0.0.1:${port}`) });
    });

    test('a control plane slower than the timeout is UNREACHABLE', async () => {
      const client = await viaProxy([{ delayMs: 1500 }], { timeoutMs: 200, retries: 0 });
      await expect(client.whoami()).rejects.toMatchObject({ kind: 'UNREACHABLE', message: expect.stringContaining('did not answer') });
    });
  });

  describe('Against a control plane that answers a register with no body (Facets), the client finds what it stored', () => {
    test('registerArtifact looks the artifact up in GET /artifacts-ci/{ciName}/artifacts', async () => {
      const client = new HttpControlPlane({ baseUrl: server.url, username: 'admin', token: server.adminToken, headers: { prefer: 'return=minimal' } });
      const artifactUri = pinned('shop/checkout', '4.0.0', 'bodyless');
      const result = await client.registerArtifact({ project: PROJECT, service: 'checkout', artifactUri, target: { kind: 'environment', value: 'staging' } });
      expect(result).toMatchObject({ routedTo: 'staging', artifact: { artifactUri, registrationValue: 'staging' } });
      const listed = await direct.listArtifacts(PROJECT, 'checkout', { registrationValue: 'staging' });
      expect(listed.items[0].id).toBe(result.artifact.id);
      expect(result.ciName).toBe((await direct.ensureCiIntegration(PROJECT, 'checkout')).ciName);
    });
  });
});
