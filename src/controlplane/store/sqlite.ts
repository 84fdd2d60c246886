// The SQLite store: one better-sqlite3 connection (kysely serialises on it), WAL, migrations at open.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, sql, SqliteDialect } from 'kysely';
import { FacetsError } from '../../core/errors';
import type { Database } from './schema';
import { sqliteMigrations } from './sqlite-migrations';
import { SqlStore } from './sql-store';
import type { Store } from './store';

export interface OpenStoreOptions {
  /** How long a writer waits for another process's lock before failing (ms). */
  busyTimeoutMs?: number;
}

/** Opens (creating if needed) the SQLite state database at `dbPath` and brings its schema up to date. */
export async function openStore(dbPath: string, options: OpenStoreOptions = {}): Promise<Store> {
  let connection: BetterSqlite3.Database;
  try {
    if (dbPath !== ':memory:') mkdirSync(path.dirname(dbPath), { recursive: true });
    connection = new BetterSqlite3(dbPath);
  } catch (e) {
    throw new FacetsError('USAGE', `cannot open the state database ${dbPath}: ${(e as Error).message}`, 'check the path (FACETS_DB or --db) and its permissions');
  }
  connection.pragma('journal_mode = WAL');
  connection.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  connection.pragma('foreign_keys = ON');
  connection.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });

  if (await schemaIsCurrent(connection)) return new SqlStore(db, immediateTransaction(db), () => db.destroy());
  const { error, results } = await new Migrator({ db, provider: sqliteMigrations }).migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new FacetsError('INTERNAL', `migrating the state database ${dbPath} failed at ${failed}: ${(error as Error).message}`, 'the database may be from a newer facetsctl; use a matching version or another --db');
  }
  return new SqlStore(db, immediateTransaction(db), () => db.destroy());
}

/**
 * Every migration this build knows is recorded as applied (and no other): the Migrator, which takes its lock table
 * and reads the schema on each open, has nothing to do.
 */
async function schemaIsCurrent(connection: BetterSqlite3.Database): Promise<boolean> {
  const table = connection.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
  if (!table) return false;
  const applied = (connection.prepare('select name from kysely_migration order by name').all() as Array<{ name: string }>).map((r) => r.name);
  const known = Object.keys(await sqliteMigrations.getMigrations()).sort();
  return applied.length === known.length && applied.every((name, i) => name === known[i]);
}

/** BEGIN IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read lock. */
function immediateTransaction(db: Kysely<Database>) {
  return <T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
    db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      try {
        const result = await fn(conn);
        await sql`commit`.execute(conn);
        return result;
      } catch (e) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw e;
      }
    });
}
