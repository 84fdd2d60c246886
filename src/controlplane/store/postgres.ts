// The PostgreSQL store (serve --database postgres://...): the same SqlStore through `pg`'s pool. Several serve
// instances share one database: migrations run once under an advisory lock; writes are made safe by the database
// itself (unique constraints, conditional updates on a revision, a per-environment lock for promotions).
import { Kysely, PostgresDialect, sql, type Driver, type KyselyConfig, type PostgresDialectConfig } from 'kysely';
import { Pool } from 'pg';
import { FacetsError } from '../../core/errors';
import { tableExists } from './dialect';
import { migrate, schemaIsCurrent } from './migrate';
import { UnreachableMappingDriver, unreachableDatabase } from './postgres-errors';
import { listenForChanges } from './postgres-changes';
import { registrationBatches } from './postgres-registration-batches';
import { isStalePlan, preparingPool } from './postgres-statements';
import { ReadCache } from './read-cache';
import type { Database } from './schema';
import { SqlStore, type TransactionRunner } from './sql-store';
import type { Store } from './store';

export const DEFAULT_POOL_SIZE = 10;
/** The pg_advisory_lock key (any bigint, fixed) held while migrating. */
const MIGRATION_LOCK = 7_413_690_001;

export interface OpenPostgresOptions {
  /** Connections in the pool (--database-pool). */
  poolSize?: number;
  /** Refuse a database facetsctl did not make (no api_tokens table) instead of creating the schema in it. */
  existingOnly?: { hint: string };
  /** Called with each statement run (SQL and parameters). */
  onQuery?: (sql: string, parameters: readonly unknown[]) => void;
  /**
   * A long-running process (serve): tokens and routing configuration read once until a write anywhere changes them
   * (read-cache.ts, postgres-changes.ts); the function hears each loss of the connection that listens for those writes.
   */
  cacheReads?: (lost: string) => void;
  /** How often the listening connection proves that it still hears, ms (postgres-changes.ts; default 2000). */
  changeHeartbeatMs?: number;
  /** A long-running process (serve): new artifacts registered together go in as one statement (postgres-registration-batches.ts). */
  batchRegistrations?: boolean;
}

/** The connection string without its password, for messages and the start-up banner. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

export const DATABASE_URL_VARIABLE = 'FACETS_DATABASE_URL';
/** Said in words: a URL with credentials in it would itself be hidden by the CLI's redaction of secrets. */
const URL_FORM = 'write it as postgres://HOST:PORT/DATABASE with USER:PASSWORD@ before HOST (percent-encoded), and ?sslmode=verify-full for TLS';

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
  if (!URL.canParse(url)) {
    throw new FacetsError('USAGE', 'the database URL is not a valid URL', URL_FORM);
  }
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new FacetsError('USAGE', `the database URL ${JSON.stringify(where)} is not a PostgreSQL connection string`, `${URL_FORM}; for SQLite use --db FILE`);
  }
  return { url, pool: given.pool ?? DEFAULT_POOL_SIZE, where };
}

/** kysely's PostgreSQL dialect, with connection failures reported as UNREACHABLE (postgres-errors.ts). */
class ReportingDialect extends PostgresDialect {
  constructor(
    config: PostgresDialectConfig,
    private readonly where: string,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new UnreachableMappingDriver(super.createDriver(), this.where);
  }
}

/** Opens a pool on `url`, checks the connection and brings the schema up to date (once, whatever else starts meanwhile). */
export async function openPostgresStore(url: string, options: OpenPostgresOptions = {}): Promise<Store> {
  const where = redactDatabaseUrl(url);
  let pool: Pool;
  try {
    pool = new Pool({ connectionString: url, max: options.poolSize ?? DEFAULT_POOL_SIZE });
  } catch (e) {
    throw new FacetsError('USAGE', `the database URL ${JSON.stringify(where)} is invalid: ${(e as Error).message}`, URL_FORM);
  }
  // An idle connection that the server drops is replaced by the pool; the next query reports any lasting failure.
  pool.on('error', () => undefined);
  const onQuery = options.onQuery;
  const log: KyselyConfig['log'] = onQuery && ((event) => void (event.level === 'query' && onQuery(event.query.sql, event.query.parameters)));
  const changes = options.cacheReads ? listenForChanges(url, options.cacheReads, options.changeHeartbeatMs) : undefined;
  const db = new Kysely<Database>({ dialect: new ReportingDialect({ pool: preparingPool(pool, changes?.ownWrites) }, where), ...(log && { log }) });
  try {
    if (options.existingOnly && !(await tableExists(db, 'api_tokens'))) {
      throw new FacetsError('USAGE', `${where} is not a facetsctl database (no api_tokens table)`, options.existingOnly.hint, { db: where });
    }
    if (!(await schemaIsCurrent(db))) {
      await db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
        await migrate(trx, where, 'the database may be from a newer facetsctl; use a matching version or another database');
      });
    }
  } catch (e) {
    await Promise.all([db.destroy(), changes?.close()]);
    throw e instanceof FacetsError ? e : unreachableDatabase(where, e);
  }
  const close = async () => {
    await Promise.all([db.destroy(), changes?.close()]);
  };
  return new SqlStore(db, readCommittedTransaction(db), {
    onClose: close,
    cache: changes && new ReadCache(changes.stamp),
    registrations: options.batchRegistrations ? registrationBatches(db) : undefined,
  });
}

/**
 * A write transaction at PostgreSQL's default isolation (read committed): each statement sees what others committed.
 * Run once more when a plan kept from before another instance's migration was refused: it rolled back whole.
 */
function readCommittedTransaction(db: Kysely<Database>): TransactionRunner {
  return <T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
    db.transaction().execute(fn).catch((e: unknown) => {
      if (isStalePlan(e)) return db.transaction().execute(fn);
      throw e;
    });
}
