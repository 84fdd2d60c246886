// serve's write transactions on SQLite share commits (sqlite-group-commit.ts), on a real database file: each
// transaction fails alone, a failed COMMIT fails every transaction of its group and writes nothing, and no read sees a
// write before its group commits.
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import BetterSqlite3 from 'better-sqlite3';
import { openStore } from '../../src/controlplane/store/sqlite';
import type { Store } from '../../src/controlplane/store/store';
import { tempDir } from './fixture';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function served(): Promise<{ store: Store; file: string }> {
  const file = path.join(tempDir(), 'state.db');
  store = await openStore(file, { cacheReads: true, groupCommit: true });
  return { store, file };
}

/** The token names stored for `user`, read by another connection (another process would read the same). */
function storedNames(file: string, user: string): string[] {
  const other = new BetterSqlite3(file, { readonly: true });
  try {
    return (other.prepare('select name from api_tokens where username = ? order by name').all(user) as Array<{ name: string }>).map((r) => r.name);
  } finally {
    other.close();
  }
}

const hash = (n: number) => n.toString(16).padStart(64, '0');

test('concurrent transactions all commit; the one that fails is rolled back alone and fails with its own error', async () => {
  const { store, file } = await served();
  const results = await Promise.allSettled(
    Array.from({ length: 40 }, (_, n) =>
      store.transaction(async (s) => {
        await s.createApiToken('alice', `t${String(n).padStart(2, '0')}`, hash(n));
        if (n === 7) throw new Error('number 7 gives up');
        return n;
      }),
    ),
  );
  expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.message)).toEqual(['number 7 gives up']);
  expect(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<number>).value)).toEqual(Array.from({ length: 40 }, (_, n) => n).filter((n) => n !== 7));
  const names = storedNames(file, 'alice');
  expect(names).toHaveLength(39);
  expect(names).not.toContain('t07');
});

test('a COMMIT that fails fails every transaction of its group, writes nothing, and leaves no cached read of it', async () => {
  const { store, file } = await served();
  await store.createApiToken('alice', 'before', hash(100));
  expect((await store.findApiTokens('alice')).map((t) => t.name)).toEqual(['before']);
  const group = Array.from({ length: 10 }, (_, n) =>
    store.transaction(async (s) => {
      await s.createApiToken('alice', `t${n}`, hash(n));
      if (n === 0) {
        // A foreign key checked only at the outermost COMMIT: the group's COMMIT fails, after every member ran.
        const db = (s as unknown as { db: Kysely<unknown> }).db;
        await sql`pragma defer_foreign_keys = on`.execute(db);
        await sql`insert into artifact_tags (artifact_id, tag, artifact_uri, created_at) values ('no such artifact', 't', 'u', 'now')`.execute(db);
      }
      return n;
    }),
  );
  const results = await Promise.allSettled(group);
  expect(results.every((r) => r.status === 'rejected' && /FOREIGN KEY/i.test(String(r.reason)))).toBe(true);
  expect(storedNames(file, 'alice')).toEqual(['before']);
  expect((await store.findApiTokens('alice')).map((t) => t.name)).toEqual(['before']);
  // The connection is usable again: the next group commits.
  await store.transaction((s) => s.createApiToken('alice', 'after', hash(200)));
  expect(storedNames(file, 'alice')).toEqual(['after', 'before']);
});

test('a read made while a group is open waits for its COMMIT: nothing uncommitted is read', async () => {
  const { store } = await served();
  await store.createApiToken('alice', 'first', hash(1));
  expect((await store.findApiTokens('alice')).map((t) => t.name)).toEqual(['first']);
  let finish!: () => void;
  const held = new Promise<void>((resolve) => (finish = resolve));
  let wrote!: () => void;
  const written = new Promise<void>((resolve) => (wrote = resolve));
  const writer = store.transaction(async (s) => {
    await s.createApiToken('alice', 'second', hash(2));
    wrote();
    await held;
  });
  await written;
  let read: string[] | undefined;
  const reader = store.findApiTokens('alice').then((tokens) => (read = tokens.map((t) => t.name)));
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(read).toBeUndefined();
  finish();
  await writer;
  await reader;
  expect(read).toEqual(['first', 'second']);
});
