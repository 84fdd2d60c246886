// The few places where SQLite and PostgreSQL need different SQL, kept together so the rest of the store stays portable.
import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

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
