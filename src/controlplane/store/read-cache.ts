// What nearly every request of a long-running serve reads again (the caller's tokens; the service's integration and
// configuration a registration routes by), kept in memory for as long as the database says that none of the tables
// it was read from changed. Each dialect gives that answer as a stamp: SQLite a counter its own writes bump and the
// file's data_version (sqlite-changes.ts); PostgreSQL a counter bumped by its own writes and by the notifications
// every instance's writes send (postgres-changes.ts).

/** The tables the cached reads come from: a write to any of them invalidates every entry. */
export const WATCHED_TABLES = ['api_tokens', 'ci_integrations', 'ci_configs', 'promotion_workflows', 'routing_rules'] as const;

/** Entries kept at most (a flood of unknown usernames must not grow the process): past it the cache starts over. */
const MAX_ENTRIES = 1024;

/**
 * The current state of the watched tables as this process knows it; null while that cannot be known (inside an open
 * transaction, or with PostgreSQL's notifications down), when nothing is read from or put in the cache.
 */
export type ChangeStamp = () => string | number | null;

export class ReadCache {
  private readonly entries: Map<string, { stamp: string | number; value: unknown }>;

  /**
   * `since`: the view a transaction reads through, made when it began. A current entry is what the transaction would
   * read itself. What it loads is kept only while the stamp is still the one it began with: once the transaction wrote
   * a watched table (which moves the stamp), a load may hold its own writes, which a rollback takes back.
   */
  constructor(
    private readonly stamp: ChangeStamp,
    private readonly since?: string | number | null,
    entries?: Map<string, { stamp: string | number; value: unknown }>,
  ) {
    this.entries = entries ?? new Map();
  }

  /** The view of this cache for the reads of a transaction beginning now. */
  inTransaction(): ReadCache {
    return new ReadCache(this.stamp, this.stamp(), this.entries);
  }

  /**
   * The value kept under `key` if nothing watched changed since it was read, else `load()`'s (kept if nothing changed
   * while it ran either). Values are frozen: every caller shares them.
   */
  async read<T>(key: string, load: () => Promise<T>): Promise<T> {
    const before = this.stamp();
    if (before === null) return load();
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.stamp === before) return entry.value as T;
    const value = deepFreeze(await load());
    if (this.stamp() === before && (this.since === undefined || this.since === before)) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(key, { stamp: before, value });
    }
    return value;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
