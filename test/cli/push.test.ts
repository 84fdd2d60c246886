// facetsctl push: the real program, the private Docker engine, the real registries, the embedded control plane.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { EXIT_CODES } from '../../src/core/errors';
import { buildRandomImage } from '../docker/build-image';
import { dockerSocketPath, getInfra } from '../support/infra';
import { startFaultProxy } from '../support/proxy';
import { putImage, uniqueRepo } from './images';
import { baseEnv, MAIN, makeWorkspace, shopBlueprint, type Workspace } from './run-cli';

const infra = getInfra();
const { open, basic, token, tls } = infra.registries;
const docker = new Docker({ socketPath: dockerSocketPath(infra) });
const run = `${process.pid}-${Date.now().toString(36)}`;
const ENV = { DOCKER_HOST: infra.dockerHost, BASIC_USER: basic.username, BASIC_PASS: basic.password };

let ws: Workspace;
let tagCounter = 0;

/** A fresh local image (random content, so its own digest) named `local/<name>:<tag>`. */
async function localImage(name: string): Promise<string> {
  tagCounter += 1;
  const ref = `facetsctl-test/${name}:${run}-${tagCounter}`;
  await buildRandomImage(docker, ref, { bytes: 50_000 });
  return ref;
}

async function localTags(ref: string): Promise<string[]> {
  return (await docker.getImage(ref).inspect()).RepoTags ?? [];
}

async function artifactCount(w: Workspace = ws, service = 'checkout'): Promise<number> {
  const r = await w.run(['--json', 'artifacts', 'list', '--service', service]);
  expect(r.code).toBe(0);
  return r.json().total;
}

/** Pulls `host/repo@digest` back through the engine; resolves with the digest the registry served. */
async function pullByDigest(ref: string, auth?: { username: string; password: string; serveraddress: string }): Promise<string> {
  const stream = await docker.pull(ref, auth ? { authconfig: auth } : {});
  const lines = await new Promise<Array<{ error?: string; status?: string }>>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) => (error ? reject(error) : resolve(output))),
  );
  const failed = lines.find((l) => l.error);
  if (failed) throw new Error(`pull ${ref}: ${failed.error}`);
  return /Digest: (sha256:[0-9a-f]{64})/.exec(lines.map((l) => l.status).join('\n'))![1];
}

beforeAll(async () => {
  ws = makeWorkspace(
    shopBlueprint([
      { name: 'open', uri: open.host },
      { name: 'basic', uri: basic.host, fromEnv: { username: 'BASIC_USER', password: 'BASIC_PASS' } },
      { name: 'token', uri: token.host },
      { name: 'tls', uri: tls.host },
      { name: 'facets-config-auto', uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com', internal: true },
    ]),
    ENV,
  );
  // The token registry's credentials come from the docker config, as `docker login` writes them.
  fs.mkdirSync(path.join(ws.home, '.docker'), { recursive: true });
  const auth = Buffer.from(`${token.username}:${token.password}`).toString('base64');
  fs.writeFileSync(path.join(ws.home, '.docker', 'config.json'), JSON.stringify({ auths: { [`http://${token.host}`]: { auth } } }));
  const r = await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev', '--branch-rule', 'release/*=staging']);
  expect(r.code).toBe(0);
});
afterAll(() => ws.remove());

describe('push sends the local image to the registry, checks its digest there, and registers the pinned URI once', () => {
  const variants: Array<['open' | 'basic' | 'token' | 'tls', string[]]> = [['open', []], ['basic', []], ['token', []], ['tls', []], ['open', ['--via-engine']]];
  test.each(variants)('%s registry %j: pulled back by digest after the local image is gone, same image id and diff IDs', async (name, flags) => {
    const image = await localImage(`variant-${name}`);
    const host = infra.registries[name].host;
    const before = await artifactCount();
    const r = await ws.run(['--json', 'push', image, '--service', 'checkout', '--registry', name, '--tag', `1.0.${tagCounter}`, '--git-ref', 'main', ...flags]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.json();
    const digest = out.artifact.digest as string;
    expect(out).toMatchObject({
      pushed: true,
      skipped: false,
      digest,
      created: true,
      verified: true,
      routedTo: 'dev',
      artifactUri: `${host}/shop/checkout:1.0.${tagCounter}@${digest}`,
      artifact: { registry: name, tag: `1.0.${tagCounter}` },
    });
    expect(await localTags(image)).toEqual([image]);
    const local = await docker.getImage(image).inspect();
    await docker.getImage(image).remove({ force: true });
    const creds = name === 'basic' ? basic : name === 'token' ? token : null;
    const pinned = `${host}/shop/checkout@${digest}`;
    const pulled = await pullByDigest(pinned, creds ? { username: creds.username, password: creds.password, serveraddress: host } : undefined);
    expect(pulled).toBe(digest);
    const back = await docker.getImage(pinned).inspect();
    expect({ id: back.Id, diffIds: back.RootFS.Layers }).toEqual({ id: local.Id, diffIds: local.RootFS.Layers });
    await docker.getImage(pinned).remove({ force: true });
    expect(await artifactCount()).toBe(before + 1);
  });

  test('human output: progress and the pushed digest on stderr, the register result on stdout', async () => {
    const image = await localImage('human');
    const r = await ws.run(['push', image, '-s', 'checkout', '--registry', 'open', '--repository', 'shop/human', '--tag', '2.0.0', '--git-ref', 'release/2']);
    expect(r.code).toBe(0);
    const digest = /Pushed \S+ \((sha256:[0-9a-f]{64})\)/.exec(r.stderr)?.[1];
    expect(digest).toBeDefined();
    expect(r.stderr).toContain(`Pushing ${open.host}/shop/human:2.0.0`);
    expect(r.stdout).toContain(`Registered ${open.host}/shop/human:2.0.0@${digest}\n`);
    expect(r.stdout).toContain('routed   environment staging by rule BRANCH_NAME STARTS_WITH release/ => staging priority 1');
  });
});

describe('fast path: the tag already in the registry with the local image\'s digest is not pushed again', () => {
  test('a second push of an image named under the registry says "already in the registry, skipping push" and registers nothing new', async () => {
    const image = await localImage('again');
    const named = `${open.host}/shop/again:1.0.0`;
    await docker.getImage(image).tag({ repo: `${open.host}/shop/again`, tag: '1.0.0' });
    const args = ['push', named, '-s', 'checkout', '--git-ref', 'main'];
    const first = await ws.run(['--json', ...args]);
    expect(first.code).toBe(0);
    expect(first.json()).toMatchObject({ pushed: true, skipped: false });
    const before = await artifactCount();
    const second = await ws.run(args);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`${named} is already in the registry (${first.json().artifact.digest}), skipping push`);
    expect(second.stdout).toContain('Already registered');
    const third = await ws.run(['--json', ...args]);
    expect(third.json()).toMatchObject({ pushed: false, skipped: true, created: false, artifactUri: first.json().artifactUri });
    expect(await artifactCount()).toBe(before);
  });

  test('an unchanged re-push (its temporary tag long gone) is skipped: same artifact, and the registry gets no upload', async () => {
    const [host, port] = open.host.split(':');
    const proxy = await startFaultProxy({ host, port: Number(port) });
    const w = makeWorkspace(shopBlueprint([{ name: 'counted', uri: proxy.host }]), ENV);
    try {
      expect((await w.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev'])).code).toBe(0);
      const image = await localImage('unchanged');
      const args = ['--json', 'push', image, '-s', 'checkout', '--repository', `shop/unchanged-${run}`, '--tag', '1.0.0', '--git-ref', 'main'];
      const first = await w.run(args);
      expect(first.code).toBe(0);
      expect(first.json()).toMatchObject({ pushed: true, skipped: false, created: true });
      expect(await localTags(image)).toEqual([image]);

      const seenBefore = proxy.seen.length;
      const human = await w.run(args.slice(1));
      expect(human.code).toBe(0);
      expect(human.stderr).toBe(`${proxy.host}/shop/unchanged-${run}:1.0.0 is already in the registry (${first.json().artifact.digest}), skipping push\n`);
      expect(human.stdout).toContain(`Already registered ${first.json().artifactUri}\n`);
      const again = await w.run(args);
      expect(again.code).toBe(0);
      expect(again.json()).toMatchObject({ pushed: false, skipped: true, created: false, verified: true, artifactUri: first.json().artifactUri, digest: first.json().digest });
      const requests = proxy.seen.slice(seenBefore);
      expect(requests.filter((r) => ['PUT', 'POST', 'PATCH'].includes(r.method))).toEqual([]);
      expect(requests.filter((r) => r.path.includes('/blobs/'))).toEqual([]);
      expect(await artifactCount(w)).toBe(1);
      expect(await localTags(image)).toEqual([image]);

      const changed = await localImage('unchanged-changed');
      const moved = await w.run(['--json', 'push', changed, ...args.slice(3)]);
      expect(moved.code).toBe(0);
      expect(moved.json()).toMatchObject({ pushed: true, skipped: false, created: true });
      expect(moved.json().artifact.digest).not.toBe(first.json().artifact.digest);
      expect(proxy.seen.some((r) => r.method === 'PUT' && r.path === `/v2/shop/unchanged-${run}/manifests/1.0.0`)).toBe(true);
      expect(await artifactCount(w)).toBe(2);
    } finally {
      w.remove();
      await proxy.close();
    }
  });

  test('the fast path loads none of the native push: no image source reader, no upload, no tar parser', async () => {
    const image = await localImage('light');
    const args = ['push', image, '-s', 'checkout', '--registry', 'open', '--repository', `shop/light-${run}`, '--tag', '1.0.0', '--git-ref', 'main'];
    expect((await ws.run(args)).code).toBe(0);
    const record = path.join(ws.dir, `modules-${run}.txt`);
    const r = spawnSync(process.execPath, ['--require', path.join(__dirname, 'fixtures', 'record-modules.js'), MAIN, ...args], {
      cwd: ws.dir,
      env: { ...baseEnv(ws.home), ...ENV, RECORD_MODULES_FILE: record },
      encoding: 'utf8',
    });
    expect(r.stderr).toContain('is already in the registry');
    expect(r.status).toBe(0);
    const loaded = fs.readFileSync(record, 'utf8').split('\n');
    expect(loaded.filter((m) => /dist\/registry\/(push|compress)\/|dist\/registry\/image-source\/(?!spec\.js)|dist\/workflow\/push-(native|via-engine)|node_modules\/tar-stream\//.test(m))).toEqual([]);
  });

  test('a different image under the same tag is pushed (the tag moves)', async () => {
    const args = (image: string) => ['--json', 'push', image, '-s', 'checkout', '--registry', 'open', '--repository', 'shop/moves', '--tag', '1.0.0', '--git-ref', 'main'];
    const a = await ws.run(args(await localImage('moves-a')));
    const b = await ws.run(args(await localImage('moves-b')));
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(b.json()).toMatchObject({ pushed: true, skipped: false, created: true });
    expect(b.json().artifact.digest).not.toBe(a.json().artifact.digest);
  });
});

describe('the target: --registry, else the only non-internal registry; repository <project>/<service>; tag from the source or --tag', () => {
  test('several registries and no --registry when not interactive: a USAGE error listing them, nothing pushed', async () => {
    const image = await localImage('which');
    const r = await ws.run(['--json', 'push', image, '-s', 'checkout', '--git-ref', 'main']);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.json().error.message).toBe('--registry is required when not running interactively (one of: open, basic, token, tls)');
  });

  test('the only non-internal registry is taken; the tag comes from the local image', async () => {
    const w = makeWorkspace(shopBlueprint([{ name: 'open', uri: open.host }, { name: 'facets-config-auto', uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com', internal: true }]), ENV);
    try {
      await w.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev']);
      const image = await localImage('only');
      const tag = image.split(':')[1];
      const r = await w.run(['--json', 'push', image, '-s', 'cart', '--git-ref', 'main']);
      expect(r.code).toBe(0);
      expect(r.json().artifactUri).toBe(`${open.host}/shop/cart:${tag}@${r.json().artifact.digest}`);
    } finally {
      w.remove();
    }
  });

  test('an image already named under a project registry keeps its repository; --keep-tag keeps the engine tag', async () => {
    const image = await localImage('named');
    const named = `${open.host}/team/named:3.0.0`;
    const extra = `${open.host}/team/named:3.0.1`;
    await docker.getImage(image).tag({ repo: `${open.host}/team/named`, tag: '3.0.0' });
    const r = await ws.run(['--json', 'push', named, '-s', 'checkout', '--tag', '3.0.1', '--keep-tag', '--git-ref', 'main']);
    expect(r.code).toBe(0);
    expect(r.json().artifactUri).toBe(`${extra}@${r.json().artifact.digest}`);
    expect((await localTags(image)).sort()).toEqual([image, named, extra].sort());
  });

  test('an image id needs --tag', async () => {
    const image = await localImage('by-id');
    const id = (await docker.getImage(image).inspect()).Id.slice('sha256:'.length, 'sha256:'.length + 12);
    const r = await ws.run(['--json', 'push', id, '-s', 'checkout', '--registry', 'open', '--git-ref', 'main']);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.json().error.message).toBe('cannot tell which tag to push the image as');
    const ok = await ws.run(['--json', 'push', id, '-s', 'checkout', '--registry', 'open', '--tag', '5.0.0', '--git-ref', 'main']);
    expect(ok.code).toBe(0);
    expect(ok.json().artifactUri).toMatch(new RegExp(`^${open.host}/shop/checkout:5.0.0@sha256:`));
  });
});

describe('--no-push behaves as register, verification included', () => {
  test('an image already in the registry is verified and registered, nothing pushed', async () => {
    const repo = uniqueRepo('nopush');
    const digest = await putImage('open', repo, '1.0.0');
    const r = await ws.run(['--json', 'push', `${open.host}/${repo}:1.0.0`, '-s', 'checkout', '--no-push', '--git-ref', 'main'], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ pushed: false, skipped: false, verified: true, artifactUri: `${open.host}/${repo}:1.0.0@${digest}` });
  });
  test('an image not in the registry: REGISTRY error "push it first", nothing registered', async () => {
    const before = await artifactCount();
    const r = await ws.run(['--json', 'push', `${open.host}/shop/not-pushed-${run}:1.0.0`, '-s', 'checkout', '--no-push', '--git-ref', 'main']);
    expect(r.code).toBe(EXIT_CODES.REGISTRY);
    expect(r.json().error.message).toMatch(/is not in registry open; push it first/);
    expect(await artifactCount()).toBe(before);
  });
});

describe('failures exit non-zero with a precise reason, register nothing, and remove the temporary tag', () => {
  test.each([
    ['native', [], () => `registry ${basic.host} refused the credentials (unauthorized): check the credentials for ${basic.host} (docker login / registry credentials)`],
    ['--via-engine', ['--via-engine'], () => `push to ${basic.host} failed: unauthorized: authentication required`],
  ])('push denied by the registry (wrong password), %s: the registry\'s reason, exit REGISTRY', async (_path, flags, message) => {
    const image = await localImage('denied');
    const before = await artifactCount();
    const r = await ws.run(['--json', 'push', image, '-s', 'checkout', '--registry', 'basic', '--tag', '1.0.0', '--git-ref', 'main', ...flags], { env: { BASIC_PASS: 'not-the-password' } });
    expect(r.code).toBe(EXIT_CODES.REGISTRY);
    expect(r.json().error).toMatchObject({ code: 'REGISTRY', message: message() });
    expect(r.stdout + r.stderr).not.toContain('not-the-password');
    expect(await artifactCount()).toBe(before);
    expect(await localTags(image)).toEqual([image]);
  });

  test('token server denies the push scope to an anonymous caller: "denied"', async () => {
    const w = makeWorkspace(shopBlueprint([{ name: 'token', uri: token.host }]), ENV);
    try {
      await w.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev']);
      const image = await localImage('token-denied');
      const r = await w.run(['--json', 'push', image, '-s', 'checkout', '--tag', '1.0.0', '--git-ref', 'main']);
      expect(r.code).toBe(EXIT_CODES.REGISTRY);
      expect(r.json().error.message).toBe(`registry ${token.host} denied pushing to shop/checkout (insufficient_scope: the token grants no push access)`);
      expect(r.json().error.hint).toBe(`log in first (\`docker login ${token.host}\` or the registry's push credentials), then try again`);
      expect(await artifactCount(w)).toBe(0);
    } finally {
      w.remove();
    }
  });

  test('engine down: ENGINE error naming DOCKER_HOST, nothing registered', async () => {
    const before = await artifactCount();
    const r = await ws.run(['--json', 'push', 'whatever:1', '-s', 'checkout', '--registry', 'open', '--git-ref', 'main'], { env: { DOCKER_HOST: `unix:///tmp/facetsctl-no-engine-${run}.sock` } });
    expect(r.code).toBe(EXIT_CODES.ENGINE);
    expect(r.json().error).toMatchObject({ code: 'ENGINE', message: `cannot reach the Docker engine at unix:///tmp/facetsctl-no-engine-${run}.sock: no such socket`, hint: 'start Docker or set DOCKER_HOST' });
    expect(await artifactCount()).toBe(before);
  });

  test('the local image does not exist: ENGINE error', async () => {
    const r = await ws.run(['--json', 'push', `facetsctl-test/absent:${run}`, '-s', 'checkout', '--registry', 'open', '--git-ref', 'main']);
    expect(r.code).toBe(EXIT_CODES.ENGINE);
    expect(r.json().error).toMatchObject({ code: 'ENGINE', message: `image "facetsctl-test/absent:${run}" is not in the local Docker engine`, hint: 'build or pull it first (docker images lists what is there)' });
  });

  test.each([
    [['-s', 'nope'], EXIT_CODES.NOT_FOUND, /service "nope" is not in project shop/],
    [['-s', 'checkout', '-e', 'qa'], EXIT_CODES.NOT_FOUND, /environment "qa" is not in project shop/],
    [['-s', 'checkout', '-e', 'dev', '-r', 'QA'], EXIT_CODES.USAGE, /--environment and --release-stream cannot be used together/],
    [['-s', 'checkout'], EXIT_CODES.USAGE, /cannot route the artifact: no git ref found/],
    [['-s', 'checkout', '--registry', 'gcr', '--git-ref', 'main'], EXIT_CODES.NOT_FOUND, /registry "gcr" is not a container registry of project shop/],
  ])('bad input %j is refused before anything is pushed', async (args, code, message) => {
    const image = await localImage('bad-input');
    const r = await ws.run(['--json', 'push', image, '--registry', 'open', '--tag', '9.9.9', ...args]);
    expect(r.code).toBe(code);
    expect(r.json().error.message).toMatch(message);
    const head = await fetch(`${open.url}/v2/shop/checkout/manifests/9.9.9`, { method: 'HEAD' });
    expect(head.status).toBe(404);
  });
});

describe('the image version policy is checked before pushing: a refused tag never reaches the registry', () => {
  test('a denied tag: POLICY exit, nothing pushed, nothing registered', async () => {
    const w = makeWorkspace(shopBlueprint([{ name: 'open', uri: open.host }]), ENV);
    try {
      const c = await w.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev', '--deny-tag', 'latest']);
      expect(c.code).toBe(0);
      const image = await localImage('policy');
      const r = await w.run(['--json', 'push', image, '-s', 'checkout', '--repository', `shop/policy-${run}`, '--tag', 'latest', '--git-ref', 'main']);
      expect(r.code).toBe(EXIT_CODES.POLICY);
      expect(r.json().error.message).toBe('tag "latest" is refused by the image version policy (deniedTags)');
      expect((await fetch(`${open.url}/v2/shop/policy-${run}/manifests/latest`, { method: 'HEAD' })).status).toBe(404);
      expect(await artifactCount(w)).toBe(0);
    } finally {
      w.remove();
    }
  });
});

describe('what the registration would be refused for is refused before pushing, with the error register gives: nothing pushed, nothing registered', () => {
  const cases: Array<[string, string[][], string[], number, RegExp, RegExp]> = [
    ['a service on the MANUAL strategy', [['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev'], ['ci', 'configure', '--service', 'checkout', '--strategy', 'manual']], ['--git-ref', 'main'], EXIT_CODES.CONFLICT, /^service checkout uses manual attach; use `facetsctl attach` or switch strategy$/, /facetsctl attach IMAGE --service checkout/],
    ['a service with no CI/CD configuration', [], ['--git-ref', 'main'], EXIT_CODES.USAGE, /^cannot register an artifact: project shop has no CI\/CD configuration/, /facetsctl ci configure/],
    ['a release stream where the registration type is ENVIRONMENT', [['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev']], ['--release-stream', 'QA'], EXIT_CODES.USAGE, /^the registration type is ENVIRONMENT, so artifacts are registered to an environment/, /--environment NAME/],
    ['--require-route and no rule for the branch', [['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev']], ['--git-ref', 'feature/x', '--require-route'], EXIT_CODES.POLICY, /^no routing rule matches BRANCH_NAME=feature\/x/, /facetsctl ci configure/],
  ];

  test.each(cases)('%s', async (_case, setup, flags, code, message, hint) => {
    const w = makeWorkspace(shopBlueprint([{ name: 'open', uri: open.host }]), ENV);
    try {
      for (const step of setup) expect((await w.run(step)).code).toBe(0);
      const repository = uniqueRepo('refused');
      const image = await localImage('refused');
      const pushed = await w.run(['--json', 'push', image, '-s', 'checkout', '--repository', repository, '--tag', '1.0.0', ...flags]);
      expect(pushed.code).toBe(code);
      expect(pushed.json().error.message).toMatch(message);
      expect(pushed.json().error.hint).toMatch(hint);
      expect((await fetch(`${open.url}/v2/${repository}/manifests/1.0.0`, { method: 'HEAD' })).status).toBe(404);
      expect(await localTags(image)).toEqual([image]);

      const inRegistry = uniqueRepo('refused-register');
      await putImage('open', inRegistry, '1.0.0');
      const registered = await w.run(['--json', 'register', `${open.host}/${inRegistry}:1.0.0`, '-s', 'checkout', ...flags]);
      expect(registered.code).toBe(code);
      expect(registered.json().error).toEqual(pushed.json().error);
      expect(await artifactCount(w)).toBe(0);
    } finally {
      w.remove();
    }
  });
});

describe('the same image pushed again under another tag: the artifact knows every tag, and the output names the tag pushed', () => {
  test('push IMAGE:1.5.0, then push it --tag 2.0.0: "Already registered …:2.0.0@digest", GitHub outputs say 2.0.0, artifacts list shows both tags', async () => {
    const image = await localImage('retag');
    const repository = uniqueRepo('retag');
    const args = ['push', image, '-s', 'checkout', '--registry', 'open', '--repository', repository, '--environment', 'dev'];
    const first = await ws.run(['--json', ...args, '--tag', '1.5.0']);
    expect(first.code).toBe(0);
    const digest = first.json().artifact.digest as string;
    expect(first.json()).toMatchObject({ created: true, artifactUri: `${open.host}/${repository}:1.5.0@${digest}`, artifact: { tag: '1.5.0', tags: ['1.5.0'] } });

    const outputs = path.join(ws.dir, `github-output-${tagCounter}`);
    fs.writeFileSync(outputs, '');
    const github = { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: outputs };
    const second = await ws.run([...args, '--tag', '2.0.0'], { env: github });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`Already registered ${open.host}/${repository}:2.0.0@${digest}\n`);
    expect(second.stdout).toContain(`tags     1.5.0, 2.0.0 (artifact ${first.json().artifact.id})`);
    expect(fs.readFileSync(outputs, 'utf8')).toContain(`artifact-uri=${open.host}/${repository}:2.0.0@${digest}\n`);

    const third = await ws.run(['--json', ...args, '--tag', '2.0.0']);
    expect(third.json()).toMatchObject({
      created: false,
      artifactUri: `${open.host}/${repository}:2.0.0@${digest}`,
      artifact: { id: first.json().artifact.id, artifactUri: `${open.host}/${repository}:2.0.0@${digest}`, tag: '2.0.0', tags: ['1.5.0', '2.0.0'] },
    });

    const listed = (await ws.run(['--json', 'artifacts', 'list', '-s', 'checkout', '-e', 'dev'])).json().items.find((a: { id: string }) => a.id === first.json().artifact.id);
    expect(listed).toMatchObject({ artifactUri: `${open.host}/${repository}:1.5.0@${digest}`, tag: '1.5.0', tags: ['1.5.0', '2.0.0'] });
    const table = await ws.run(['artifacts', 'list', '-s', 'checkout', '-e', 'dev']);
    expect(table.stdout).toMatch(new RegExp(`^${first.json().artifact.id} .* 1\\.5\\.0,2\\.0\\.0 `, 'm'));
  });
});
