// login / whoami / logout and the commands against `facetsctl serve` spawned for real.
import fs from 'node:fs';
import path from 'node:path';
import { EXIT_CODES } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { putImage, uniqueRepo } from './images';
import { closedPort } from '../support/processes';
import { makeWorkspace, shopBlueprint, startServe, type ServeProcess, type Workspace } from './run-cli';

const { open, basic } = getInfra().registries;

let server: Workspace;
let serve: ServeProcess;
/** The developer's machine: no blueprint, only a HOME with credentials. */
let client: Workspace;

beforeAll(async () => {
  server = makeWorkspace(
    shopBlueprint([
      { name: 'open', uri: open.host },
      { name: 'basic', uri: basic.host, fromEnv: { username: 'BASIC_USER', password: 'BASIC_PASS' } },
    ]),
  );
  serve = await startServe(server, [], { BASIC_USER: basic.username, BASIC_PASS: basic.password });
});
afterAll(async () => {
  await serve?.stop();
  server?.remove();
});
beforeEach(() => {
  client = makeWorkspace();
});
afterEach(() => client.remove());

const credentialsFile = (w: Workspace) => path.join(w.home, '.facets', 'credentials');
const login = (w: Workspace, token: string, ...extra: string[]) =>
  w.run(['login', '--url', serve.url, '--username', 'admin', '--token-stdin', ...extra], { input: `${token}\n` });

describe('login checks the credentials with GET /api/me, then saves the profile in ~/.facets/credentials with mode 0600', () => {
  test('a good token: saved, and whoami reports the user and the remote control plane', async () => {
    const r = await login(client, serve.adminToken);
    expect(r.stderr).toBe(`Checking credentials with ${serve.url}\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Logged in to ${serve.url} as admin (profile "default", saved in ${credentialsFile(client)})\n`);
    const stat = fs.statSync(credentialsFile(client));
    expect(stat.mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(credentialsFile(client), 'utf8')).toBe(`[default]\ncontrol_plane_url = ${serve.url}\nusername = admin\ntoken = ${serve.adminToken}\n`);
    const me = await client.run(['--json', 'whoami']);
    expect(me.code).toBe(0);
    expect(me.json()).toEqual({
      username: 'admin',
      name: expect.any(String),
      controlPlane: { kind: 'remote', url: serve.url, source: 'profile', profile: 'default', reason: `profile "default" in ${credentialsFile(client)}`, blueprint: null, db: null },
      api: { name: 'facets', extensions: true, serverVersion: expect.stringMatching(/^\d+\.\d+\.\d+/) },
    });
  });

  test('a wrong token: AUTH error with a hint that helps while logging in, nothing saved', async () => {
    const r = await login(client, 'fct_wrong-token', '--json');
    expect(r.code).toBe(EXIT_CODES.AUTH);
    expect(r.json().error.code).toBe('AUTH');
    expect(r.json().error.hint).not.toMatch(/run `facetsctl login`/);
    expect(r.json().error.hint).toMatch(new RegExp(`^check the username \\(admin\\) and the personal access token, and that ${serve.url.replace(/\./g, '\\.')} is the control plane they belong to`));
    expect(r.stdout).not.toContain('fct_wrong-token');
    expect(r.stderr).not.toContain('fct_wrong-token');
    expect(fs.existsSync(credentialsFile(client))).toBe(false);
  });

  test('no token when not interactive: a usage error, never a prompt that hangs', async () => {
    const r = await client.run(['login', '--url', serve.url, '--username', 'admin']);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.stderr).toMatch(/--token is required when not running interactively/);
  });

  test('named profiles: --profile and FACETS_PROFILE pick one', async () => {
    expect((await login(client, serve.adminToken, '--profile', 'staging')).code).toBe(0);
    const viaEnv = await client.run(['--json', 'whoami'], { env: { FACETS_PROFILE: 'staging' } });
    expect(viaEnv.json().controlPlane).toMatchObject({ kind: 'remote', url: serve.url, source: 'profile', profile: 'staging' });
    const viaFlag = await client.run(['--json', '--profile', 'staging', 'whoami']);
    expect(viaFlag.json().username).toBe('admin');
  });

  test('logout removes the profile; afterwards the embedded control plane is used again', async () => {
    await login(client, serve.adminToken);
    const r = await client.run(['--json', 'logout']);
    expect(r.json()).toEqual({ profile: 'default', removed: true });
    expect(fs.readFileSync(credentialsFile(client), 'utf8')).not.toContain(serve.adminToken);
    const me = await client.run(['whoami']);
    expect(me.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(me.stderr).toMatch(/no facets\.yaml found/);
  });
});

describe('whoami and --debug say which control plane a command uses, and why', () => {
  test('in a repository with its own facets.yaml after login: the remote one, from the profile', async () => {
    await login(client, serve.adminToken);
    client.write('facets.yaml', shopBlueprint());
    const text = await client.run(['whoami']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^admin\ncontrol plane: remote ${serve.url} \\(profile "default" in ${credentialsFile(client)}\\)\napi: Facets API with facetsctl's extensions \\(facetsctl serve \\d+\\.\\d+\\.\\d+\\)\n$`));
    const json = await client.run(['--json', 'whoami']);
    expect(json.json().controlPlane).toMatchObject({ kind: 'remote', url: serve.url, source: 'profile', profile: 'default', blueprint: null });
    const debug = await client.run(['--debug', 'artifacts', 'list', '-s', 'checkout']);
    expect(debug.code).toBe(0);
    expect(debug.stderr.match(/^debug: control plane: .*$/gm)).toEqual([expect.stringContaining(`control plane: remote ${serve.url} (profile "default" in ${credentialsFile(client)})`)]);
  });

  test('--control-plane: the flag is the reason', async () => {
    const r = await client.run(['--json', '--control-plane', serve.url, 'whoami'], { env: { FACETS_USERNAME: 'admin', FACETS_TOKEN: serve.adminToken } });
    expect(r.json().controlPlane).toEqual({ kind: 'remote', url: serve.url, source: 'flag', profile: null, reason: '--control-plane', blueprint: null, db: null });
  });

  test('the embedded one: its blueprint and state database, and that nothing pointed elsewhere', async () => {
    const blueprint = client.write('facets.yaml', shopBlueprint());
    const db = path.join(path.dirname(blueprint), '.facets', 'state.db');
    const reason = `no --control-plane, FACETS_CONTROL_PLANE_URL or CONTROL_PLANE_URL, and profile "default" has no control_plane_url in ${credentialsFile(client)}`;
    const json = await client.run(['--json', 'whoami']);
    expect(json.code).toBe(0);
    expect(json.json().controlPlane).toEqual({ kind: 'embedded', url: null, source: 'embedded', profile: null, reason, blueprint, db });
    const text = await client.run(['whoami']);
    expect(text.stdout.split('\n')[1]).toBe(`control plane: embedded, blueprint ${blueprint}, state ${db} (${reason})`);
    const debug = await client.run(['--debug', 'whoami']);
    expect(debug.stderr.match(/^debug: control plane: .*$/gm)).toEqual([expect.stringContaining(`control plane: embedded, blueprint ${blueprint}, state ${db} (${reason})`)]);
  });
});

describe('FACETS_PROFILE= (empty) is unset, as for the other variables', () => {
  test('the default profile is used, not a profile named ""', async () => {
    await login(client, serve.adminToken);
    const r = await client.run(['--json', 'whoami'], { env: { FACETS_PROFILE: '' } });
    expect(r.code).toBe(0);
    expect(r.json().controlPlane).toMatchObject({ kind: 'remote', url: serve.url, profile: 'default' });
    const saved = await login(client, serve.adminToken, '--json');
    expect(saved.json().profile).toBe('default');
  });

  test('an empty --profile typed on the command line is a usage error', async () => {
    const r = await client.run(['--profile', '', 'whoami']);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.stderr).toMatch(/^error: --profile needs a profile name$/m);
  });
});

describe('~/.facets is tightened to 0700 when credentials are written there, as gh and aws do', () => {
  test('an existing ~/.facets at 0755 becomes 0700; the credentials file is 0600', async () => {
    const dir = path.join(client.home, '.facets');
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    expect((await login(client, serve.adminToken)).code).toBe(0);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(credentialsFile(client)).mode & 0o777).toBe(0o600);
  });
});

describe('credentials from the environment: FACETS_CONTROL_PLANE_URL / CONTROL_PLANE_URL, FACETS_USERNAME, FACETS_TOKEN', () => {
  test.each(['FACETS_CONTROL_PLANE_URL', 'CONTROL_PLANE_URL'])('%s', async (urlVar) => {
    const r = await client.run(['--json', 'whoami'], { env: { [urlVar]: serve.url, FACETS_USERNAME: 'admin', FACETS_TOKEN: serve.adminToken } });
    expect(r.code).toBe(0);
    expect(r.json().controlPlane).toEqual({ kind: 'remote', url: serve.url, source: 'env', profile: null, reason: `${urlVar} is set`, blueprint: null, db: null });
  });

  test('--debug says which control plane and why in one line, and never prints the token', async () => {
    const r = await client.run(['--debug', 'whoami'], { env: { FACETS_CONTROL_PLANE_URL: serve.url, FACETS_USERNAME: 'admin', FACETS_TOKEN: serve.adminToken } });
    expect(r.code).toBe(0);
    expect(r.stderr.match(/^debug: control plane: .*$/gm)).toEqual([expect.stringMatching(new RegExp(`^debug: control plane: remote ${serve.url} \\(FACETS_CONTROL_PLANE_URL is set\\) \\(\\+\\d+ ms\\)$`))]);
    expect(r.stdout + r.stderr).not.toContain(serve.adminToken);
  });
});

describe('the commands behave the same against serve as against the embedded store', () => {
  test('ci configure, register (verified in the registry with the control plane push credentials), resolve, artifacts list', async () => {
    await login(client, serve.adminToken);
    const configured = await client.run(['--json', 'ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev', '--promotion', 'dev,staging,production']);
    expect(configured.code).toBe(0);
    const repo = uniqueRepo('remote');
    const digest = await putImage('basic', repo, '1.2.3');
    const registered = await client.run(['--json', 'register', `${basic.host}/${repo}:1.2.3`, '-s', 'checkout', '--git-ref', 'main']);
    expect(registered.stderr).toBe('');
    expect(registered.code).toBe(0);
    expect(registered.json()).toMatchObject({ artifactUri: `${basic.host}/${repo}:1.2.3@${digest}`, routedTo: 'dev', created: true });
    const resolved = await client.run(['--json', 'resolve', '-s', 'checkout', '-e', 'dev']);
    expect(resolved.json().resolutions).toEqual([expect.objectContaining({ environment: 'dev', resolved: true, image: `${basic.host}/${repo}:1.2.3@${digest}` })]);
    const listed = await client.run(['--json', 'artifacts', 'list', '-s', 'checkout', '-e', 'dev']);
    expect(listed.json().items[0]).toMatchObject({ artifactUri: `${basic.host}/${repo}:1.2.3@${digest}` });
  });
});

describe('control plane down or refusing: the documented exit code and an error document', () => {
  test('nothing listening: UNREACHABLE (9)', async () => {
    const port = await closedPort();
    const r = await client.run(['--json', '--control-plane', `http://127.0.0.1:${port}`, 'whoami'], { env: { FACETS_USERNAME: 'admin', FACETS_TOKEN: 'x' } });
    expect(r.code).toBe(EXIT_CODES.UNREACHABLE);
    expect(r.json().error.code).toBe('UNREACHABLE');
    expect(r.json().error.message).toContain(`127.0.0.1:${port}`);
  });

  test('no credentials: AUTH (3) with a hint to log in', async () => {
    const r = await client.run(['--json', '--control-plane', serve.url, 'whoami']);
    expect(r.code).toBe(EXIT_CODES.AUTH);
    expect(r.json().error.hint).toMatch(/facetsctl login/);
  });

  test('a register refused by the control plane registers nothing', async () => {
    const env = { FACETS_CONTROL_PLANE_URL: serve.url, FACETS_USERNAME: 'admin', FACETS_TOKEN: serve.adminToken };
    const before = (await client.run(['--json', 'artifacts', 'list', '-s', 'cart'], { env })).json().total;
    const r = await client.run(['--json', 'register', `${open.host}/shop/x:1`, '-s', 'cart', '-e', 'nowhere', '--no-verify'], { env });
    expect(r.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(r.json().error.message).toMatch(/nowhere/);
    expect((await client.run(['--json', 'artifacts', 'list', '-s', 'cart'], { env })).json().total).toBe(before);
  });
});
