// serve's read cache (tokens; a service's integration and routing configuration) on both stores: a repeated read runs
// no statement, and every write is seen by the next read: its own (also inside a transaction, also one rolled back),
// another connection's or process's on SQLite at once, another instance's on PostgreSQL when its notification comes.
import net from 'node:net';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadBlueprint } from '../../src/controlplane/blueprint';
import { startService } from '../../src/controlplane/embedded';
import { openPostgresStore } from '../../src/controlplane/store/postgres';
import { openStore } from '../../src/controlplane/store/sqlite';
import type { Store } from '../../src/controlplane/store/store';
import { branchRule } from '../../src/core/routing';
import { createDatabase, type TestDatabase } from '../support/postgres';
import { STORE_KINDS, type StoreKind } from './both-stores';
import { SHOP_BLUEPRINT, tempDir } from './fixture';

const opened: Store[] = [];
let database: TestDatabase | undefined;
const proxies: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await Promise.all(proxies.splice(0).map((close) => close()));
  await database?.drop();
  database = undefined;
});

interface Pair {
  /** serve's store: reads cached; `statements` counts what it runs. */
  cached: Store;
  statements: string[];
  /** Another connection on the same database (another process or instance), without a cache. */
  other: Store;
  lostListener: string[];
}

async function pairOf(kind: StoreKind): Promise<Pair> {
  const statements: string[] = [];
  const lostListener: string[] = [];
  let cached: Store;
  let other: Store;
  if (kind === 'sqlite') {
    const file = path.join(tempDir(), 'state.db');
    cached = await openStore(file, { cacheReads: true, onQuery: (sql) => statements.push(sql) });
    other = await openStore(file);
  } else {
    database = await createDatabase();
    cached = await openPostgresStore(database.url, { cacheReads: (lost) => lostListener.push(lost), onQuery: (sql) => statements.push(sql) });
    other = await openPostgresStore(database.url);
  }
  opened.push(cached, other);
  return { cached, statements, other, lostListener };
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The statements `read` ran, transaction control aside. */
async function statementsOf(pair: Pair, read: () => Promise<unknown>): Promise<string[]> {
  const from = pair.statements.length;
  await read();
  return pair.statements.slice(from).filter((sql) => !/^\s*(begin|commit|rollback)\b/i.test(sql));
}

const AT = '2026-01-01T00:00:00.000Z';
const hashes = async (store: Store, user = 'alice') => (await store.findApiTokens(user)).map((t) => t.tokenHash);

/** Waits until the cache is in use (on PostgreSQL: once the listening connection is up). */
const cacheInUse = (pair: Pair, read: () => Promise<unknown>) =>
  until('the cache is in use', async () => (await read(), statementsOf(pair, read)), (ran) => ran.length === 0);

describe.each(STORE_KINDS)('on %s', (kind) => {
  test('tokens: a repeated read runs no statement; a token made here or by another connection is seen', async () => {
    const pair = await pairOf(kind);
    await pair.cached.createApiToken('alice', 'first', 'a'.repeat(64));
    await cacheInUse(pair, () => hashes(pair.cached));
    expect(await hashes(pair.cached)).toEqual(['a'.repeat(64)]);

    await pair.cached.createApiToken('alice', 'second', 'b'.repeat(64));
    expect(await hashes(pair.cached)).toEqual(['a'.repeat(64), 'b'.repeat(64)]);

    await pair.other.createApiToken('alice', 'third', 'c'.repeat(64));
    const seen = kind === 'sqlite' ? await hashes(pair.cached) : await until('the other instance\'s token', () => hashes(pair.cached), (h) => h.length === 3);
    expect(seen).toEqual(['a', 'b', 'c'].map((c) => c.repeat(64)));
  });

  test('an unknown user is cached as such until a token of theirs is made', async () => {
    const pair = await pairOf(kind);
    await cacheInUse(pair, () => hashes(pair.cached, 'mallory'));
    expect(await hashes(pair.cached, 'mallory')).toEqual([]);
    await pair.cached.createApiToken('mallory', 'now known', 'd'.repeat(64));
    expect(await hashes(pair.cached, 'mallory')).toEqual(['d'.repeat(64)]);
  });

  test('a write rolled back inside a transaction is not seen afterwards, nor kept by a read inside it', async () => {
    const pair = await pairOf(kind);
    await pair.cached.createApiToken('alice', 'kept', 'a'.repeat(64));
    await cacheInUse(pair, () => hashes(pair.cached));
    await expect(
      pair.cached.transaction(async (s) => {
        await s.createApiToken('alice', 'rolled back', 'e'.repeat(64));
        expect(await hashes(s)).toEqual(['a'.repeat(64), 'e'.repeat(64)]);
        throw new Error('abandoned');
      }),
    ).rejects.toThrow('abandoned');
    expect(await hashes(pair.cached)).toEqual(['a'.repeat(64)]);
    expect(await hashes(pair.cached)).toEqual(['a'.repeat(64)]);
  });

  test('routing: a registration\'s read is cached inside its transaction, and a new configuration is routed by at once', async () => {
    const pair = await pairOf(kind);
    const file = path.join(tempDir(), 'facets.yaml');
    writeFileSync(file, SHOP_BLUEPRINT);
    const service = await startService(pair.cached, loadBlueprint(file), { env: {} });
    await service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT', routingRules: [branchRule('main', 'dev', 1)] } });
    await service.ensureCiIntegration('shop', 'checkout');
    const inTransaction = () => pair.cached.transaction((s) => s.findIntegrationConfig('shop', 'checkout'));
    await cacheInUse(pair, inTransaction);

    await service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT', routingRules: [branchRule('release', 'staging', 1)] } });
    const found = await inTransaction();
    expect(found!.config!.routingRules.map((r) => r.routeTo)).toEqual(['staging']);
    await service.setImageStrategy('shop', 'checkout', 'MANUAL');
    expect(await pair.cached.findIntegrationConfig('shop', 'checkout')).toMatchObject({ integration: { strategy: 'MANUAL' }, config: null });
  });

  test('what the cache gives is frozen: a caller cannot change what the next one reads', async () => {
    const pair = await pairOf(kind);
    await pair.cached.createApiToken('alice', 'first', 'a'.repeat(64));
    await cacheInUse(pair, () => hashes(pair.cached));
    const tokens = await pair.cached.findApiTokens('alice');
    expect(() => {
      (tokens as unknown as string[]).push('x');
    }).toThrow(/not extensible/);
  });
});

describe('on postgres: the listening connection', () => {
  test('while it is down nothing is cached (another instance\'s write is seen at once); it reconnects by itself', async () => {
    const pair = await pairOf('postgres');
    await pair.cached.createApiToken('alice', 'first', 'a'.repeat(64));
    await cacheInUse(pair, () => hashes(pair.cached));
    await database!.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query like 'listen %'");
    await until('reads go to the database', () => statementsOf(pair, () => hashes(pair.cached)), (ran) => ran.length > 0);
    expect(pair.lostListener.length).toBeGreaterThan(0);

    await pair.other.createApiToken('alice', 'second', 'b'.repeat(64));
    expect(await hashes(pair.cached)).toEqual(['a'.repeat(64), 'b'.repeat(64)]);

    await cacheInUse(pair, () => hashes(pair.cached));
    await pair.other.createApiToken('alice', 'third', 'c'.repeat(64));
    await until('a write after the reconnection', () => hashes(pair.cached), (h) => h.length === 3);
  });
});

/**
 * A TCP proxy to PostgreSQL whose `freeze` stops every connection that has sent LISTEN, in both directions, without
 * closing it: a connection cut without a word (a dead network path), which neither side hears of.
 */
async function freezingProxy(target: URL): Promise<{ url: string; freeze: () => void }> {
  const pipes: Array<{ listening: boolean; client: net.Socket; server: net.Socket }> = [];
  const proxy = net.createServer((client) => {
    const server = net.connect(Number(target.port), target.hostname);
    const pipe = { listening: false, client, server };
    pipes.push(pipe);
    client.on('data', (data) => {
      if (data.includes('listen ')) pipe.listening = true;
      server.write(data);
    });
    server.on('data', (data) => client.write(data));
    for (const [a, b] of [[client, server], [server, client]]) {
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
  });
  proxies.push(async () => {
    for (const pipe of pipes) pipe.client.destroy(), pipe.server.destroy();
    await new Promise((resolve) => proxy.close(resolve));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.port = String((proxy.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    freeze: () => {
      for (const pipe of pipes.filter((p) => p.listening)) {
        pipe.client.pause();
        pipe.server.pause();
        pipe.client.removeAllListeners('data');
        pipe.server.removeAllListeners('data');
      }
    },
  };
}

describe('on postgres: a listening connection cut without a word', () => {
  test('is found out by its heartbeat: reads go to the database, and the cache comes back on a new connection', async () => {
    database = await createDatabase();
    const proxy = await freezingProxy(new URL(database.url));
    const statements: string[] = [];
    const lostListener: string[] = [];
    const cached = await openPostgresStore(proxy.url, { cacheReads: (lost) => lostListener.push(lost), changeHeartbeatMs: 200, onQuery: (sql) => statements.push(sql) });
    const other = await openPostgresStore(database.url);
    opened.push(cached, other);
    const pair: Pair = { cached, statements, other, lostListener };
    await cached.createApiToken('alice', 'first', 'a'.repeat(64));
    await cacheInUse(pair, () => hashes(cached));

    proxy.freeze();
    await other.createApiToken('alice', 'second', 'b'.repeat(64));
    await until('the write of another instance', () => hashes(cached), (h) => h.length === 2, 5000);
    expect(lostListener.some((reason) => /heartbeat did not come back/.test(reason))).toBe(true);

    await cacheInUse(pair, () => hashes(cached));
    await other.createApiToken('alice', 'third', 'c'.repeat(64));
    await until('a write after the new connection', () => hashes(cached), (h) => h.length === 3);
  });
});
