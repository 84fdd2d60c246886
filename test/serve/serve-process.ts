// Starts `serve` for real, as a child process (node dist/controlplane/http/main.js), and stops it by PID.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stopChild } from '../support/processes';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const serveMain = path.join(repoRoot, 'dist', 'controlplane', 'http', 'main.js');

export interface ServeProcess {
  url: string;
  /** Printed only on the first start of a database. */
  adminToken?: string;
  pid: number;
  stdout: string;
  /** stderr so far */
  stderr: string;
  /** The exit code once the process has exited (null: ended by a signal). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface SpawnServeOptions {
  blueprint: string;
  /** The SQLite file; or, with `database`, ignored. */
  db: string;
  /** postgres://... : serve on PostgreSQL instead of the SQLite file. */
  database?: string;
  port?: number;
  /** More arguments for serve, e.g. --database-pool 1. */
  extraArgs?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}

export async function spawnServe(options: SpawnServeOptions): Promise<ServeProcess> {
  if (!fs.existsSync(serveMain)) throw new Error(`${serveMain} is missing: run \`npm run build\` first (npm test does)`);
  const store = options.database ? ['--database', options.database] : ['--db', options.db];
  const args = [serveMain, '--port', String(options.port ?? 0), '--blueprint', options.blueprint, ...store, ...(options.extraArgs ?? [])];
  const child = spawn(process.execPath, args, { cwd: path.dirname(options.blueprint), env: { PATH: process.env.PATH ?? '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = () => stopChild(child);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start within ${options.timeoutMs ?? 15000} ms; stderr: ${stderr}`)), options.timeoutMs ?? 15000);
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/^state: /m.test(stdout)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`serve exited with ${code} before listening; stderr: ${stderr}`));
      });
    });
  } catch (e) {
    await stop();
    throw e;
  }
  const url = /listening on (http:\/\/\S+)/.exec(stdout)![1];
  const adminToken = /^admin token: (\S+)$/m.exec(stdout)?.[1];
  return {
    url,
    adminToken,
    pid: child.pid!,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    stop,
  };
}
