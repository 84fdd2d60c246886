// The stamp serve's read cache trusts on PostgreSQL (read-cache.ts), where several instances share the database:
// - every write to a watched table, by any instance, notifies CHANNEL on commit (statement triggers, migration
//   0005_change_notifications); one connection of this instance LISTENs and bumps the counter on each notification;
// - this instance's own writes bump it at once, before and after the statement and at the end of each transaction,
//   so a request that follows a write here never reads what the write replaced;
// - while the listening connection is down, nothing is cached (the stamp is null); it reconnects on its own;
// - it proves that it still hears: every heartbeat it notifies itself, and one that has not come back by the next
//   counts as a loss (a connection cut without a word, or a pooler in transaction mode that drops notifications).
// A write made through another instance reaches this one's cache when its notification arrives (milliseconds).
import { Client } from 'pg';
import { CHANNEL } from './change-notifications';
import { WATCHED_TABLES, type ChangeStamp } from './read-cache';

const RECONNECT_MS = 1000;
export const HEARTBEAT_MS = 2000;
/** The payload of a heartbeat (statement triggers send a table's name): no change, never bumps the stamp. */
const HEARTBEAT = 'heartbeat';
const WRITE = /^\s*(insert|update|delete|with|truncate|alter|drop)\b/i;
const WATCHED = new RegExp(`\\b(${WATCHED_TABLES.join('|')})\\b`);
const TRANSACTION_END = /^\s*(commit|rollback|end)\b/i;
/** Distinct statement texts whose answer is kept (`in (…)` lists of every length would grow it without end). */
const KNOWN_TEXTS = 2048;

/** Tells which statements write a watched table (preparingPool asks, per connection, before each statement). */
export interface OwnWrites {
  /** A connection's tracker: given a statement before it runs, returns what to call once it has run (or nothing). */
  connection(): (text: string) => (() => void) | undefined;
}

export interface PostgresChanges {
  stamp: ChangeStamp;
  ownWrites: OwnWrites;
  close(): Promise<void>;
}

/**
 * Starts listening on `url` (the pool's connection string); `onLost` hears each loss of the listening connection.
 * heartbeatMs: how often it proves that it still hears (a change is missed for twice that at most).
 */
export function listenForChanges(url: string, onLost: (reason: string) => void = () => undefined, heartbeatMs = HEARTBEAT_MS): PostgresChanges {
  let epoch = 0;
  let listening = false;
  let closed = false;
  let client: Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let awaited: string | undefined;
  let beats = 0;
  const bump = (): void => void epoch++;

  const beat = (on: Client): void => {
    if (awaited !== undefined) return lost(`a heartbeat did not come back within ${heartbeatMs} ms`);
    const token = `${HEARTBEAT} ${process.pid} ${++beats}`;
    awaited = token;
    on.query('select pg_notify($1, $2)', [CHANNEL, token]).catch((e: Error) => (client === on ? lost(e.message) : undefined));
  };

  const heard = (payload: string | undefined): void => {
    if (!payload?.startsWith(HEARTBEAT)) return bump();
    if (payload === awaited) awaited = undefined;
  };

  const lost = (reason: string): void => {
    if (!listening && client === undefined) return;
    listening = false;
    clearInterval(heartbeat);
    awaited = undefined;
    bump();
    const gone = client;
    client = undefined;
    gone?.removeAllListeners();
    gone?.on('error', () => undefined);
    void gone?.end().catch(() => undefined);
    if (closed) return;
    onLost(reason);
    retry = setTimeout(connect, RECONNECT_MS);
    retry.unref();
  };

  const connect = (): void => {
    const next = new Client({ connectionString: url });
    client = next;
    next.on('notification', (message) => (message.channel === CHANNEL ? heard(message.payload) : undefined));
    next.on('error', (e) => lost(e.message));
    next.on('end', () => lost('the connection ended'));
    next
      .connect()
      .then(() => next.query(`listen ${CHANNEL}`))
      .then(() => {
        if (client !== next || closed) return;
        // Whatever was written while nobody listened is unknown: start from a new stamp.
        bump();
        listening = true;
        heartbeat = setInterval(() => beat(next), heartbeatMs);
        heartbeat.unref();
      })
      .catch((e: Error) => (client === next ? lost(e.message) : undefined));
  };
  connect();

  const watchedWrite = new Map<string, boolean>();
  const writesWatched = (text: string): boolean => {
    let known = watchedWrite.get(text);
    if (known === undefined) {
      known = WRITE.test(text) && WATCHED.test(text);
      if (watchedWrite.size < KNOWN_TEXTS) watchedWrite.set(text, known);
    }
    return known;
  };
  const ownWrites: OwnWrites = {
    connection() {
      // A transaction that wrote a watched table moves the stamp again when it ends, committed or not.
      let wroteInTransaction = false;
      return (text) => {
        if (writesWatched(text)) {
          wroteInTransaction = true;
          bump();
          return bump;
        }
        if (!wroteInTransaction || !TRANSACTION_END.test(text)) return undefined;
        wroteInTransaction = false;
        return bump;
      };
    },
  };

  return {
    stamp: () => (listening ? epoch : null),
    ownWrites,
    async close() {
      closed = true;
      clearTimeout(retry);
      clearInterval(heartbeat);
      listening = false;
      const last = client;
      client = undefined;
      last?.removeAllListeners();
      last?.on('error', () => undefined);
      await last?.end().catch(() => undefined);
    },
  };
}
