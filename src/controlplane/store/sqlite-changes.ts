// The stamp serve's read cache trusts on SQLite (read-cache.ts): a counter that temp triggers bump through a function
// on every write this connection makes to a watched table (a rollback does not take the bump back: an entry is at
// worst read again), and the file's data_version, which moves when another connection or process commits.
import type BetterSqlite3 from 'better-sqlite3';
import { WATCHED_TABLES, type ChangeStamp } from './read-cache';

/** The stamp, and `forget`, which moves it (a group of writes rolled back whole after they ran, see sqlite-group-commit.ts). */
export function sqliteChangeStamp(connection: BetterSqlite3.Database): { stamp: ChangeStamp; forget: () => void } {
  let epoch = 0;
  connection.function('facets_cache_changed', { deterministic: false }, () => {
    epoch++;
    return null;
  });
  for (const table of WATCHED_TABLES) {
    for (const change of ['insert', 'update', 'delete']) {
      connection.exec(`create temp trigger if not exists facets_cache_${table}_${change} after ${change} on main.${table} begin select facets_cache_changed(); end`);
    }
  }
  const dataVersion = connection.prepare('pragma data_version').pluck();
  // Another request's open transaction holds this connection's reads until it ends (kysely queues them), and bumps the
  // counter as it writes: an entry read meanwhile is not kept, and a kept one is no longer current.
  return {
    stamp: () => `${epoch}:${dataVersion.get() as number}`,
    forget: () => void epoch++,
  };
}
