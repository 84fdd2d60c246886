// facetsctl register against the embedded control plane and the real registries (open, basic, token, tls).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { EXIT_CODES } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { putImage, uniqueRepo, type RegistryName } from './images';
import { closedPort } from '../support/processes';
import { makeWorkspace, shopBlueprint, type Workspace } from './run-cli';

const infra = getInfra();
const { open, basic, token, tls } = infra.registries;
const CREDENTIAL_ENV = { BASIC_USER: basic.username, BASIC_PASS: basic.password, TOKEN_USER: token.username, TOKEN_PASS: token.password };

let ws: Workspace;
let downPort: number;

async function artifactCount(w: Workspace, service = 'checkout'): Promise<number> {
  const r = await w.run(['--json', 'artifacts', 'list', '--service', service]);
  expect(r.code).toBe(0);
  return r.json().total;
}

beforeAll(async () => {
  downPort = await closedPort();
  ws = makeWorkspace(
    shopBlueprint([
      { name: 'open', uri: open.host },
      { name: 'basic', uri: basic.host, fromEnv: { username: 'BASIC_USER', password: 'BASIC_PASS' } },
      { name: 'token', uri: token.host, fromEnv: { username: 'TOKEN_USER', password: 'TOKEN_PASS' } },
      { name: 'tls', uri: tls.host },
      { name: 'down', uri: `127.0.0.1:${downPort}` },
      { name: 'facets-config-auto', uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com', internal: true },
    ]),
    CREDENTIAL_ENV,
  );
  const r = await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev', '--branch-rule', 'release/*=staging', '--promotion', 'dev,staging,production']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
});
afterAll(() => ws.remove());

describe('register verifies the image in its registry (HEAD manifest after the auth challenge) and pins repo:tag@sha256', () => {
  test.each<RegistryName>(['open', 'basic', 'token', 'tls'])('%s registry', async (name) => {
    const host = infra.registries[name].host;
    const repo = uniqueRepo(`pin-${name}`);
    const digest = await putImage(name, repo, '1.0.0');
    const r = await ws.run(['--json', 'register', `${host}/${repo}:1.0.0`, '--service', 'checkout', '--git-ref', 'main']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({
      project: 'shop',
      service: 'checkout',
      artifactUri: `${host}/${repo}:1.0.0@${digest}`,
      verified: true,
      created: true,
      routedTo: 'dev',
      targetKind: 'environment',
      rule: 'BRANCH_NAME EQUALS main => dev priority 0',
    });
    expect(out.ciName).toMatch(/^shop-checkout-[a-z0-9]{8}$/);
    expect(out.artifact).toMatchObject({ digest, tag: '1.0.0', registry: name, registrationValue: 'dev', metadata: { BRANCH_NAME: 'main' } });
  });

  test('human output: pinned URI, ciName, routed-to and the rule on stdout', async () => {
    const repo = uniqueRepo('human');
    const digest = await putImage('open', repo, '2.0.0');
    const r = await ws.run(['register', `${open.host}/${repo}:2.0.0`, '-s', 'checkout', '--git-ref', 'release/2.0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Registered ${open.host}/${repo}:2.0.0@${digest}\n`);
    expect(r.stdout).toMatch(/service {2}checkout \(ciName shop-checkout-[a-z0-9]{8}\)/);
    expect(r.stdout).toContain('routed   environment staging by rule BRANCH_NAME STARTS_WITH release/ => staging priority 1');
  });

  test('registering the same image to the same target again returns the existing artifact', async () => {
    const repo = uniqueRepo('again');
    await putImage('open', repo, '1.0.0');
    const first = await ws.run(['--json', 'register', `${open.host}/${repo}:1.0.0`, '-s', 'checkout', '--git-ref', 'main']);
    const before = await artifactCount(ws);
    const second = await ws.run(['register', `${open.host}/${repo}:1.0.0`, '-s', 'checkout', '--git-ref', 'main']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Already registered');
    expect(await artifactCount(ws)).toBe(before);
    expect(first.json().created).toBe(true);
  });

  test('credentials from the docker config (auths) when the control plane has none for the registry', async () => {
    const w = makeWorkspace(shopBlueprint([{ name: 'basic', uri: basic.host }]));
    try {
      await w.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev']);
      const repo = uniqueRepo('dockercfg');
      const digest = await putImage('basic', repo, '1.0.0');
      const anonymous = await w.run(['register', `${basic.host}/${repo}:1.0.0`, '-s', 'checkout', '--git-ref', 'main']);
      expect(anonymous.code).toBe(EXIT_CODES.REGISTRY);
      expect(anonymous.stderr).toMatch(/requires credentials/);
      const dockerDir = path.join(w.home, '.docker');
      fs.mkdirSync(dockerDir, { recursive: true });
      const auth = Buffer.from(`${basic.username}:${basic.password}`).toString('base64');
      fs.writeFileSync(path.join(dockerDir, 'config.json'), JSON.stringify({ auths: { [basic.host]: { auth } } }));
      const r = await w.run(['--json', 'register', `${basic.host}/${repo}:1.0.0`, '-s', 'checkout', '--git-ref', 'main']);
      expect(r.code).toBe(0);
      expect(r.json().artifactUri).toBe(`${basic.host}/${repo}:1.0.0@${digest}`);
    } finally {
      w.remove();
    }
  });
});

describe('the git ref: flag, else the CI provider variables, else `git rev-parse --abbrev-ref HEAD` -> metadata BRANCH_NAME', () => {
  const cases: Array<[string, Record<string, string>, string, string]> = [
    ['GitHub Actions push', { GITHUB_REF_NAME: 'main' }, 'main', 'dev'],
    ['GitHub Actions pull request (head branch wins)', { GITHUB_HEAD_REF: 'release/3', GITHUB_REF_NAME: '12/merge' }, 'release/3', 'staging'],
    ['GitLab CI', { CI_COMMIT_REF_NAME: 'release/4' }, 'release/4', 'staging'],
    ['Bitbucket Pipelines', { BITBUCKET_BRANCH: 'main' }, 'main', 'dev'],
    ['CircleCI', { CIRCLE_BRANCH: 'main' }, 'main', 'dev'],
    ['Jenkins multibranch', { BRANCH_NAME: 'release/5' }, 'release/5', 'staging'],
    ['Jenkins git plugin (origin/ dropped)', { GIT_BRANCH: 'origin/main' }, 'main', 'dev'],
    ['Azure Pipelines', { BUILD_SOURCEBRANCHNAME: 'main' }, 'main', 'dev'],
  ];
  test.each(cases)('%s', async (_name, env, branch, routedTo) => {
    const repo = uniqueRepo('ci-env');
    await putImage('open', repo, '1.0.0');
    const r = await ws.run(['--json', 'register', `${open.host}/${repo}:1.0.0`, '-s', 'checkout'], { env });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ routedTo, artifact: { metadata: { BRANCH_NAME: branch } } });
  });

  test('--git-ref wins over the CI variables', async () => {
    const repo = uniqueRepo('flag-wins');
    await putImage('open', repo, '1.0.0');
    const r = await ws.run(['--json', 'register', `${open.host}/${repo}:1.0.0`, '-s', 'checkout', '--git-ref', 'release/9'], { env: { GITHUB_REF_NAME: 'main' } });
    expect(r.json()).toMatchObject({ routedTo: 'staging', artifact: { metadata: { BRANCH_NAME: 'release/9' } } });
  });

  test('from the git repository of the working directory', async () => {
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: ws.dir, stdio: 'ignore' });
    git('init', '-q', '-b', 'release/git');
    git('commit', '-q', '--allow-empty', '-m', 'first');
    try {
      const repo = uniqueRepo('git');
      await putImage('open', repo, '1.0.0');
      const r = await ws.run(['--json', 'register', `${open.host}/${repo}:1.0.0`, '-s', 'checkout']);
      expect(r.code).toBe(0);
      expect(r.json()).toMatchObject({ routedTo: 'staging', artifact: { metadata: { BRANCH_NAME: 'release/git' } } });
    } finally {
      fs.rmSync(path.join(ws.dir, '.git'), { recursive: true, force: true });
    }
  });

  test('no git ref anywhere and no target: a usage error naming the ways to give one', async () => {
    const before = await artifactCount(ws);
    const r = await ws.run(['--json', 'register', `${open.host}/shop/x:1`, '-s', 'checkout']);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.json().error).toMatchObject({ code: 'USAGE', message: 'cannot route the artifact: no git ref found' });
    expect(r.json().error.hint).toMatch(/--git-ref BRANCH, --environment ENV or --release-stream STREAM/);
    expect(await artifactCount(ws)).toBe(before);
  });
});

describe('no rule matched: stored unrouted with a warning, or refused with --require-route', () => {
  test('stored unrouted: the warning says it will not deploy anywhere', async () => {
    const repo = uniqueRepo('unrouted');
    await putImage('open', repo, '1.0.0');
    const r = await ws.run(['--json', 'register', `${open.host}/${repo}:1.0.0`, '-s', 'checkout', '--git-ref', 'feature/x']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ routedTo: null, targetKind: null, rule: null, artifact: { registrationValue: null } });
    expect(r.stderr).toBe('warning: stored unrouted: no rule matched BRANCH_NAME=feature/x; it will not deploy anywhere until promoted or re-registered\n');
  });

  test('--require-route refuses it (POLICY) and stores nothing', async () => {
    const repo = uniqueRepo('require-route');
    await putImage('open', repo, '1.0.0');
    const before = await artifactCount(ws);
    const r = await ws.run(['--json', 'register', `${open.host}/${repo}:1.0.0`, '-s', 'checkout', '--git-ref', 'feature/y', '--require-route']);
    expect(r.code).toBe(EXIT_CODES.POLICY);
    expect(r.json().error.code).toBe('POLICY');
    expect(await artifactCount(ws)).toBe(before);
  });
});

describe('--no-verify skips the registry and warns that the image may not be pulled at deploy time', () => {
  test('stores the reference as given, unpinned', async () => {
    const r = await ws.run(['--json', 'register', `${open.host}/shop/never-pushed:1.0.0`, '-s', 'checkout', '-e', 'dev', '--no-verify']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ verified: false, artifactUri: `${open.host}/shop/never-pushed:1.0.0`, routedTo: 'dev' });
    expect(r.stderr).toMatch(/^warning: --no-verify: .* was not checked in the registry; a deployment fails if the image cannot be pulled$/m);
  });
});

describe('bad input: a clear message, the documented exit code, an error document with --json, nothing registered', () => {
  let present: string;
  beforeAll(async () => {
    present = uniqueRepo('present');
    await putImage('open', present, '1.0.0');
  });
  const cases: Array<[string, () => string[], Record<string, string>, number, RegExp]> = [
    ['tag not in the registry', () => [`${open.host}/${present}:9.9.9`, '-s', 'checkout', '--git-ref', 'main'], {}, EXIT_CODES.REGISTRY, /is not in registry open; push it first \(facetsctl push\) or check the tag/],
    ['repository not in the registry', () => [`${open.host}/shop/nothing-here:1`, '-s', 'checkout', '--git-ref', 'main'], {}, EXIT_CODES.REGISTRY, /push it first \(facetsctl push\) or check the tag/],
    ['wrong registry credentials', () => [`${basic.host}/${present}:1.0.0`, '-s', 'checkout', '--git-ref', 'main'], { BASIC_PASS: 'wrong' }, EXIT_CODES.REGISTRY, /refused the credentials \(unauthorized\)/],
    ['registry credentials variable not set', () => [`${basic.host}/${present}:1.0.0`, '-s', 'checkout', '--git-ref', 'main'], { BASIC_PASS: '' }, EXIT_CODES.AUTH, /come from BASIC_PASS, which is not set/],
    ['registry down', () => [`127.0.0.1:${downPort}/${present}:1.0.0`, '-s', 'checkout', '--git-ref', 'main'], {}, EXIT_CODES.REGISTRY, /connection refused/],
    ['uppercase in the repository', () => [`${open.host}/Shop/Checkout:1`, '-s', 'checkout', '--git-ref', 'main'], {}, EXIT_CODES.USAGE, /must be lowercase|lowercase/],
    ['a scheme in the reference', () => [`http://${open.host}/shop/a:1`, '-s', 'checkout', '--git-ref', 'main'], {}, EXIT_CODES.USAGE, /must not include a scheme/],
    ['bad tag', () => [`${open.host}/shop/a:-bad`, '-s', 'checkout', '--git-ref', 'main'], {}, EXIT_CODES.USAGE, /tag "-bad" is invalid/],
    ['image host of no project registry', () => ['quay.io/shop/a:1', '-s', 'checkout', '--git-ref', 'main'], {}, EXIT_CODES.USAGE, /image host quay\.io matches no container registry of project shop/],
    ['--registry that does not exist', () => [`${open.host}/${present}:1.0.0`, '-s', 'checkout', '--registry', 'nope', '--git-ref', 'main'], {}, EXIT_CODES.NOT_FOUND, /registry "nope" is not a container registry of project shop/],
    ['--registry that does not hold the image', () => [`${open.host}/${present}:1.0.0`, '-s', 'checkout', '--registry', 'basic', '--git-ref', 'main'], {}, EXIT_CODES.USAGE, /is not in registry "basic"/],
    ['unknown service', () => [`${open.host}/${present}:1.0.0`, '-s', 'payments', '--git-ref', 'main'], {}, EXIT_CODES.NOT_FOUND, /payments/],
    ['unknown service, reported before a missing git ref', () => ['x', '--service', 'nope', '--no-verify'], {}, EXIT_CODES.NOT_FOUND, /service "nope" does not exist in project shop/],
    ['contradicting flags, reported before an unknown service', () => ['x', '--service', 'nope', '-e', 'dev', '-r', 'QA'], {}, EXIT_CODES.USAGE, /--environment and --release-stream cannot be used together/],
    ['unknown environment', () => [`${open.host}/${present}:1.0.0`, '-s', 'checkout', '-e', 'qa'], {}, EXIT_CODES.NOT_FOUND, /qa/],
    ['wrong target type (release stream with ENVIRONMENT registration)', () => [`${open.host}/${present}:1.0.0`, '-s', 'checkout', '-r', 'QA'], {}, EXIT_CODES.USAGE, /RELEASE_STREAM|release stream/],
    ['both --environment and --release-stream', () => [`${open.host}/${present}:1.0.0`, '-s', 'checkout', '-e', 'dev', '-r', 'QA'], {}, EXIT_CODES.USAGE, /cannot be used together/],
    ['bad --metadata', () => [`${open.host}/${present}:1.0.0`, '-s', 'checkout', '-e', 'dev', '-m', 'novalue'], {}, EXIT_CODES.USAGE, /--metadata expects KEY=VALUE \(got "novalue"\)/],
    ['--service missing when not interactive', () => [`${open.host}/${present}:1.0.0`, '--git-ref', 'main'], {}, EXIT_CODES.USAGE, /--service is required when not running interactively/],
  ];
  test.each(cases)('%s', async (_name, args, env, code, message) => {
    const before = await artifactCount(ws);
    const human = await ws.run(['register', ...args()], { env });
    expect(human.code).toBe(code);
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(/^error: /m);
    expect(human.stderr).toMatch(message);
    const json = await ws.run(['--json', 'register', ...args()], { env });
    expect(json.code).toBe(code);
    const doc = json.json();
    expect(Object.keys(doc)).toEqual(['error']);
    expect(doc.error.message).toMatch(message);
    expect(await artifactCount(ws)).toBe(before);
  });
});
