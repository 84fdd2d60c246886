// serve on SQLite: write transactions that arrive while one runs share its commit (group commit). A commit writes
// every page the transaction touched to the log: most of a registration's cost, and mostly the same pages for the
// next registration. Each transaction of a group runs alone, in turn, inside a savepoint of one BEGIN IMMEDIATE:
// - one that fails is rolled back to its savepoint and fails alone; the others go on;
// - none is answered before the group's COMMIT, and all fail with it if it fails (nothing half-written);
// - the connection is held from BEGIN to COMMIT, so no read, and no cache entry, sees a write not yet committed;
// - the group closes when no transaction is waiting after one more turn of the event loop, or at MAX_MEMBERS.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from './schema';
import type { TransactionRunner } from './sql-store';
import { isBusy, lockedError, retryBusy, type LockWait } from './sqlite-busy';

/** Transactions in one group at most, so that the first one waits for a bounded number of others. */
export const MAX_MEMBERS = 64;

interface Member {
  fn: (trx: Kysely<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * The transaction runner of a long-running process on `connection` (kysely's one connection, `db`). `abandoned` is
 * called when a group is rolled back whole, after its transactions ran (a failed COMMIT).
 */
export function groupCommitTransaction(db: Kysely<Database>, connection: BetterSqlite3.Database, wait: LockWait, abandoned: () => void): TransactionRunner {
  const control = (text: string) => {
    const statement = connection.prepare(text);
    return () => void statement.run();
  };
  const begin = control('begin immediate');
  const commit = control('commit');
  const rollback = control('rollback');
  const savepoint = control('savepoint facets_member');
  const release = control('release facets_member');
  const undo = control('rollback to facets_member');
  const queue: Member[] = [];
  let running = false;

  /** One group, on kysely's connection: BEGIN (retried while another process holds the lock), members, COMMIT. */
  const group = async (trx: Kysely<Database>): Promise<void> => {
    begin();
    const done: Array<[Member, unknown]> = [];
    try {
      while (done.length < MAX_MEMBERS) {
        if (queue.length === 0) await nextTurn();
        const member = queue.shift();
        if (member === undefined) break;
        savepoint();
        try {
          const result = await member.fn(trx);
          release();
          done.push([member, result]);
        } catch (e) {
          // Busy inside a transaction (not expected under WAL): reported, not retried, as fn may not be repeatable.
          member.reject(isBusy(e) ? lockedError(wait) : e);
          undo();
          release();
        }
      }
      commit();
    } catch (e) {
      if (connection.inTransaction) rollback();
      if (done.length > 0) abandoned();
      for (const [member] of done) member.reject(e);
      return;
    }
    for (const [member, result] of done) member.resolve(result);
  };

  const drain = async (): Promise<void> => {
    running = true;
    try {
      while (queue.length > 0) await retryBusy(wait, () => db.connection().execute(group));
    } catch (e) {
      // The lock stayed taken past the bound (or the connection failed before BEGIN): every waiting transaction fails.
      for (const member of queue.splice(0)) member.reject(e);
    } finally {
      running = false;
    }
  };

  return <T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (!running) void drain();
    });
}
