// PostgreSQL parses and plans every unnamed statement again; the store runs a few dozen distinct statements thousands
// of times, so each connection prepares them once, by name, and the server keeps their plans for that connection.
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type { Pool, PoolClient } from 'pg';
import type { OwnWrites } from './postgres-changes';

/** Distinct SQL texts one connection keeps prepared; further texts (long `in (…)` lists) run unnamed. */
export const PREPARED_PER_CONNECTION = 256;
/** Transaction control and locks are not worth a plan; plain DML and queries are. */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;
/** "cached plan must not change result type": another instance changed the schema under a kept plan. */
const STALE_PLAN = '0A000';

/** True for the server's refusal of a plan kept from before a schema change (the work can be run again). */
export const isStalePlan = (e: unknown): boolean => (e as { code?: unknown })?.code === STALE_PLAN && /cached plan/i.test((e as Error).message ?? '');

interface Prepared {
  names: Map<string, string>;
  /** Bumped when the server refuses a kept plan, so that the statements are prepared again under new names. */
  generation: number;
  inTransaction: boolean;
}

/**
 * The pool kysely is handed: each connection's statements prepared by name, once per connection. `ownWrites` hears
 * each statement (serve's read cache, postgres-changes.ts).
 */
export function preparingPool(pool: Pool, ownWrites?: OwnWrites): PostgresPool {
  const kept = new WeakMap<PoolClient, Prepared>();
  const trackers = new WeakMap<PoolClient, ReturnType<OwnWrites['connection']>>();
  const trackerOf = (client: PoolClient) => {
    let tracker = trackers.get(client);
    if (!tracker) trackers.set(client, (tracker = ownWrites!.connection()));
    return tracker;
  };
  const preparedOf = (client: PoolClient): Prepared => {
    let prepared = kept.get(client);
    if (!prepared) kept.set(client, (prepared = { names: new Map(), generation: 0, inTransaction: false }));
    return prepared;
  };
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      const tracker = ownWrites && trackerOf(client);
      const query = (text: unknown, parameters?: ReadonlyArray<unknown>): unknown => {
        if (typeof text !== 'string') return client.query(text as never);
        const ran = tracker?.(text);
        if (ran === undefined) return run(text, parameters);
        return (run(text, parameters) as Promise<unknown>).finally(ran);
      };
      const run = (text: string, parameters?: ReadonlyArray<unknown>): unknown => {
        const prepared = preparedOf(client);
        const name = nameOf(prepared, text);
        const values = parameters ? [...parameters] : [];
        if (name === undefined) {
          // Only unnamed texts can be transaction control (it is never prepared): the hot named ones skip the test.
          trackTransaction(prepared, text);
          return client.query(text, values);
        }
        return client.query({ name, text, values }).catch((e: unknown) => {
          if (!isStalePlan(e)) throw e;
          forget(prepared);
          // Outside a transaction nothing was aborted: prepare it again. Inside, the transaction runner starts over.
          if (prepared.inTransaction) throw e;
          return client.query({ name: nameOf(prepared, text), text, values });
        });
      };
      return { query: query as PostgresPoolClient['query'], release: (destroy?: boolean) => client.release(destroy) };
    },
    end: () => pool.end(),
  };
}

/** The statement's name on this connection, made on first use; undefined to run it unnamed. */
function nameOf(prepared: Prepared, text: string): string | undefined {
  const known = prepared.names.get(text);
  if (known !== undefined || !PREPARABLE.test(text) || prepared.names.size >= PREPARED_PER_CONNECTION) return known;
  const name = `facets_${prepared.generation}_${prepared.names.size}`;
  prepared.names.set(text, name);
  return name;
}

function trackTransaction(prepared: Prepared, text: string): void {
  if (/^\s*(begin|start\s+transaction)\b/i.test(text)) prepared.inTransaction = true;
  else if (/^\s*(commit|rollback|end)\b/i.test(text)) prepared.inTransaction = false;
}

function forget(prepared: Prepared): void {
  prepared.names.clear();
  prepared.generation++;
}
