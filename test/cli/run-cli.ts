// Runs the real program (node bin/facetsctl, built into dist/) in a temp HOME and cwd, and `serve` for real.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stopChild } from '../support/processes';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const BIN = path.join(repoRoot, 'bin', 'facetsctl');
/**
 * The program as tsc emits it, one file per module (bin/facetsctl runs the bundle of the same modules, whose
 * require()s esbuild keeps lazy): what a run loads is seen module by module here.
 */
export const MAIN = path.join(repoRoot, 'dist', 'cli', 'main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document (throws if it is not exactly one). */
  json<T = any>(): T;
}

export interface RunOptions {
  cwd: string;
  home: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/** The environment a CI job would have: no CI provider variables leak in from the machine running the tests. */
export function baseEnv(home: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', CI: 'true' };
}

export function runCli(args: string[], opts: RunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = baseEnv(opts.home);
    for (const [k, v] of Object.entries(opts.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`facetsctl ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 30000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 30000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code: code ?? -1,
        stdout,
        stderr,
        json: () => {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`stdout is not one JSON document:\n${stdout}\nstderr: ${stderr}`);
          }
        },
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export interface Workspace {
  dir: string;
  home: string;
  /** Runs facetsctl with cwd = dir and HOME = home. */
  run(args: string[], extra?: Omit<RunOptions, 'cwd' | 'home'>): Promise<CliResult>;
  write(file: string, text: string): string;
  remove(): void;
}

export function makeWorkspace(blueprint?: string, env: Record<string, string | undefined> = {}): Workspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facetsctl-cli-'));
  const home = path.join(dir, 'home');
  const project = path.join(dir, 'project');
  fs.mkdirSync(home);
  fs.mkdirSync(project);
  const ws: Workspace = {
    dir: project,
    home,
    run: (args, extra = {}) => runCli(args, { cwd: project, home, ...extra, env: { ...env, ...extra.env } }),
    write(file, text) {
      const full = path.resolve(project, file);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, text);
      return full;
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
  if (blueprint !== undefined) ws.write('facets.yaml', blueprint);
  return ws;
}

export interface RegistryEntry {
  name: string;
  uri: string;
  internal?: boolean;
  insecure?: boolean;
  /** Environment variable names holding the credentials (never the values). */
  fromEnv?: { username: string; password: string };
}

/** A blueprint like the README's: dev/staging on QA, production on PRODUCTION, services checkout and cart. */
export function shopBlueprint(registries: RegistryEntry[] = [], extra = ''): string {
  const regs = registries
    .map((r) => {
      const lines = [`  - name: ${r.name}`, `    type: OTHERS`, `    uri: "${r.uri}"`];
      if (r.internal) lines.push('    internal: true');
      if (r.insecure) lines.push('    insecure: true');
      if (r.fromEnv) lines.push(`    credentials: {fromEnv: {username: ${r.fromEnv.username}, password: ${r.fromEnv.password}}}`);
      return lines.join('\n');
    })
    .join('\n');
  return `project: shop
releaseStreams:
  - {name: QA, prod: false}
  - {name: PRODUCTION, prod: true}
environments:
  - {name: dev, releaseStream: QA}
  - {name: staging, releaseStream: QA}
  - {name: production, releaseStream: PRODUCTION}
services:
  - {name: checkout, type: service}
  - {name: cart}
${registries.length ? `registries:\n${regs}\n` : ''}${extra}`;
}

export interface ServeProcess {
  url: string;
  port: number;
  adminToken: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** `facetsctl serve --port 0` for real; resolves once it prints its URL and admin token. */
export function startServe(ws: Workspace, args: string[] = [], env: Record<string, string> = {}): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
      cwd: ws.dir,
      env: { ...baseEnv(ws.home), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const stop = () => stopChild(child);
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`serve did not start:\n${output}`));
    }, 20000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const url = /listening on (http:\/\/[^\s]+)/.exec(output);
      const token = /admin token: (\S+)/.exec(output);
      if (url && token) {
        clearTimeout(timer);
        resolve({ url: url[1], port: Number(new URL(url[1]).port), adminToken: token[1], child, output: () => output, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
}

