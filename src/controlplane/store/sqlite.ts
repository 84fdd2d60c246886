// The SQLite store: one better-sqlite3 connection (kysely serialises on it), WAL, migrations at open.
// Another process's lock is waited for asynchronously (sqlite-busy.ts), never by SQLite's own busy handler.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql, SqliteDialect, type Driver, type KyselyConfig } from 'kysely';
import { FacetsError } from '../../core/errors';
import type { Database } from './schema';
import { BusyRetryingDriver, DEFAULT_LOCK_TIMEOUT_MS, isBusy, lockedError, retryBusy, type LockWait } from './sqlite-busy';
import { migrate, schemaIsCurrent } from './migrate';
import { FALLBACK_AUTOCHECKPOINT_PAGES, startCheckpointer, type Checkpointer } from './sqlite-checkpointer';
import { ReadCache } from './read-cache';
import { sqliteChangeStamp } from './sqlite-changes';
import { groupCommitTransaction } from './sqlite-group-commit';
import { cachingStatements } from './sqlite-statements';
import { SqlStore, type TransactionRunner } from './sql-store';
import type { Store } from './store';

export interface OpenStoreOptions {
  /** How long to wait for another process's lock before failing with a retryable error (ms; FACETS_DB_LOCK_TIMEOUT). */
  lockTimeoutMs?: number;
  /** Called with each statement run (SQL and parameters), e.g. to check its query plan. */
  onQuery?: (sql: string, parameters: readonly unknown[]) => void;
  /**
   * A long-running process (serve): checkpoints run in a worker thread, off the request path (sqlite-checkpointer.ts);
   * the function hears a checkpoint that failed. A command's short run leaves them to SQLite's commits.
   */
  checkpointInBackground?: (failure: string) => void;
  /** A long-running process (serve): tokens and routing configuration read once until they change (read-cache.ts). */
  cacheReads?: boolean;
  /** A long-running process (serve): write transactions that arrive together share one commit (sqlite-group-commit.ts). */
  groupCommit?: boolean;
}

/** kysely's SQLite dialect on one connection, with SQLITE_BUSY retried outside transactions. */
class BusyRetryingDialect extends SqliteDialect {
  constructor(
    private readonly connection: BetterSqlite3.Database,
    private readonly wait: LockWait,
  ) {
    super({ database: cachingStatements(connection) });
  }

  override createDriver(): Driver {
    return new BusyRetryingDriver(super.createDriver(), this.connection, this.wait);
  }
}

/** Opens (creating if needed) the SQLite state database at `dbPath` and brings its schema up to date. */
export async function openStore(dbPath: string, options: OpenStoreOptions = {}): Promise<Store> {
  const wait: LockWait = { dbPath, timeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS };
  let connection: BetterSqlite3.Database;
  try {
    if (dbPath !== ':memory:') mkdirSync(path.dirname(dbPath), { recursive: true });
    connection = new BetterSqlite3(dbPath);
  } catch (e) {
    throw new FacetsError('USAGE', `cannot open the state database ${dbPath}: ${(e as Error).message}`, 'check the path (FACETS_DB or --db) and its permissions');
  }
  const onQuery = options.onQuery;
  const log: KyselyConfig['log'] = onQuery && ((event) => void (event.level === 'query' && onQuery(event.query.sql, event.query.parameters)));
  const db = new Kysely<Database>({ dialect: new BusyRetryingDialect(connection, wait), ...(log && { log }) });
  const transaction = immediateTransaction(db, wait);
  try {
    // SQLite's busy handler would sleep inside the call, blocking the event loop: retryBusy waits instead.
    connection.pragma('busy_timeout = 0');
    // Switching a new file to WAL takes an exclusive lock, which concurrent first opens contend for.
    await retryBusy(wait, () => connection.pragma('journal_mode = WAL'));
    connection.pragma('foreign_keys = ON');
    connection.pragma('synchronous = NORMAL');
    if (!(await schemaIsCurrent(db))) await transaction((trx) => migrate(trx, dbPath, NEWER_DATABASE_HINT));
  } catch (e) {
    await db.destroy();
    throw e;
  }
  let checkpointer: Checkpointer | undefined;
  if (options.checkpointInBackground && dbPath !== ':memory:') {
    connection.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    checkpointer = startCheckpointer(dbPath, options.checkpointInBackground);
  }
  const changes = options.cacheReads ? sqliteChangeStamp(connection) : undefined;
  const cache = changes && new ReadCache(changes.stamp);
  return new SqlStore(
    db,
    options.groupCommit ? groupCommitTransaction(db, connection, wait, () => changes?.forget()) : transaction,
    {
      onClose: async () => {
        await checkpointer?.stop();
        await db.destroy();
      },
      cache,
    },
  );
}

const NEWER_DATABASE_HINT = 'the database may be from a newer facetsctl; use a matching version or another --db';

/**
 * BEGIN IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read lock. While another
 * process holds it, the connection is given back between tries (retryBusy), so this process's reads are not held up.
 */
function immediateTransaction(db: Kysely<Database>, wait: LockWait): TransactionRunner {
  return <T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
    retryBusy(wait, () =>
      db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (e) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          // Busy inside the transaction (not expected under WAL): reported, not retried, as fn may not be repeatable.
          throw isBusy(e) ? lockedError(wait) : e;
        }
      }),
    );
}
