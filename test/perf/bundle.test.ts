// One bundled file (dist/cli/facetsctl.js, `npm run build`) is what bin/facetsctl runs: axios, dockerode, kysely,
// commander and better-sqlite3's JavaScript inside it; better-sqlite3's native addon, fastify (serve), inquirer and ora
// (terminals) outside, loaded when used.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { buildRandomImage } from '../docker/build-image';
import { dockerSocketPath, getInfra } from '../support/infra';
import { putImage, uniqueRepo } from '../cli/images';
import { BIN, makeWorkspace, repoRoot, shopBlueprint, startServe, type ServeProcess, type Workspace } from '../cli/run-cli';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundle, patchAxios } = require('../../scripts/bundle.js') as {
  bundle(o: { outfile: string }): Promise<{ outfile: string; inputs: number }>;
  patchAxios(text: string, file: string): string;
};

const BUNDLE = path.join(repoRoot, 'dist', 'cli', 'facetsctl.js');
const { open } = getInfra().registries;

/** Runs bin/facetsctl with a preload that records every module file and built-in module Node loaded, and its stdout. */
function modulesLoaded(ws: Workspace, args: string[], env: Record<string, string> = {}): string[] & { stdout: string } {
  const record = path.join(ws.dir, `modules-${Date.now()}.txt`);
  const r = spawnSync(process.execPath, ['--require', path.join(repoRoot, 'test', 'cli', 'fixtures', 'record-modules.js'), BIN, ...args], {
    cwd: ws.dir,
    env: { PATH: process.env.PATH, HOME: ws.home, RECORD_MODULES_FILE: record, CI: 'true', ...env },
    encoding: 'utf8',
  });
  expect(r.status).toBe(0);
  return Object.assign(fs.readFileSync(record, 'utf8').split('\n'), { stdout: r.stdout });
}

describe('bin/facetsctl runs the bundle', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = makeWorkspace(shopBlueprint());
  });
  afterAll(() => ws.remove());

  test('--help: the bundle and none of the modules tsc emitted, nor any package left outside the bundle', () => {
    const loaded = modulesLoaded(ws, ['--help']);
    expect(loaded).toContain(BUNDLE);
    expect(loaded.filter((m) => m.startsWith(path.join(repoRoot, 'dist')) && m !== BUNDLE && !m.endsWith('compile-cache.js'))).toEqual([]);
    expect(loaded.filter((m) => m.includes(`${path.sep}node_modules${path.sep}`))).toEqual([]);
  });

  test('a command on the embedded control plane loads better-sqlite3\'s native addon from node_modules, and nothing else from there', () => {
    const loaded = modulesLoaded(ws, ['--json', 'artifacts', 'list', '--service', 'checkout']).filter((m) => m.includes(`${path.sep}node_modules${path.sep}`));
    expect(loaded).toEqual([path.join(repoRoot, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')]);
  });
});

describe('an unchanged re-push (the fast path) loads only what it runs', () => {
  let ws: Workspace;
  let docker: Docker;
  const image = `facetsctl-test/bundle-fast:${process.pid}-${Date.now().toString(36)}`;
  beforeAll(async () => {
    ws = makeWorkspace(shopBlueprint([{ name: 'open', uri: open.host }]), { DOCKER_HOST: getInfra().dockerHost });
    expect((await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev'])).code).toBe(0);
    docker = new Docker({ socketPath: dockerSocketPath(getInfra()) });
    await buildRandomImage(docker, image, { bytes: 10_000 });
  });
  afterAll(async () => {
    await docker?.getImage(image).remove({ force: true }).catch(() => undefined);
    ws?.remove();
  });

  test('no child process machinery (commander\'s executable subcommands, credential helpers), no perf_hooks (axios\' clock) and no package file but the SQLite addon', async () => {
    const args = ['--json', 'push', image, '--service', 'cart', '--repository', uniqueRepo('bundle-fast'), '--tag', '1.0.0', '--git-ref', 'main'];
    expect((await ws.run(args)).json()).toMatchObject({ pushed: true });
    const loaded = modulesLoaded(ws, args, { DOCKER_HOST: getInfra().dockerHost });
    expect(JSON.parse(loaded.stdout)).toMatchObject({ pushed: false, skipped: true });
    expect(loaded).toContain('node:fs');
    expect(loaded.filter((m) => /^node:(child_process|internal\/child_process|dgram|perf_hooks)$/.test(m))).toEqual([]);
    expect(loaded.filter((m) => m.includes(`${path.sep}node_modules${path.sep}`))).toEqual([path.join(repoRoot, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')]);
  });
});

describe('from the bundle, register and push work over HTTP (axios: serve and the registry) and through the engine (dockerode)', () => {
  let server: Workspace;
  let client: Workspace;
  let serve: ServeProcess;
  beforeAll(async () => {
    server = makeWorkspace(shopBlueprint([{ name: 'open', uri: open.host }]));
    serve = await startServe(server);
    client = makeWorkspace(undefined, { FACETS_CONTROL_PLANE_URL: serve.url, FACETS_USERNAME: 'admin', FACETS_TOKEN: serve.adminToken, DOCKER_HOST: getInfra().dockerHost });
    expect((await client.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev'])).code).toBe(0);
  });
  afterAll(async () => {
    await serve?.stop();
    server?.remove();
    client?.remove();
  });

  test('register against serve: verified in the registry, pinned, created', async () => {
    const repo = uniqueRepo('bundle');
    const digest = await putImage('open', repo, '1.0.0');
    const r = await client.run(['--json', 'register', `${open.host}/${repo}:1.0.0`, '--service', 'checkout', '--git-ref', 'main']);
    expect(r.stderr).toBe('');
    expect(r.json()).toMatchObject({ artifactUri: `${open.host}/${repo}:1.0.0@${digest}`, created: true, routedTo: 'dev', verified: true });
  });

  test('push through the engine, registered on serve; the same push again takes the fast path', async () => {
    const docker = new Docker({ socketPath: dockerSocketPath(getInfra()) });
    const image = `facetsctl-test/bundle:${process.pid}-${Date.now().toString(36)}`;
    await buildRandomImage(docker, image, { bytes: 20_000 });
    try {
      const args = ['--json', 'push', image, '--service', 'cart', '--repository', uniqueRepo('bundle-push'), '--tag', '1.0.0', '--git-ref', 'main'];
      const first = await client.run(args);
      expect(first.stderr).toBe('');
      expect(first.json()).toMatchObject({ pushed: true, skipped: false, created: true, routedTo: 'dev' });
      const again = await client.run(args);
      expect(again.json()).toMatchObject({ pushed: false, skipped: true, created: false, artifactUri: first.json().artifactUri });
      expect((await docker.getImage(image).inspect()).RepoTags).toEqual([image]);
    } finally {
      await docker.getImage(image).remove({ force: true }).catch(() => undefined);
    }
  });
});

describe('the bundle leaves out what facetsctl never runs; each change to a dependency must still apply', () => {
  test('no form-data, ssh2, gRPC or protobuf code in it; every axios patch applied (else the build fails)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facetsctl-bundle-'));
    try {
      const { outfile, inputs } = await bundle({ outfile: path.join(dir, 'facetsctl.js') });
      expect(inputs).toBeGreaterThan(100);
      const text = fs.readFileSync(outfile, 'utf8');
      expect(text).not.toMatch(/require\("(form-data|ssh2|@grpc\/grpc-js|protobufjs)"\)/);
      expect(text).toContain('multipart/form-data bodies are not part of the facetsctl bundle');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a patch whose text is not in the file fails loudly', () => {
    expect(() => patchAxios('module.exports = {};', 'axios.cjs')).toThrow(/patch does not apply/);
  });
});
