import net from 'node:net';
import { RegistryClient } from '../../src/registry';
import { Authenticator } from '../../src/registry/auth';
import { Transport } from '../../src/registry/transport';
import { FacetsError } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/proxy';
import { uploadImage } from '../support/registry-upload';
import { clientOptions, randomLayer, uniqueRepository, uploadTarget, type RegistryName } from './support';

async function failure(promise: Promise<unknown>): Promise<FacetsError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(FacetsError);
  return error as FacetsError;
}

describe('wrong or missing credentials are a REGISTRY error naming the registry', () => {
  const repository = uniqueRepository('auth');
  beforeAll(async () => {
    await uploadImage(uploadTarget('basic'), repository, '1', [randomLayer()]);
    await uploadImage(uploadTarget('token'), repository, '1', [randomLayer()]);
  });

  test.each([
    ['basic', 'wrong password', { username: 'facets', password: 'wrong' }, 'refused the credentials'],
    ['token', 'wrong password', { username: 'facets', password: 'wrong' }, 'refused the credentials'],
    ['basic', 'no credentials', undefined, 'requires credentials'],
    ['token', 'no credentials', undefined, 'requires credentials'],
  ] as const)('%s registry, %s: headManifest fails as unauthorized', async (name, _case, auth, says) => {
    const host = getInfra().registries[name as RegistryName].host;
    const error = await failure(new RegistryClient({ ...clientOptions(name), auth }).headManifest(repository, '1'));
    expect(error.kind).toBe('REGISTRY');
    expect(error.details).toMatchObject({ reason: 'UNAUTHORIZED', host });
    expect(error.message).toBe(`registry ${host} ${says} (unauthorized): check the credentials for ${host} (docker login / registry credentials)`);
  });

  test.each(['basic', 'token'] as const)('ping against the %s registry checks the credentials', async (name) => {
    const error = await failure(new RegistryClient({ ...clientOptions(name), auth: { username: 'facets', password: 'wrong' } }).ping());
    expect(error.details).toMatchObject({ reason: 'UNAUTHORIZED' });
  });

  test('error messages never carry the password', async () => {
    const password = 'sekrit-password-123';
    const error = await failure(new RegistryClient({ ...clientOptions('token'), auth: { username: 'facets', password } }).headManifest(repository, '1'));
    expect(JSON.stringify({ message: error.message, hint: error.hint, details: error.details })).not.toContain(password);
  });

  test('bearer tokens are fetched once per scope, reused, and fetched again once forgotten', async () => {
    const registry = getInfra().registries.token;
    const realm = new URL(registry.realm);
    const tokenProxy = await startFaultProxy({ host: realm.hostname, port: Number(realm.port) });
    try {
      const authenticator = new Authenticator(new Transport({ host: registry.host }), { username: registry.username, password: registry.password });
      const challenge = { scheme: 'bearer', params: { realm: `${tokenProxy.url}${realm.pathname}`, service: registry.service } };
      const first = await authenticator.authorization(challenge, `repository:${repository}:pull`);
      expect(first).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      expect(await authenticator.authorization(challenge, `repository:${repository}:pull`)).toBe(first);
      expect(tokenProxy.requests).toBe(1);
      await authenticator.authorization(challenge, `repository:${repository}:pull,push`);
      expect(tokenProxy.requests).toBe(2);
      authenticator.forget(`repository:${repository}:pull`);
      await authenticator.authorization(challenge, `repository:${repository}:pull`);
      expect(tokenProxy.requests).toBe(3);
    } finally {
      await tokenProxy.close();
    }
  });
});

describe('TLS registries are verified with the given CA; insecure is only for loopback', () => {
  test('the TLS registry is reached by the name in its certificate, with its CA file', async () => {
    const { tls } = getInfra().registries;
    const client = new RegistryClient({ host: tls.host.replace('127.0.0.1', 'localhost'), caFile: tls.caFile });
    await expect(client.ping()).resolves.toBeUndefined();
  });

  test('a CA file that did not sign the certificate is a TLS REGISTRY error', async () => {
    const { tls } = getInfra().registries;
    const otherCa = `${getInfra().dir}/registries/token/token-signer.crt`;
    const error = await failure(new RegistryClient({ host: tls.host, caFile: otherCa, retries: 0 }).ping());
    expect(error.kind).toBe('REGISTRY');
    expect(error.details).toMatchObject({ reason: 'TLS' });
    expect(error.message).toContain(`cannot reach registry ${tls.host}: TLS failed`);
  });

  test('insecure to a host that is not loopback is refused before any connection', async () => {
    const error = await failure(new RegistryClient({ host: 'registry.example.com', insecure: true }).ping());
    expect(error.kind).toBe('USAGE');
    expect(error.message).toBe('insecure connections are allowed only to loopback registries (localhost, 127.0.0.0/8, ::1), not registry.example.com');
  });
});

describe('a registry that is down is a REGISTRY error: cannot reach registry, connection refused', () => {
  test('nothing listening on the port', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as net.AddressInfo;
        server.close(() => resolve(free));
      });
    });
    const error = await failure(new RegistryClient({ host: `127.0.0.1:${port}`, retryDelayMs: 10 }).headManifest('a/b', '1'));
    expect(error.kind).toBe('REGISTRY');
    expect(error.message).toBe(`cannot reach registry 127.0.0.1:${port}: connection refused`);
    expect(error.details).toMatchObject({ reason: 'UNREACHABLE', code: 'ECONNREFUSED' });
  });
});

describe('idempotent calls are retried on 408/429/5xx and dropped connections, honouring Retry-After', () => {
  const repository = uniqueRepository('faults');
  let digest: string;
  let proxy: FaultProxy | undefined;
  beforeAll(async () => {
    ({ digest } = await uploadImage(uploadTarget('open'), repository, '1', [randomLayer()]));
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  const open = () => {
    const [host, port] = getInfra().registries.open.host.split(':');
    return { host, port: Number(port) };
  };
  const throughProxy = async (plan: Fault[], retries?: number) => {
    proxy = await startFaultProxy(open(), plan);
    return new RegistryClient({ host: proxy.host, retryDelayMs: 10, retries });
  };
  const head = { method: 'HEAD', path: /\/manifests\// };

  test('503 twice, then the answer', async () => {
    const client = await throughProxy([{ match: head, status: 503, times: 2 }]);
    expect((await client.headManifest(repository, '1')).digest).toBe(digest);
    expect(proxy!.seen.filter((r) => r.method === 'HEAD').map((r) => r.outcome)).toEqual([503, 503, 200]);
  });

  test('429 with Retry-After: 1 waits a second before trying again', async () => {
    const client = await throughProxy([{ match: head, status: 429, headers: { 'retry-after': '1' } }]);
    const started = Date.now();
    expect((await client.headManifest(repository, '1')).digest).toBe(digest);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(proxy!.seen.filter((r) => r.method === 'HEAD').map((r) => r.outcome)).toEqual([429, 200]);
  });

  test.each([0, 40])('a connection dropped after %i bytes of the answer is tried again', async (bytes) => {
    const client = await throughProxy([{ match: { method: 'GET', path: /\/tags\/list/ }, dropAfterBytes: bytes }]);
    expect(await client.listTags(repository)).toEqual(['1']);
    expect(proxy!.seen.filter((r) => r.path.includes('/tags/list')).map((r) => r.fault)).toEqual([true, false]);
  });

  test('a registry that keeps answering 503 fails after the retries, saying how many attempts', async () => {
    const client = await throughProxy([{ match: head, status: 503, times: 100 }], 2);
    const error = await failure(client.headManifest(repository, '1'));
    expect(error.kind).toBe('REGISTRY');
    expect(error.details).toMatchObject({ reason: 'UNAVAILABLE', status: 503 });
    expect(error.message).toBe(`registry ${proxy!.host} answered 503 to HEAD /v2/${repository}/manifests/1 after 3 attempts`);
  });

  test('a slow answer within the timeout is waited for', async () => {
    const client = await throughProxy([{ match: head, delayMs: 300 }]);
    expect((await client.headManifest(repository, '1')).digest).toBe(digest);
  });

  test('an answer slower than the timeout is a REGISTRY error once the retries are spent', async () => {
    proxy = await startFaultProxy(open(), [{ match: head, delayMs: 1500, times: 10 }]);
    const client = new RegistryClient({ host: proxy.host, timeoutMs: 300, retries: 1, retryDelayMs: 10 });
    const error = await failure(client.headManifest(repository, '1'));
    expect(error.message).toBe(`cannot reach registry ${proxy.host}: timed out after 300 ms`);
  });
});
