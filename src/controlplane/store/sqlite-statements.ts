// kysely's SQLite driver prepares every query it runs, and better-sqlite3 compiles SQL on each prepare(): the dialect is
// handed a database whose prepare() keeps compiled statements by SQL text, a bounded number, least recently used out.
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Distinct SQL texts kept compiled; the store runs a few dozen, `in (?, ?, …)` lists of every length add more. */
export const STATEMENT_CACHE_SIZE = 256;

export interface StatementCache extends SqliteDatabase {
  prepare(sql: string): BetterSqlite3.Statement;
  /** How many statements are kept compiled now. */
  readonly size: number;
}

/**
 * `connection` seen through a statement cache. A cached statement still being iterated (busy) cannot run a second time
 * at once: that prepare gets a statement of its own. SQLite recompiles a kept statement itself after a schema change.
 */
export function cachingStatements(connection: BetterSqlite3.Database, capacity: number = STATEMENT_CACHE_SIZE): StatementCache {
  const kept = new Map<string, BetterSqlite3.Statement>();
  return {
    get size() {
      return kept.size;
    },
    prepare(sql: string): BetterSqlite3.Statement {
      const hit = kept.get(sql);
      if (hit) {
        if (hit.busy) return connection.prepare(sql);
        // Map order is insertion order: moving the hit to the end makes the first key the least recently used.
        kept.delete(sql);
        kept.set(sql, hit);
        return hit;
      }
      const statement = connection.prepare(sql);
      kept.set(sql, statement);
      if (kept.size > capacity) kept.delete(kept.keys().next().value as string);
      return statement;
    },
    close() {
      kept.clear();
      connection.close();
    },
  };
}
