// serve mints its first admin token only once it listens: a start that fails (port in use, bad port, bad
// host) says why with a documented exit code and stores nothing, and the next start still shows a token.
// The owner of the database file mints new admin tokens with `serve token`, on the file.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { EXIT_CODES } from '../../src/core/errors';
import { BIN, makeWorkspace, shopBlueprint, startServe, type CliResult, type Workspace } from '../cli/run-cli';
import { basic, raw } from './http';
import { serveMain, spawnServe } from './serve-process';

/** One run of an entry point to its exit (it must not keep running: these starts fail). */
function runTo(file: string, args: string[], ws: Workspace): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { cwd: ws.dir, env: { PATH: process.env.PATH ?? '', HOME: ws.home, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(file)} ${args.join(' ')} kept running: it should have failed\n${stdout}${stderr}`));
    }, 20000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, json: () => JSON.parse(stdout) });
    });
  });
}

const ENTRIES: Array<[string, string, (ws: Workspace, db: string) => Promise<{ url: string; adminToken?: string; stop(): Promise<void> }>]> = [
  ['facetsctl serve', BIN, (ws, db) => startServe(ws, ['--db', db])],
  ['dist/controlplane/http/main.js', serveMain, (ws, db) => spawnServe({ blueprint: path.join(ws.dir, 'facets.yaml'), db })],
];

const tokenRows = (db: string): number => {
  const sqlite = new Database(db, { readonly: true });
  try {
    const table = sqlite.prepare("select 1 from sqlite_master where name = 'api_tokens'").get();
    return table ? (sqlite.prepare('select count(*) as n from api_tokens').get() as { n: number }).n : 0;
  } finally {
    sqlite.close();
  }
};

describe.each(ENTRIES)('%s: a start that cannot listen says why, stores no token, and the next start prints one', (_entry, file, start) => {
  let ws: Workspace;
  let occupied: net.Server;
  let busyPort: number;
  beforeAll(async () => {
    occupied = net.createServer();
    await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve));
    busyPort = (occupied.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => occupied.close(() => resolve()));
  });
  beforeEach(() => {
    ws = makeWorkspace(shopBlueprint());
  });
  afterEach(() => ws.remove());

  const failures: Array<[string, () => string[], number, RegExp, RegExp]> = [
    ['the port is in use', () => ['--port', String(busyPort)], EXIT_CODES.CONFLICT, /^error: cannot listen on 127\.0\.0\.1:\d+: the port is already in use by another process$/m, /^hint: stop that process, or pick another port with --port/m],
    ['--port 99999', () => ['--port', '99999'], EXIT_CODES.USAGE, /^error: --port must be an integer from 0 to 65535 \(got "99999"\)$/m, /^hint: e\.g\. --port 8080/m],
    ["--host 'no such host!!'", () => ['--port', '0', '--host', 'no such host!!'], EXIT_CODES.USAGE, /^error: cannot listen on no such host!!:0: the host name "no such host!!" does not resolve$/m, /^hint: pass --host with an address/m],
  ];

  test.each(failures)('%s: the documented exit code and a message that says what to do; nothing stored, not even the database file', async (_what, args, code, message, hint) => {
    const db = path.join(ws.dir, 'state.db');
    const r = await runTo(file, [...(file === BIN ? ['serve'] : []), ...args(), '--db', db], ws);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code, stderr: expect.stringMatching(message) });
    expect(r.stderr).toMatch(hint);
    expect(r.stderr).not.toMatch(/unexpected error|at .*\.js:\d+/);
    expect(r.stdout).not.toMatch(/admin token/);
    expect(fs.existsSync(db)).toBe(false);
  });

  test('after a failed first start, the next start prints an admin token that logs in', async () => {
    const db = path.join(ws.dir, 'state.db');
    const failed = await runTo(file, [...(file === BIN ? ['serve'] : []), '--port', String(busyPort), '--db', db], ws);
    expect(failed.code).toBe(EXIT_CODES.CONFLICT);
    const server = await start(ws, db);
    try {
      expect(server.adminToken).toMatch(/^fct_/);
      const login = await ws.run(['login', '--url', server.url, '-u', 'admin', '--token-stdin'], { input: `${server.adminToken}\n` });
      expect({ code: login.code, stderr: login.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
      expect(tokenRows(db)).toBe(1);
    } finally {
      await server.stop();
    }
  });
});

describe('serve token: the owner of the database file mints a new admin token on the file', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = makeWorkspace(shopBlueprint());
  });
  afterEach(() => ws.remove());

  test.each([
    ['facetsctl serve token', (db: string) => [BIN, 'serve', 'token', '--db', db]],
    ['main.js token', (db: string) => [serveMain, 'token', '--db', db]],
  ])('%s prints a token once (alone on stdout) that authenticates against the running serve', async (_what, argv) => {
    const db = path.join(ws.dir, 'state.db');
    const server = await startServe(ws, ['--db', db]);
    try {
      const [file, ...args] = argv(db);
      const r = await runTo(file, args, ws);
      expect(r.code).toBe(0);
      const token = r.stdout.trim();
      expect(r.stdout).toMatch(/^fct_[A-Za-z0-9_-]{40,}\n$/);
      expect(token).not.toBe(server.adminToken);
      expect(r.stderr).toMatch(/only its SHA-256/);
      const me = await raw(`${server.url}/api/me`, { authorization: basic('admin', token) });
      expect(me).toMatchObject({ status: 200, body: { userId: 'admin' } });
      const login = await ws.run(['login', '--url', server.url, '-u', 'admin', '--token-stdin'], { input: `${token}\n` });
      expect(login.code).toBe(0);
      // The first admin token still works: minting adds, it does not replace.
      expect((await raw(`${server.url}/api/me`, { authorization: basic('admin', server.adminToken) })).status).toBe(200);
      expect(fs.readFileSync(db).includes(Buffer.from(token))).toBe(false);
    } finally {
      await server.stop();
    }
  });

  test('--json gives {username, name, db, token}; --name names the token', async () => {
    const db = path.join(ws.dir, 'state.db');
    const server = await startServe(ws, ['--db', db]);
    await server.stop();
    const r = await ws.run(['--json', 'serve', 'token', '--db', db, '--name', 'laptop']);
    expect(r.code).toBe(0);
    expect(r.json()).toEqual({ username: 'admin', name: 'laptop', db, token: expect.stringMatching(/^fct_/) });
    const sqlite = new Database(db, { readonly: true });
    try {
      expect(sqlite.prepare('select username, name from api_tokens order by created_at').all()).toEqual([
        { username: 'admin', name: 'initial admin token' },
        { username: 'admin', name: 'laptop' },
      ]);
    } finally {
      sqlite.close();
    }
  });

  test('a database file that does not exist: NOT_FOUND, and no file is created', async () => {
    const db = path.join(ws.dir, 'typo.db');
    const r = await ws.run(['serve', 'token', '--db', db]);
    expect(r.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(r.stderr).toMatch(new RegExp(`^error: no database at ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect(r.stderr).toMatch(/^hint: pass --db with the state database/m);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(db)).toBe(false);
    const viaMain = await runTo(serveMain, ['token', '--db', db], ws);
    expect(viaMain.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(fs.existsSync(db)).toBe(false);
  });

  test.each([
    ['a text file', (file: string) => fs.writeFileSync(file, 'not a database\n')],
    ['a SQLite file of something else', (file: string) => new Database(file).exec('create table notes (text)').close()],
    ['a directory', (file: string) => fs.mkdirSync(file)],
  ])('%s: USAGE, "not a facetsctl database", nothing written', async (_what, make) => {
    const db = path.join(ws.dir, 'other.db');
    make(db);
    const before = fs.statSync(db).isFile() ? fs.readFileSync(db) : null;
    const r = await ws.run(['serve', 'token', '--db', db]);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.stderr).toMatch(/^error: .*other\.db is not a facetsctl database/m);
    expect(r.stdout).toBe('');
    if (before) expect(fs.readFileSync(db)).toEqual(before);
  });
});
