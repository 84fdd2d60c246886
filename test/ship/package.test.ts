// `npm pack` + `npm install -g` of the tarball give a working facetsctl: no dev dependencies, no build step.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { getInfra } from '../support/infra';
import { stopChild } from '../support/processes';
import { putImage, uniqueRepo } from '../cli/images';
import { baseEnv, makeWorkspace, repoRoot, shopBlueprint, type Workspace } from '../cli/run-cli';

const run = promisify(execFile);
const INSTALL_TIMEOUT_MS = 400_000;

let prefix: string;
let installed: string;
let packageDir: string;
let tarballFiles: string[];
let ws: Workspace;
const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

beforeAll(async () => {
  prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'facetsctl-package-'));
  const { stdout } = await run('bash', [path.join(repoRoot, 'scripts', 'check-package.sh'), prefix], { timeout: INSTALL_TIMEOUT_MS, maxBuffer: 1 << 24 });
  installed = stdout.trim().split('\n').pop() as string;
  packageDir = path.join(prefix, 'lib', 'node_modules', 'facetsctl');
  const tarball = fs.readdirSync(path.join(prefix, 'pack')).find((f) => f.endsWith('.tgz')) as string;
  const listing = await run('tar', ['-tzf', path.join(prefix, 'pack', tarball)]);
  tarballFiles = listing.stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
  ws = makeWorkspace(shopBlueprint([{ name: 'open', uri: getInfra().registries.open.host }]));
}, INSTALL_TIMEOUT_MS + 10_000);

afterAll(() => {
  ws?.remove();
  if (prefix) fs.rmSync(prefix, { recursive: true, force: true });
});

/** Names every installed package lists in its `dependencies`. */
function runtimeDependencyNames(nodeModules: string): Set<string> {
  const names = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir)) {
      if (entry.startsWith('.')) continue;
      const full = path.join(dir, entry);
      if (entry.startsWith('@')) {
        visit(full);
        continue;
      }
      const manifest = path.join(full, 'package.json');
      if (!fs.existsSync(manifest)) continue;
      for (const name of Object.keys(JSON.parse(fs.readFileSync(manifest, 'utf8')).dependencies ?? {})) names.add(name);
      if (fs.existsSync(path.join(full, 'node_modules'))) visit(path.join(full, 'node_modules'));
    }
  };
  visit(nodeModules);
  return names;
}

function facetsctl(args: string[], w: Workspace = ws) {
  return run(installed, args, { cwd: w.dir, env: baseEnv(w.home) });
}

describe('npm pack: the tarball holds what runs, and nothing else', () => {
  test('bin/facetsctl, dist/cli/main.js, completions/ and package.json are in it', () => {
    expect(tarballFiles).toEqual(expect.arrayContaining(['package.json', 'bin/facetsctl', 'dist/cli/main.js', 'completions/facetsctl.bash', 'completions/_facetsctl', 'completions/facetsctl.fish']));
  });

  test('the samples the README and the blueprint errors refer to, examples/, are in it', () => {
    expect(tarballFiles).toEqual(expect.arrayContaining(['examples/facets.yaml', 'examples/ci.yaml']));
  });

  test('no sources, tests, scripts or local state', () => {
    expect(tarballFiles.filter((f) => /^(src|test|scripts|node_modules|\.facets|\.test-infra)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  test('every module dist/ requires at run time is a dependency or a Node.js built-in', () => {
    const required = new Set<string>();
    for (const file of tarballFiles.filter((f) => f.startsWith('dist/') && f.endsWith('.js'))) {
      const text = fs.readFileSync(path.join(packageDir, file), 'utf8');
      for (const m of text.matchAll(/require\(["']([^"'.][^"']*)["']\)/g)) required.add(m[1].startsWith('@') ? m[1].split('/').slice(0, 2).join('/') : m[1].split('/')[0]);
    }
    const builtins = new Set(require('node:module').builtinModules as string[]);
    const missing = [...required].filter((m) => !builtins.has(m.replace(/^node:/, '')) && !(m in pkg.dependencies));
    expect(missing).toEqual([]);
  });
});

describe('npm install -g of the tarball gives a working facetsctl on a fresh machine', () => {
  test('no dev dependencies are installed (unless a runtime dependency needs the same package, e.g. @types/node)', () => {
    const neededAtRunTime = runtimeDependencyNames(path.join(packageDir, 'node_modules'));
    const installedDev = Object.keys(pkg.devDependencies).filter((dev) => fs.existsSync(path.join(packageDir, 'node_modules', dev)));
    expect(installedDev.filter((dev) => !neededAtRunTime.has(dev))).toEqual([]);
    expect(installedDev).not.toContain('typescript');
    expect(installedDev).not.toContain('jest');
    for (const dep of Object.keys(pkg.dependencies)) expect(fs.existsSync(path.join(packageDir, 'node_modules', dep, 'package.json'))).toBe(true);
  });

  test('--version prints the package version, --help lists the commands', async () => {
    expect((await facetsctl(['--version'])).stdout).toBe(`${pkg.version}\n`);
    const help = await facetsctl(['--help']);
    for (const command of ['register', 'push', 'attach', 'ci', 'serve', 'completion']) expect(help.stdout).toContain(`  ${command}`);
  });

  test('register against the embedded store (SQLite) verifies and pins an image in a real registry', async () => {
    const { open } = getInfra().registries;
    const repo = uniqueRepo('package');
    const digest = await putImage('open', repo, '1.0.0');
    await facetsctl(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev']);
    const r = await facetsctl(['--json', 'register', `${open.host}/${repo}:1.0.0`, '--service', 'checkout', '--git-ref', 'main']);
    expect(JSON.parse(r.stdout)).toMatchObject({ artifactUri: `${open.host}/${repo}:1.0.0@${digest}`, routedTo: 'dev', created: true });
    expect(fs.existsSync(path.join(ws.dir, '.facets', 'state.db'))).toBe(true);
  });

  test('the completion scripts ship in completions/ and equal `facetsctl completion`', async () => {
    for (const [shell, file] of [['bash', 'facetsctl.bash'], ['zsh', '_facetsctl'], ['fish', 'facetsctl.fish']]) {
      expect((await facetsctl(['completion', shell])).stdout).toBe(fs.readFileSync(path.join(packageDir, 'completions', file), 'utf8'));
    }
  });

  test('serve starts from the installed package and answers with its admin token', async () => {
    const child = spawn(installed, ['serve', '--port', '0'], { cwd: ws.dir, env: baseEnv(ws.home), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 20_000);
        const onData = (d: Buffer) => {
          output += d.toString();
          const listening = /listening on (http:\/\/\S+)/.exec(output);
          const admin = /admin token: (\S+)/.exec(output);
          if (listening && admin) {
            clearTimeout(timer);
            resolve(`${listening[1]}|${admin[1]}`);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
      });
      const [base, token] = url.split('|');
      const me = await fetch(`${base}/api/me`, { headers: { authorization: `Basic ${Buffer.from(`admin:${token}`).toString('base64')}` } });
      expect(me.status).toBe(200);
    } finally {
      await stopChild(child);
    }
  });
});
