// The HTTP side of the CLI against a real `facetsctl serve` and real registries, faults from the proxy in front:
// a deadline per request, --debug lines per request, and 5xx / credential errors that say who failed.
import { EXIT_CODES } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/proxy';
import { putImage, uniqueRepo } from './images';
import { makeWorkspace, shopBlueprint, startServe, type ServeProcess, type Workspace } from './run-cli';

const { open, basic } = getInfra().registries;
/** Kills a run that hangs, so a missing deadline fails the test instead of holding it. */
const HANG_GUARD_MS = 25_000;
const CI = 'ci:\n  registrationType: ENVIRONMENT\n  promotion: [dev, staging, production]\n';
/** The head at once, then the body one byte a second: an answer that never goes silent and never ends. */
const TRICKLE: Fault = { match: { path: /^\/(cc-ui|api)\// }, times: 1000, trickle: { everyMs: 1000 } };

let server: Workspace;
let serve: ServeProcess;
let client: Workspace;
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  server = makeWorkspace(
    shopBlueprint([
      { name: 'open', uri: open.host },
      { name: 'basic', uri: basic.host, fromEnv: { username: 'BASIC_USER', password: 'BASIC_PASS' } },
    ], CI),
  );
  serve = await startServe(server, [], { BASIC_USER: basic.username!, BASIC_PASS: basic.password! });
});
afterAll(async () => {
  await serve?.stop();
  server?.remove();
});
beforeEach(() => {
  client = makeWorkspace();
});
afterEach(async () => {
  client.remove();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

async function proxy(target: { host: string; port: number }, plan: Fault[]): Promise<FaultProxy> {
  const started = await startFaultProxy(target, plan);
  proxies.push(started);
  return started;
}

const remote = (url: string) => ({ FACETS_CONTROL_PLANE_URL: url, FACETS_USERNAME: 'admin', FACETS_TOKEN: serve.adminToken });
const serveTarget = () => ({ host: '127.0.0.1', port: serve.port });
const openTarget = () => ({ host: '127.0.0.1', port: Number(open.host.split(':')[1]) });

async function artifactTotal(service: string): Promise<number> {
  const listed = await client.run(['--json', 'artifacts', 'list', '-s', service], { env: remote(serve.url) });
  expect(listed.code).toBe(0);
  return listed.json().total;
}

describe('every request has a total deadline: a peer that trickles bytes is cut off, exit 9 (control plane) or 7 (registry)', () => {
  test('a control plane sending one byte a second: register stops at --timeout with the host, the operation and the time waited; nothing registered', async () => {
    const slow = await proxy(serveTarget(), [TRICKLE]);
    const before = await artifactTotal('cart');
    const r = await client.run(['--json', '--timeout', '3', 'register', `${open.host}/shop/trickle:1`, '-s', 'cart', '-e', 'dev', '--no-verify'], {
      env: remote(slow.url),
      timeoutMs: HANG_GUARD_MS,
    });
    expect(r.code).toBe(EXIT_CODES.UNREACHABLE);
    const { error } = r.json();
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toMatch(new RegExp(`^the control plane at ${slow.host} did not finish GET /\\S+ within the 3\\.0 s request deadline \\(waited \\d+\\.\\d s\\)$`));
    expect(error.hint).toMatch(/--timeout SECONDS \(or FACETS_HTTP_TIMEOUT\)/);
    expect(slow.seen.some((s) => s.method === 'POST')).toBe(false);
    expect(await artifactTotal('cart')).toBe(before);
  });

  test('FACETS_HTTP_TIMEOUT sets it when --timeout is not given', async () => {
    const slow = await proxy(serveTarget(), [TRICKLE]);
    const r = await client.run(['whoami'], { env: { ...remote(slow.url), FACETS_HTTP_TIMEOUT: '2' }, timeoutMs: HANG_GUARD_MS });
    expect(r.code).toBe(EXIT_CODES.UNREACHABLE);
    expect(r.stderr).toMatch(new RegExp(`^error: the control plane at ${slow.host} did not finish GET /api/me within the 2\\.0 s request deadline`, 'm'));
  });

  test('shell completion against a trickling control plane gives up at its own short bound, with no values', async () => {
    const slow = await proxy(serveTarget(), [TRICKLE]);
    const r = await client.run(['__complete', 'environments'], { env: remote(slow.url), timeoutMs: HANG_GUARD_MS });
    expect(r).toMatchObject({ code: EXIT_CODES.UNREACHABLE, stdout: '' });
  });

  test('a registry sending its answers one byte a second (a HEAD answer has only a head): the check stops at the deadline, exit 7, nothing registered', async () => {
    const repo = uniqueRepo('trickle');
    await putImage('open', repo, '1.0.0');
    const slow = await proxy(openTarget(), [{ times: 1000, trickle: { everyMs: 1000, head: true } }]);
    const project = makeWorkspace(shopBlueprint([{ name: 'slow', uri: slow.host }], CI));
    try {
      const r = await project.run(['--json', 'register', `${slow.host}/${repo}:1.0.0`, '-s', 'checkout', '-e', 'dev'], { env: { FACETS_HTTP_TIMEOUT: '3' }, timeoutMs: HANG_GUARD_MS });
      expect(r.code).toBe(EXIT_CODES.REGISTRY);
      expect(r.json().error.message).toMatch(new RegExp(`^registry ${slow.host} did not finish (GET|HEAD) /v2/\\S* within the 3\\.0 s request deadline \\(waited \\d+\\.\\d s\\)$`));
      const listed = await project.run(['--json', 'artifacts', 'list', '-s', 'checkout']);
      expect(listed.json().total).toBe(0);
    } finally {
      project.remove();
    }
  });

  test.each([['0'], ['-1'], ['ten'], [''], ['86401']])('--timeout %p is a usage error (2)', async (value) => {
    const r = await client.run(['--timeout', value, 'whoami'], { env: remote(serve.url) });
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.stderr).toMatch(/--timeout must be a number of seconds greater than 0/);
  });

  test('a bad FACETS_HTTP_TIMEOUT is a usage error that names the variable', async () => {
    const r = await client.run(['whoami'], { env: { ...remote(serve.url), FACETS_HTTP_TIMEOUT: '5m' } });
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.stderr).toMatch(/FACETS_HTTP_TIMEOUT must be a number of seconds greater than 0 and at most 86400 \(got "5m"\)/);
  });
});

describe('--debug prints every HTTP request on stderr: method, URL, status, duration, retry decisions; never a secret', () => {
  test('register against serve, verified in a registry with Basic credentials', async () => {
    const repo = uniqueRepo('debug');
    await putImage('basic', repo, '2.0.0');
    const r = await client.run(['--json', '--debug', 'register', `${basic.host}/${repo}:2.0.0`, '-s', 'checkout', '-e', 'dev'], { env: remote(serve.url) });
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n');
    const controlPlane = new RegExp(`^debug: control plane (GET|POST) ${serve.url}/\\S+ -> 2\\d\\d [A-Za-z ]+ \\(\\d+ ms\\) \\(\\+\\d+ ms\\)$`);
    expect(lines.filter((l) => controlPlane.test(l)).length).toBeGreaterThanOrEqual(2);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^debug: control plane POST ${serve.url}/cc-ui/v1/facetsctl/stacks/shop/resources/checkout/register -> 20\\d `)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^debug: registry GET http://${basic.host}/v2/ -> 401 Unauthorized \\(\\d+ ms\\)`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^debug: registry HEAD http://${basic.host}/v2/${repo}/manifests/2\\.0\\.0 -> 200 OK \\(\\d+ ms\\)`)));
    for (const secret of [serve.adminToken, basic.password!, Buffer.from(`admin:${serve.adminToken}`).toString('base64')]) {
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
  });

  test('a 503 is retried, and the line says which attempt, why, and how long it waits; a POST is not retried', async () => {
    const flaky = await proxy(serveTarget(), [
      { match: { method: 'GET', path: /^\/api\/me/ }, status: 503, headers: { 'retry-after': '1' } },
      { match: { method: 'POST', path: /\/register$/ }, status: 503, times: 1 },
    ]);
    const me = await client.run(['--debug', 'whoami'], { env: remote(flaky.url) });
    expect(me.code).toBe(0);
    expect(me.stderr).toMatch(new RegExp(`^debug: control plane GET ${flaky.url}/api/me -> 503 Service Unavailable \\(\\d+ ms\\), attempt 1 of 4: retrying in 1\\.0 s`, 'm'));
    expect(me.stderr).toMatch(new RegExp(`^debug: control plane GET ${flaky.url}/api/me -> 200 OK`, 'm'));
    const reg = await client.run(['--debug', 'register', `${open.host}/shop/never:1`, '-s', 'cart', '-e', 'dev', '--no-verify'], { env: remote(flaky.url) });
    expect(reg.code).toBe(EXIT_CODES.UNREACHABLE);
    expect(reg.stderr).toMatch(/^debug: control plane POST \S+ -> 503 Service Unavailable \(\d+ ms\), attempt 1 of 1: not retried: not safe to repeat/m);
  });
});

describe('--debug shows the registry client\'s retry decisions too', () => {
  test('a 503 on the manifest check: the attempt, the status and the wait, then the answer used', async () => {
    const repo = uniqueRepo('retry');
    await putImage('open', repo, '1.0.0');
    const flaky = await proxy(openTarget(), [{ match: { method: 'HEAD', path: /\/manifests\// }, status: 503 }]);
    const project = makeWorkspace(shopBlueprint([{ name: 'flaky', uri: flaky.host }], CI));
    try {
      const r = await project.run(['--debug', 'register', `${flaky.host}/${repo}:1.0.0`, '-s', 'checkout', '-e', 'dev']);
      expect(r.code).toBe(0);
      const head = `^debug: registry HEAD http://${flaky.host}/v2/${repo}/manifests/1\\.0\\.0 -> `;
      expect(r.stderr).toMatch(new RegExp(`${head}503 Service Unavailable \\(\\d+ ms\\), attempt 1 of 4: retrying in \\d+ ms`, 'm'));
      expect(r.stderr).toMatch(new RegExp(`${head}200 OK \\(\\d+ ms\\)`, 'm'));
    } finally {
      project.remove();
    }
  });
});

describe('a 5xx names the control plane and the status, not only the server text', () => {
  test('503 with a plain-text body', async () => {
    const down = await proxy(serveTarget(), [{ match: { path: /^\/api\/me/ }, status: 503, times: 10, headers: { 'content-type': 'text/plain' }, body: 'upstream overloaded' }]);
    const r = await client.run(['--json', 'whoami'], { env: remote(down.url) });
    expect(r.code).toBe(EXIT_CODES.UNREACHABLE);
    expect(r.json().error.message).toBe(`control plane ${down.host} answered 503 Service Unavailable to GET /api/me: upstream overloaded`);
  });

  test('500 with a Facets error body keeps its text after the host and status', async () => {
    const broken = await proxy(serveTarget(), [{ match: { path: /^\/api\/me/ }, status: 500, times: 10, body: JSON.stringify({ code: 'INTERNAL', message: 'database on fire' }) }]);
    const r = await client.run(['--json', 'whoami'], { env: remote(broken.url) });
    expect(r.code).toBe(EXIT_CODES.INTERNAL);
    expect(r.json().error.message).toBe(`control plane ${broken.host} answered 500 Internal Server Error to GET /api/me: database on fire`);
  });
});

describe('registry credentials named by the blueprint but not set: AUTH (3), with the variable names', () => {
  test('on a remote control plane: its own AUTH answer, not a refused login', async () => {
    const bare = makeWorkspace(shopBlueprint([{ name: 'basic', uri: basic.host, fromEnv: { username: 'BASIC_USER', password: 'BASIC_PASS' } }], CI));
    const unset = await startServe(bare);
    try {
      const env = { FACETS_CONTROL_PLANE_URL: unset.url, FACETS_USERNAME: 'admin', FACETS_TOKEN: unset.adminToken };
      const r = await client.run(['--json', 'register', `${basic.host}/shop/any:1`, '-s', 'checkout', '-e', 'dev'], { env });
      expect(r.code).toBe(EXIT_CODES.AUTH);
      expect(r.json().error.message).toMatch(/^credentials of container registry "basic" come from BASIC_USER and BASIC_PASS, which are not set where the control plane runs$/);
      expect(r.json().error.message).not.toMatch(/refused the credentials/);
    } finally {
      await unset.stop();
      bare.remove();
    }
  });
});
