// The embedded store under load: 200 `register` processes at once on one SQLite file, and a lock held too long.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { EXIT_CODES } from '../../src/core/errors';
import { baseEnv, BIN, makeWorkspace, shopBlueprint, type Workspace } from './run-cli';

const PROCESSES = 200;
// Long enough for 200 processes to start on a busy 2-core machine while the test holds the lock (see gate).
const LOAD_LOCK_TIMEOUT_S = '300';
const CI = 'ci:\n  registrationType: ENVIRONMENT\n  branchRules: {main: dev}\n';
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

interface Run {
  pid: number;
  exited: () => boolean;
  done: Promise<{ code: number; stdout: string; stderr: string }>;
}

function start(ws: Workspace, args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ws.dir, env: { ...baseEnv(ws.home), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
  return { pid: child.pid!, exited: () => child.exitCode !== null || child.signalCode !== null, done };
}

/** Whether process `pid` has `file` open (Linux /proc); false once it has exited. */
function hasOpen(pid: number, file: string): boolean {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/**
 * The test holds the write lock of a new, empty state database while all the processes start, and lets go once each
 * has the file open (or has given up): they all then contend at once for the WAL switch, the migrations, the layout, the first use of
 * the service and the registration, however slowly the machine started them.
 */
async function underGate(ws: Workspace, runs: (n: number) => string[]): Promise<Array<{ code: number; stdout: string; stderr: string }>> {
  const dbPath = path.join(ws.dir, '.facets', 'state.db');
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  const gate = new BetterSqlite3(dbPath);
  gate.exec('begin immediate');
  let started: Run[] = [];
  try {
    started = Array.from({ length: PROCESSES }, (_, i) => start(ws, runs(i + 1), { FACETS_DB_LOCK_TIMEOUT: LOAD_LOCK_TIMEOUT_S }));
    const giveUpAt = Date.now() + 180_000;
    while (Date.now() < giveUpAt && !started.every((r) => r.exited() || hasOpen(r.pid, dbPath))) await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    gate.exec('rollback');
    gate.close();
  }
  return Promise.all(started.map((r) => r.done));
}

function rows<T>(ws: Workspace, query: string): T[] {
  const db = new BetterSqlite3(path.join(ws.dir, '.facets', 'state.db'), { readonly: true });
  try {
    return db.prepare(query).all() as T[];
  } finally {
    db.close();
  }
}

let ws: Workspace;
beforeEach(() => {
  ws = makeWorkspace(shopBlueprint([], CI));
});
afterEach(() => ws.remove());

describe('200 concurrent registrations on the embedded store of a new project all succeed: 0 lost, 0 duplicated', () => {
  test('distinct tags, on the first use of the service: 200 artifacts, each created once, one CI integration', async () => {
    const results = await underGate(ws, (n) => ['--json', 'register', `127.0.0.1:5000/shop/checkout:1.0.${n}@${digest(n)}`, '--no-verify', '-s', 'checkout', '-e', 'dev']);
    const failures = results.filter((r) => r.code !== 0).map((r) => `${r.code}: ${r.stderr}`);
    expect(failures).toEqual([]);
    expect(results.every((r) => JSON.parse(r.stdout).created === true)).toBe(true);
    const artifacts = rows<{ digest: string; n: number }>(ws, 'select digest, count(*) as n from artifacts group by digest');
    expect(artifacts).toHaveLength(PROCESSES);
    expect(artifacts.every((a) => a.n === 1)).toBe(true);
    expect(new Set(artifacts.map((a) => a.digest))).toEqual(new Set(Array.from({ length: PROCESSES }, (_, i) => digest(i + 1))));
    expect(rows(ws, "select ci_name from ci_integrations where resource_name = 'checkout'")).toHaveLength(1);
    expect(rows(ws, "select id from events where kind = 'REGISTERED'")).toHaveLength(PROCESSES);
    expect(rows(ws, 'select project from ci_configs')).toHaveLength(1);
  }, 600_000);

  test('the same tag 200 times, on the first use of the service: one artifact, created by one, returned to all', async () => {
    const results = await underGate(ws, () => ['--json', 'register', `127.0.0.1:5000/shop/cart:2.0.0@${digest(7)}`, '--no-verify', '-s', 'cart', '-e', 'dev']);
    const failures = results.filter((r) => r.code !== 0).map((r) => `${r.code}: ${r.stderr}`);
    expect(failures).toEqual([]);
    const outputs = results.map((r) => JSON.parse(r.stdout) as { created: boolean; artifact: { id: string } });
    expect(outputs.filter((o) => o.created)).toHaveLength(1);
    const stored = rows<{ id: string }>(ws, 'select id from artifacts');
    expect(stored).toHaveLength(1);
    expect(new Set(outputs.map((o) => o.artifact.id))).toEqual(new Set([stored[0].id]));
    expect(rows(ws, "select ci_name from ci_integrations where resource_name = 'cart'")).toHaveLength(1);
    expect(rows(ws, "select id from events where kind = 'REGISTERED'")).toHaveLength(1);
  }, 600_000);
});

describe('a lock held past FACETS_DB_LOCK_TIMEOUT: exit 9 (retryable), a message that says so, nothing stored', () => {
  test('another connection holds BEGIN IMMEDIATE: register waits the bound, then exits 9 and stores nothing', async () => {
    const first = await ws.run(['register', `127.0.0.1:5000/shop/cart:1.0.0@${digest(1)}`, '--no-verify', '-s', 'cart', '-e', 'dev']);
    expect(first.code).toBe(0);
    const holder = new BetterSqlite3(path.join(ws.dir, '.facets', 'state.db'));
    holder.exec('begin immediate');
    let r;
    try {
      r = await ws.run(['register', `127.0.0.1:5000/shop/checkout:1.0.2@${digest(2)}`, '--no-verify', '-s', 'checkout', '-e', 'dev'], { env: { FACETS_DB_LOCK_TIMEOUT: '1.5' } });
    } finally {
      holder.exec('rollback');
      holder.close();
    }
    expect(r.code).toBe(EXIT_CODES.UNREACHABLE);
    expect(r.stderr).toMatch(/the state database .*state\.db stayed locked by another process for 1\.5 s; nothing was changed by this command/);
    expect(r.stderr).toMatch(/run the command again \(it is safe to retry\).*FACETS_DB_LOCK_TIMEOUT/);
    expect(r.stdout).toBe('');
    expect(rows(ws, 'select digest from artifacts')).toEqual([{ digest: digest(1) }]);
    expect(rows(ws, "select ci_name from ci_integrations where resource_name = 'checkout'")).toEqual([]);
    const again = await ws.run(['register', `127.0.0.1:5000/shop/checkout:1.0.2@${digest(2)}`, '--no-verify', '-s', 'checkout', '-e', 'dev']);
    expect(again.code).toBe(0);
  });

  test('a FACETS_DB_LOCK_TIMEOUT that is not a number of seconds: exit 2, naming the variable', async () => {
    const r = await ws.run(['register', `127.0.0.1:5000/shop/cart:1.0.0@${digest(1)}`, '--no-verify', '-s', 'cart', '-e', 'dev'], { env: { FACETS_DB_LOCK_TIMEOUT: '5m' } });
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.stderr).toMatch(/FACETS_DB_LOCK_TIMEOUT="5m" is invalid \(seconds from 0 to 86400\)/);
  });
});
