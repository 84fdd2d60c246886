// Waiting for another process's lock on the SQLite file without blocking the event loop: SQLITE_BUSY is retried
// with backoff and jitter up to a bound (FACETS_DB_LOCK_TIMEOUT), then reported as a retryable UNREACHABLE (exit 9).
import type BetterSqlite3 from 'better-sqlite3';
import type { DatabaseConnection, Driver, TransactionSettings } from 'kysely';
import { FacetsError } from '../../core/errors';

export const DEFAULT_LOCK_TIMEOUT_MS = 30_000;
export const LOCK_TIMEOUT_VARIABLE = 'FACETS_DB_LOCK_TIMEOUT';

const FIRST_DELAY_MS = 2;
// Long waits poll slowly: 200 processes waiting on one lock must leave the CPU to the one holding it.
const MAX_DELAY_MS = 500;

/** The bound from FACETS_DB_LOCK_TIMEOUT (seconds, decimals allowed), else the default. */
export function lockTimeoutFromEnv(env: Record<string, string | undefined>): number {
  const raw = env[LOCK_TIMEOUT_VARIABLE];
  if (raw === undefined || raw.trim() === '') return DEFAULT_LOCK_TIMEOUT_MS;
  const seconds = Number(raw.trim());
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 86_400) {
    throw new FacetsError('USAGE', `${LOCK_TIMEOUT_VARIABLE}=${JSON.stringify(raw)} is invalid (seconds from 0 to 86400)`, `set ${LOCK_TIMEOUT_VARIABLE} to a number of seconds, e.g. 30, or unset it`);
  }
  return Math.round(seconds * 1000);
}

export const isBusy = (e: unknown): boolean => typeof (e as { code?: unknown })?.code === 'string' && (e as { code: string }).code.startsWith('SQLITE_BUSY');

export interface LockWait {
  dbPath: string;
  timeoutMs: number;
}

export function lockedError(wait: LockWait): FacetsError {
  return new FacetsError(
    'UNREACHABLE',
    `the state database ${wait.dbPath} stayed locked by another process for ${wait.timeoutMs / 1000} s; nothing was changed by this command`,
    `run the command again (it is safe to retry); if the lock persists, stop the process holding the file, or raise ${LOCK_TIMEOUT_VARIABLE} (seconds)`,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it does not fail with SQLITE_BUSY, sleeping between tries (doubling, with jitter so that
 * processes waiting for the same lock do not retry in step), for at most `wait.timeoutMs`.
 */
export async function retryBusy<T>(wait: LockWait, attempt: () => T | Promise<T>): Promise<T> {
  const deadline = Date.now() + wait.timeoutMs;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (!isBusy(e)) throw e;
      const left = deadline - Date.now();
      if (left <= 0) throw lockedError(wait);
      const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** n);
      await sleep(Math.min(left, ceiling / 2 + Math.random() * (ceiling / 2)));
    }
  }
}

/**
 * kysely's SQLite driver with each statement run outside a transaction retried on SQLITE_BUSY (see retryBusy). BEGIN
 * is not: the transaction runner retries it after giving the connection back, so reads go on while a write waits.
 */
export class BusyRetryingDriver implements Driver {
  /** SQLite has one connection: the inner driver's, and this wrapper of it. */
  private pair: { inner: DatabaseConnection; outer: DatabaseConnection } | null = null;

  constructor(
    private readonly inner: Driver,
    private readonly connection: BetterSqlite3.Database,
    private readonly wait: LockWait,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const conn = await this.inner.acquireConnection();
    if (this.pair?.inner !== conn) {
      const outer: DatabaseConnection = {
        executeQuery: (query) => (this.connection.inTransaction || /^\s*begin\b/i.test(query.sql) ? conn.executeQuery(query) : retryBusy(this.wait, () => conn.executeQuery(query))),
        streamQuery: (query, chunkSize) => conn.streamQuery(query, chunkSize),
      };
      this.pair = { inner: conn, outer };
    }
    return this.pair.outer;
  }

  beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(conn, settings);
  }

  commitTransaction(conn: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(conn);
  }

  rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(conn);
  }

  releaseConnection(conn: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(this.pair?.outer === conn ? this.pair.inner : conn);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
