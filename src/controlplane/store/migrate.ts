// Forward-only, versioned migrations (sqlite-migrations.ts, one list for both dialects), applied inside the caller's
// write transaction. The bookkeeping table is kysely's Migrator's (same name and columns), so databases made by either stay readable.
import { sql, type Kysely } from 'kysely';
import { FacetsError } from '../../core/errors';
import { tableExists } from './dialect';
import { SQLITE_MIGRATIONS } from './sqlite-migrations';

/** Every migration this build knows, in the order they apply. */
const KNOWN_MIGRATIONS = Object.keys(SQLITE_MIGRATIONS).sort();

const appliedMigrations = async (db: Kysely<any>): Promise<string[]> =>
  (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)).rows.map((r) => r.name);

/** Every migration this build knows is recorded as applied (and no other): a read, no lock to take. */
export async function schemaIsCurrent(db: Kysely<any>): Promise<boolean> {
  if (!(await tableExists(db, 'kysely_migration'))) return false;
  const applied = await appliedMigrations(db);
  return applied.length === KNOWN_MIGRATIONS.length && applied.every((name, i) => name === KNOWN_MIGRATIONS[i]);
}

/**
 * Applies the missing migrations in order, inside the caller's write transaction: of many processes opening a new
 * database at once, one migrates and the others, once they get the lock, find nothing left to do.
 * `where` names the database in errors; `newerHint` says what to do with one from a newer facetsctl.
 */
export async function migrate(trx: Kysely<any>, where: string, newerHint: string): Promise<void> {
  await sql`create table if not exists kysely_migration (name varchar(255) not null primary key, timestamp varchar(255) not null)`.execute(trx);
  const applied = await appliedMigrations(trx);
  const unknown = applied.filter((name) => !KNOWN_MIGRATIONS.includes(name));
  if (unknown.length > 0) {
    throw new FacetsError('INTERNAL', `migrating the state database ${where} failed: it records migration ${unknown.join(', ')}, which this facetsctl does not know`, newerHint);
  }
  for (const name of KNOWN_MIGRATIONS.filter((n) => !applied.includes(n))) {
    try {
      await SQLITE_MIGRATIONS[name].up(trx);
    } catch (e) {
      throw new FacetsError('INTERNAL', `migrating the state database ${where} failed at ${name}: ${(e as Error).message}`, newerHint);
    }
    await trx.insertInto('kysely_migration').values({ name, timestamp: new Date().toISOString() }).execute();
  }
}
