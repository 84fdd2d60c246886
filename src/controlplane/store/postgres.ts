// The PostgreSQL store (serve --database postgres://...): the same SqlStore through `pg`'s pool. Several serve
// instances share one database: migrations run once under an advisory lock, and write transactions are serialised
// by another (as SQLite's BEGIN IMMEDIATE does), so a read-then-write inside one never races another instance's.
import { Kysely, PostgresDialect, sql, type KyselyConfig } from 'kysely';
import { Pool } from 'pg';
import { FacetsError } from '../../core/errors';
import { migrate, schemaIsCurrent } from './migrate';
import type { Database } from './schema';
import { SqlStore, type TransactionRunner } from './sql-store';
import type { Store } from './store';

export const DEFAULT_POOL_SIZE = 10;
/** pg_advisory_lock keys (any bigint, fixed): one for migrating, one for write transactions. */
const MIGRATION_LOCK = 7_413_690_001;
export const WRITE_LOCK = 7_413_690_002;

export interface OpenPostgresOptions {
  /** Connections in the pool (--database-pool). */
  poolSize?: number;
  /** Called with each statement run (SQL and parameters). */
  onQuery?: (sql: string, parameters: readonly unknown[]) => void;
}

/** The connection string without its password, for messages and the start-up banner. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

export const DATABASE_URL_VARIABLE = 'FACETS_DATABASE_URL';

/**
 * The PostgreSQL database serve is asked to use (--database, else FACETS_DATABASE_URL unless --db is given), checked
 * before anything starts; undefined = the SQLite file. --db and --database together are a contradiction, refused.
 */
export function openedDatabase(
  given: { url?: string; pool?: number; dbPath?: string },
  env: Record<string, string | undefined>,
): { url: string; pool: number; where: string } | undefined {
  if (given.url !== undefined && given.dbPath !== undefined) {
    throw new FacetsError('USAGE', '--db (a SQLite file) and --database (PostgreSQL) were both given', `give one: --db FILE, or --database URL (${DATABASE_URL_VARIABLE})`);
  }
  // A --db flag wins over the variable, as flags do over the environment.
  const url = given.url ?? (given.dbPath === undefined ? env[DATABASE_URL_VARIABLE]?.trim() || undefined : undefined);
  if (url === undefined) {
    if (given.pool !== undefined) throw new FacetsError('USAGE', '--database-pool applies to a PostgreSQL database only', 'add --database postgres://... (or set FACETS_DATABASE_URL), or drop --database-pool');
    return undefined;
  }
  const where = redactDatabaseUrl(url);
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new FacetsError('USAGE', `the database URL ${JSON.stringify(where)} is not a PostgreSQL connection string`, 'write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=require]; for SQLite use --db FILE');
  }
  return { url, pool: given.pool ?? DEFAULT_POOL_SIZE, where };
}

/** A failure to reach or use the database, said plainly: where, why, what to do. */
function unreachable(where: string, e: unknown): FacetsError {
  if (e instanceof FacetsError) return e;
  return new FacetsError(
    'UNREACHABLE',
    `cannot use the PostgreSQL database ${where}: ${(e as Error)?.message ?? String(e)}`,
    'check that the server runs and the connection string (--database or FACETS_DATABASE_URL: host, port, user, password, database, sslmode) is right',
  );
}

/** Opens a pool on `url`, checks the connection and brings the schema up to date (once, whatever else starts meanwhile). */
export async function openPostgresStore(url: string, options: OpenPostgresOptions = {}): Promise<Store> {
  const where = redactDatabaseUrl(url);
  let pool: Pool;
  try {
    pool = new Pool({ connectionString: url, max: options.poolSize ?? DEFAULT_POOL_SIZE });
  } catch (e) {
    throw new FacetsError('USAGE', `the database URL ${JSON.stringify(where)} is invalid: ${(e as Error).message}`, 'write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=require]');
  }
  // An idle connection that the server drops is replaced by the pool; the next query reports any lasting failure.
  pool.on('error', () => undefined);
  const onQuery = options.onQuery;
  const log: KyselyConfig['log'] = onQuery && ((event) => void (event.level === 'query' && onQuery(event.query.sql, event.query.parameters)));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(log && { log }) });
  try {
    if (!(await schemaIsCurrent(db))) {
      await db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
        await migrate(trx, where, 'the database may be from a newer facetsctl; use a matching version or another database');
      });
    }
  } catch (e) {
    await db.destroy();
    throw unreachable(where, e);
  }
  return new SqlStore(db, serialisedTransaction(db), () => db.destroy());
}

/** A write transaction that waits for every other instance's to end first (a lock released at commit or rollback). */
function serialisedTransaction(db: Kysely<Database>): TransactionRunner {
  return <T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
    db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${WRITE_LOCK})`.execute(trx);
      return fn(trx);
    });
}
