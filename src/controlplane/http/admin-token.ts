// `serve token`: the owner of the database (SQLite file or PostgreSQL) mints a new admin token on it directly, not over HTTP.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { FacetsError } from '../../core/errors';
import { findBlueprint, stateDbPath } from '../discovery';
import { openedDatabase, openPostgresStore } from '../store/postgres';
import { openStore } from '../store/sqlite';
import { ADMIN_USERNAME, createToken } from './auth';

export interface AdminTokenOptions {
  /** --db; else env FACETS_DB; else <blueprint dir>/.facets/state.db, as serve finds it. */
  dbPath?: string;
  /** --database postgres://...; else env FACETS_DATABASE_URL (unless --db), as serve finds it. */
  databaseUrl?: string;
  blueprintPath?: string;
  /** The token's name, to tell tokens apart later. */
  name?: string;
  cwd: string;
  env: Record<string, string | undefined>;
}

export interface MintedAdminToken {
  username: string;
  name: string;
  db: string;
  /** In clear: the only time it is seen; the database keeps its SHA-256. */
  token: string;
}

export const DEFAULT_TOKEN_NAME = 'admin token (serve token)';
const MAX_NAME = 100;
const WHICH_DB = 'pass --db with the state database `facetsctl serve` uses (its start-up lines name it)';
const WHICH_POSTGRES = 'pass --database with the PostgreSQL database `facetsctl serve` runs on (its start-up lines name it)';

export async function mintAdminToken(options: AdminTokenOptions): Promise<MintedAdminToken> {
  const name = options.name ?? DEFAULT_TOKEN_NAME;
  if (!name.trim() || name.length > MAX_NAME || /[\p{Cc}]/u.test(name)) {
    throw new FacetsError('USAGE', `--name must be 1 to ${MAX_NAME} printable characters`, 'e.g. --name "laptop of alice"');
  }
  const postgres = openedDatabase({ url: options.databaseUrl, dbPath: options.dbPath }, options.env);
  const db = postgres ? postgres.where : databaseOf(options);
  if (!postgres) requireFacetsDatabase(db);
  const store = postgres ? await openPostgresStore(postgres.url, { poolSize: 1, existingOnly: { hint: WHICH_POSTGRES } }) : await openStore(db);
  try {
    const token = await createToken(store, ADMIN_USERNAME, name);
    return { username: ADMIN_USERNAME, name, db, token };
  } finally {
    await store.close();
  }
}

function databaseOf(options: AdminTokenOptions): string {
  const given = options.dbPath ?? (options.env.FACETS_DB || undefined);
  if (given) return path.resolve(options.cwd, given);
  return stateDbPath(findBlueprint({ flag: options.blueprintPath, env: options.env.FACETS_BLUEPRINT, cwd: options.cwd }));
}

/** Never creates a file: a mistyped path must not become an empty database with a fresh admin. */
function requireFacetsDatabase(db: string): void {
  if (!existsSync(db)) {
    throw new FacetsError('NOT_FOUND', `no database at ${db}`, WHICH_DB, { db });
  }
  const notOurs = (why: string) =>
    new FacetsError('USAGE', `${db} is not a facetsctl database (${why})`, WHICH_DB, { db });
  if (!statSync(db).isFile()) throw notOurs('not a file');
  let connection: BetterSqlite3.Database | undefined;
  try {
    connection = new BetterSqlite3(db, { readonly: true, fileMustExist: true });
    const tables = connection.prepare("select name from sqlite_master where type = 'table' and name in ('api_tokens', 'kysely_migration')").all();
    if (tables.length < 2) throw notOurs('a SQLite file without the api_tokens table');
  } catch (e) {
    if (e instanceof FacetsError) throw e;
    throw notOurs((e as Error).message);
  } finally {
    connection?.close();
  }
}
