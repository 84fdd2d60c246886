// The few places where SQLite and PostgreSQL need different SQL, kept together so the rest of the store stays portable.
import { createHash } from 'node:crypto';
import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Insertable, type Kysely } from 'kysely';
import type { Database } from './schema';

export const isPostgres = (db: Kysely<any>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

/** An auto-numbered integer primary key: SQLite's `integer ... autoincrement`, PostgreSQL's `serial`. */
export function autoKey(db: Kysely<any>): { type: 'integer' | 'serial'; build: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder } {
  return isPostgres(db) ? { type: 'serial', build: (c) => c.primaryKey() } : { type: 'integer', build: (c) => c.primaryKey().autoIncrement() };
}

/** Whether a table exists in the database's own catalogue. */
export async function tableExists(db: Kysely<any>, name: string): Promise<boolean> {
  const query = isPostgres(db)
    ? sql`select 1 from information_schema.tables where table_schema = current_schema() and table_name = ${name}`
    : sql`select 1 from sqlite_master where type = 'table' and name = ${name}`;
  return (await query.execute(db)).rows.length > 0;
}

/** The name lockForTransaction holds while promoting into an environment (or release stream) of a project. */
export const environmentLockName = (project: string, environment: string): string => `environment\0${project}\0${environment}`;

/** A stable 64-bit advisory-lock key for `name` (the first 8 bytes of its SHA-256, signed as PostgreSQL's bigint is). */
export function advisoryLockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

/**
 * Holds `name` until the caller's transaction ends: a transaction-scoped advisory lock on PostgreSQL; nothing on
 * SQLite, whose write transactions (BEGIN IMMEDIATE) already run one at a time.
 */
export async function lockForTransaction(db: Kysely<any>, name: string): Promise<void> {
  if (isPostgres(db)) await sql`select pg_advisory_xact_lock(${advisoryLockKey(name)}::bigint)`.execute(db);
}

/**
 * Inserts the artifact row unless one with its identity is stored. On SQLite, INSERT ... ON CONFLICT DO NOTHING rewrites
 * sqlite_sequence (autoincrement) even when it inserts nothing, so every unchanged re-push wrote and synced the database;
 * INSERT ... SELECT ... WHERE NOT EXISTS, under the write lock of BEGIN IMMEDIATE, writes nothing then.
 */
export function artifactInsert(db: Kysely<Database>, row: Insertable<Database['artifacts']>) {
  if (isPostgres(db)) return db.insertInto('artifacts').values(row).onConflict((oc) => oc.doNothing());
  const columns = (Object.keys(row) as Array<keyof typeof row>).filter((c) => row[c] !== undefined);
  const stored = db
    .selectFrom('artifacts')
    .select(sql<number>`1`.as('stored'))
    .where('ci_name', '=', row.ci_name)
    .where('identity_key', '=', row.identity_key)
    .where('registration_type', '=', row.registration_type)
    .where('registration_key', '=', row.registration_key);
  const values = db.selectNoFrom(columns.map((c) => sql`${row[c]}`.as(c))).where(({ not, exists }) => not(exists(stored)));
  return db.insertInto('artifacts').columns(columns).expression(values);
}
