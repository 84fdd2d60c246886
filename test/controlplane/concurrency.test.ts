import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { RegisterRequest } from '../../src/controlplane';
import { branchRule } from '../../src/core/routing';
import { image, openFixture } from './fixture';

const register = (n: number, over: Partial<RegisterRequest> = {}): RegisterRequest => ({
  project: 'shop',
  service: 'checkout',
  artifactUri: image(`1.0.${n}`, n),
  target: { kind: 'environment', value: 'dev' },
  ...over,
});

function rows(dbPath: string, query: string): unknown[] {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return db.prepare(query).all();
  } finally {
    db.close();
  }
}

// Another OS process on the same state: loads the TypeScript sources through swc, registers FROM..TO (tag 1.0.n, digest n or DIGEST), prints results.
const WORKER = `
const fs = require('fs');
const swc = require('@swc/core');
require.extensions['.ts'] = (m, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), { filename, jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } });
  m._compile(code, filename);
};
const { openEmbeddedControlPlane } = require('./src/controlplane/index.ts');
(async () => {
  const cp = await openEmbeddedControlPlane({ cwd: process.env.FIXTURE_DIR, env: {}, identity: { username: 'bob', name: 'Bob' } });
  process.stdout.write('READY\\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.destroy();
  const jobs = [];
  for (let n = Number(process.env.FROM); n <= Number(process.env.TO); n++) {
    const digest = 'sha256:' + Number(process.env.DIGEST || n).toString(16).padStart(64, '0');
    jobs.push(cp.service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: '127.0.0.1:5000/shop/checkout:1.0.' + n + '@' + digest, target: { kind: 'environment', value: 'dev' } }));
  }
  const results = await Promise.all(jobs);
  await cp.close();
  process.stdout.write(JSON.stringify(results.map((r) => ({ created: r.created, id: r.artifact.id, digest: r.artifact.digest }))));
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

/** `ready` settles when the worker has opened the store; `output` with what it printed after that. */
function collect(child: ChildProcess): { ready: Promise<void>; output: Promise<string> } {
  let out = '';
  let err = '';
  let signal: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (signal = resolve));
  child.stdout!.on('data', (d) => {
    out += d;
    if (out.includes('READY\n')) signal();
  });
  child.stderr!.on('data', (d) => (err += d));
  const output = new Promise<string>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(out.slice(out.indexOf('READY\n') + 6)) : reject(new Error(`worker exited ${code}: ${err}`)))),
  );
  output.catch(() => signal());
  return { ready, output };
}

async function configured() {
  const fixture = await openFixture();
  await fixture.service.configureCi({
    project: 'shop',
    config: { registrationType: 'ENVIRONMENT', routingRules: [branchRule('main', 'dev', 1), branchRule('release/*', 'staging', 2)] },
  });
  return fixture;
}

describe('concurrent registrations lose nothing and duplicate nothing', () => {
  test('100 concurrent registrations of 50 digests, each twice: 50 artifacts, one created per digest', async () => {
    const { service, dbPath } = await configured();
    const requests = Array.from({ length: 100 }, (_, i) => register((i % 50) + 1));
    const results = await Promise.all(requests.map((r) => service.registerArtifact(r)));
    expect(results.filter((r) => r.created)).toHaveLength(50);
    for (let n = 1; n <= 50; n++) {
      const ids = new Set(results.filter((r) => r.artifact.digest === image('x', n).split('@')[1]).map((r) => r.artifact.id));
      expect(ids.size).toBe(1);
    }
    expect(await service.store.countArtifacts()).toBe(50);
    expect(rows(dbPath, "select count(*) as n from events where kind = 'REGISTERED'")).toEqual([{ n: 50 }]);
  });

  test('100 concurrent metadata registrations route consistently: every digest once per target', async () => {
    const { service } = await configured();
    const branches = ['main', 'release/1', 'feature/x'];
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => service.registerArtifact(register((i % 20) + 1, { target: { kind: 'metadata' }, metadata: { BRANCH_NAME: branches[i % 3] } }))),
    );
    const keys = new Set(results.map((r) => `${r.artifact.digest}|${r.routedTo}`));
    expect(await service.store.countArtifacts()).toBe(keys.size);
    expect(results.filter((r) => r.created)).toHaveLength(keys.size);
    const unrouted = results.filter((r) => r.routedTo === null);
    expect(unrouted.every((r) => r.artifact.registrationValue === null)).toBe(true);
  });

  test('a second process registering into the same database file at the same time: no loss, no duplicate', async () => {
    const first = await configured();
    const child = spawn(process.execPath, ['-e', WORKER], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, FIXTURE_DIR: first.dir, FROM: '1', TO: '40' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    try {
      const { ready, output } = collect(child);
      await ready;
      child.stdin!.end('GO\n');
      const mine = await Promise.all(Array.from({ length: 40 }, (_, i) => first.service.registerArtifact(register(i + 21))));
      const theirs = JSON.parse(await output) as { created: boolean; id: string; digest: string }[];
      expect(theirs).toHaveLength(40);
      const byDigest = new Map<string, Set<string>>();
      for (const r of [...mine.map((m) => ({ created: m.created, id: m.artifact.id, digest: m.artifact.digest! })), ...theirs]) {
        byDigest.set(r.digest, (byDigest.get(r.digest) ?? new Set()).add(r.id));
      }
      expect(byDigest.size).toBe(60);
      expect([...byDigest.values()].every((ids) => ids.size === 1)).toBe(true);
      expect(mine.filter((m) => m.created).length + theirs.filter((t) => t.created).length).toBe(60);
      expect(await first.service.store.countArtifacts()).toBe(60);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('the same digest registered under different tags at once: one artifact that knows every tag', () => {
  test('another process and this one register one digest under 20 tags each: 1 artifact, 40 tags, 40 REGISTERED events', async () => {
    const first = await configured();
    const child = spawn(process.execPath, ['-e', WORKER], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, FIXTURE_DIR: first.dir, FROM: '1', TO: '20', DIGEST: '7' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    try {
      const { ready, output } = collect(child);
      await ready;
      child.stdin!.end('GO\n');
      const mine = await Promise.all(Array.from({ length: 20 }, (_, i) => first.service.registerArtifact(register(7, { artifactUri: image(`2.0.${i + 1}`, 7) }))));
      const theirs = JSON.parse(await output) as { created: boolean; id: string }[];
      const ids = new Set([...mine.map((m) => m.artifact.id), ...theirs.map((t) => t.id)]);
      expect(ids.size).toBe(1);
      expect(mine.filter((m) => m.created).length + theirs.filter((t) => t.created).length).toBe(1);
      const { tags } = await first.service.getArtifact('shop', 'checkout', [...ids][0]);
      const expected = Array.from({ length: 20 }, (_, i) => [`1.0.${i + 1}`, `2.0.${i + 1}`]).flat();
      expect([...tags].sort()).toEqual(expected.sort());
      expect(rows(first.dbPath, "select count(*) as n from events where kind = 'REGISTERED'")).toEqual([{ n: 40 }]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('a reset racing with registrations leaves a consistent state', () => {
  test('every registration either landed before the reset or was refused; nothing half-written', async () => {
    const { service, dbPath } = await configured();
    const work: Promise<unknown>[] = [];
    for (let i = 1; i <= 100; i++) {
      work.push(service.registerArtifact(register(i, { target: { kind: 'metadata' }, metadata: { BRANCH_NAME: 'main' } })));
      if (i === 50) work.push(service.resetCi('shop'));
    }
    const settled = await Promise.allSettled(work);
    const reset = settled[50];
    expect(reset.status).toBe('fulfilled');
    expect((reset as PromiseFulfilledResult<{ deletedRoutingRules: number }>).value.deletedRoutingRules).toBe(2);

    const registered = settled.filter((s, i) => i !== 50 && s.status === 'fulfilled');
    const refused = settled.filter((s) => s.status === 'rejected') as PromiseRejectedResult[];
    expect(registered.length + refused.length).toBe(100);
    expect(refused.every((r) => r.reason.kind === 'USAGE' && /no CI\/CD configuration/.test(r.reason.message))).toBe(true);
    expect(await service.store.countArtifacts()).toBe(registered.length);
    expect(rows(dbPath, "select count(*) as n from events where kind = 'REGISTERED'")).toEqual([{ n: registered.length }]);
    expect(rows(dbPath, 'select count(*) as n from routing_rules')).toEqual([{ n: 0 }]);
    expect(rows(dbPath, 'select count(*) as n from ci_configs')).toEqual([{ n: 0 }]);
    expect((await service.getCiConfig('shop', 'checkout')).mode).toBe('NONE');

    // The registration type can be set anew, and registration works again.
    await service.configureCi({ project: 'shop', config: { registrationType: 'RELEASE_STREAM' } });
    expect((await service.registerArtifact(register(500, { target: { kind: 'releaseStream', value: 'QA' } }))).created).toBe(true);
  });
});
