// Docker credential helpers (credsStore / credHelpers) run for real: a docker-credential-* program on PATH.
import fs from 'node:fs';
import path from 'node:path';
import { EXIT_CODES } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { putImage, uniqueRepo } from '../cli/images';
import { makeWorkspace, shopBlueprint, type Workspace } from '../cli/run-cli';

const { basic } = getInfra().registries;
let ws: Workspace;
let helperDir: string;
let helperLog: string;

/** docker-credential-NAME: answers `get` for `knows` (the server arrives on stdin, as docker sends it). */
function installHelper(name: string, knows: string): void {
  const script = `#!/bin/sh
read -r server || true
printf '%s %s\\n' "$1" "$server" >> '${helperLog}'
[ "$1" = get ] || { echo "unsupported action $1" >&2; exit 1; }
if [ "$server" = '${knows}' ]; then
  printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\\n' "$server" '${basic.username}' '${basic.password}'
else
  echo "credentials not found in native keychain"
  exit 1
fi
`;
  const file = path.join(helperDir, `docker-credential-${name}`);
  fs.writeFileSync(file, script, { mode: 0o755 });
}

function dockerConfig(config: Record<string, unknown>): void {
  fs.mkdirSync(path.join(ws.home, '.docker'), { recursive: true });
  fs.writeFileSync(path.join(ws.home, '.docker', 'config.json'), JSON.stringify(config));
}

const env = () => ({ PATH: `${helperDir}:${process.env.PATH}` });

beforeAll(async () => {
  // The registry is in the blueprint without credentials: only the docker config can give them.
  ws = makeWorkspace(shopBlueprint([{ name: 'basic', uri: basic.host }]));
  helperDir = path.join(ws.dir, '..', 'helpers');
  fs.mkdirSync(helperDir);
  helperLog = path.join(ws.dir, '..', 'helper.log');
  installHelper('facetstest', basic.host);
  installHelper('empty', 'some-other-registry.example');
  const r = await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev']);
  expect(r.code).toBe(0);
});
afterAll(() => ws.remove());
beforeEach(() => fs.writeFileSync(helperLog, ''));

async function register(extra: string[] = []) {
  const repo = uniqueRepo('helper');
  const digest = await putImage('basic', repo, '1.0.0');
  const r = await ws.run([...extra, 'register', `${basic.host}/${repo}:1.0.0`, '-s', 'checkout', '--git-ref', 'main'], { env: env() });
  return { r, uri: `${basic.host}/${repo}:1.0.0@${digest}` };
}

describe('register reads registry credentials from the credential helper the docker config names', () => {
  test('credsStore: the helper is asked `get` with the server on stdin, and its answer opens the basic-auth registry', async () => {
    dockerConfig({ credsStore: 'facetstest' });
    const { r, uri } = await register(['--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.json().artifactUri).toBe(uri);
    expect(fs.readFileSync(helperLog, 'utf8')).toBe(`get ${basic.host}\n`);
  });

  test('credHelpers: the helper for that registry host wins over credsStore', async () => {
    dockerConfig({ credsStore: 'empty', credHelpers: { [basic.host]: 'facetstest' } });
    const { r, uri } = await register(['--json']);
    expect(r.code).toBe(0);
    expect(r.json().artifactUri).toBe(uri);
    expect(fs.readFileSync(helperLog, 'utf8')).toBe(`get ${basic.host}\n`);
  });

  test('the secret never shows, not even with --debug', async () => {
    dockerConfig({ credsStore: 'facetstest' });
    const { r } = await register(['--debug']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('credentials from the docker config');
    expect(r.stdout + r.stderr).not.toContain(basic.password);
  });
});

describe('register fails clearly when the helper has no credentials or is missing; nothing is registered', () => {
  const count = async () => (await ws.run(['--json', 'artifacts', 'list', '-s', 'checkout'])).json().total;

  test('"credentials not found": the registry refuses the anonymous request, and the error says it needs credentials', async () => {
    dockerConfig({ credHelpers: { [basic.host]: 'empty' } });
    const before = await count();
    const { r } = await register();
    expect(r.code).toBe(EXIT_CODES.REGISTRY);
    expect(r.stderr).toMatch(/^error: .*requires credentials/m);
    expect(r.stderr).toMatch(/^hint: .*docker login/m);
    expect(fs.readFileSync(helperLog, 'utf8')).toBe(`get ${basic.host}\n`);
    expect(await count()).toBe(before);
  });

  test('a helper that is not installed: a usage error naming the program', async () => {
    dockerConfig({ credsStore: 'not-installed' });
    const before = await count();
    const { r } = await register();
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.stderr).toContain('error: credential helper docker-credential-not-installed (credsStore in ');
    expect(r.stderr).toContain('is not installed');
    expect(await count()).toBe(before);
  });
});

describe('push, uploading the image itself, takes its credentials from the helper too', () => {
  test('a docker-archive pushed to the basic-auth registry with credsStore: pushed, registered, the secret never shows with --debug', async () => {
    const { buildLayers, saveImage, removeImage } = await import('../registry/native-push-support');
    const tag = `facetsctl-test/helper-push:${process.pid}`;
    await buildLayers(tag, [{ 'etc/helper': Buffer.from(`pushed with a credential helper ${Date.now()}\n`) }]);
    const archive = path.join(ws.dir, '..', 'helper-push.tar');
    await saveImage(tag, archive);
    await removeImage(tag);
    dockerConfig({ credsStore: 'facetstest' });
    const repo = uniqueRepo('helper-push');
    const r = await ws.run(['--debug', '--json', 'push', `docker-archive:${archive}`, '-s', 'checkout', '--repository', repo, '--tag', '1.0.0', '--git-ref', 'main'], {
      env: { ...env(), DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ pushed: true, created: true, artifactUri: `${basic.host}/${repo}:1.0.0@${r.json().artifact.digest}` });
    expect(fs.readFileSync(helperLog, 'utf8')).toBe(`get ${basic.host}\n`);
    expect(r.stdout + r.stderr).not.toContain(basic.password);
  });
});
