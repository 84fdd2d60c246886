// Standalone entry of `serve` (node dist/controlplane/http/main.js --port N --db FILE | --database URL --blueprint FILE --host H,
// or `token --db FILE [--name N] [--json]`); `facetsctl serve` and `facetsctl serve token` do the same.
import { FacetsError, EXIT_CODES } from '../../core/errors';
import { mintAdminToken, type MintedAdminToken } from './admin-token';
import { badPort } from './listen-error';
import { openApiYaml } from './openapi';
import { startServer, type RunningServer, type ServeOptions } from './server';

export interface ServeIO {
  /** Where the URL (and, once, the admin token) is printed. */
  out(line: string): void;
  err(line: string): void;
}

export interface RunServeOptions extends ServeOptions {
  /** Resolve once the server listens instead of waiting for SIGINT/SIGTERM. */
  detach?: boolean;
  /** Stop on these signals (default SIGINT, SIGTERM). */
  signals?: NodeJS.Signals[];
}

/** Starts serve, prints where it listens, and (unless detach) runs until a signal arrives. */
export async function runServe(options: RunServeOptions, io: ServeIO): Promise<RunningServer> {
  const server = await startServer({ ...options, log: options.log ?? io.err });
  io.out(`facetsctl serve: project ${server.project} listening on ${server.url}${options.referenceOnly ? ' (Facets API only, no extensions)' : ''}`);
  if (server.adminToken) {
    io.out(`admin token: ${server.adminToken}`);
    io.out(`This token is shown only once; ${loginLine(server.url)}`);
  }
  // Last line of the start-up banner: scripts wait for it.
  io.out(`state: ${server.dbPath}`);
  if (options.detach) return server;
  await new Promise<void>((resolve) => {
    const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
    const stop = () => {
      for (const s of signals) process.off(s, stop);
      resolve();
    };
    for (const s of signals) process.on(s, stop);
  });
  await server.close();
  io.err('facetsctl serve: stopped');
  return server;
}

/** How to use an admin token: the same words after `serve`'s first start and after `serve token`. */
export const loginLine = (url = 'URL') => `log in with: facetsctl login --url ${url} -u admin --token-stdin`;

/** `serve token`'s answer: the token alone on stdout (pipe it to `login --token-stdin`), the why on stderr. */
export function printMintedToken(minted: MintedAdminToken, json: boolean, io: ServeIO): void {
  if (json) {
    io.out(JSON.stringify(minted, null, 2));
    return;
  }
  io.out(minted.token);
  io.err(`new token "${minted.name}" for ${minted.username} stored in ${minted.db} (only its SHA-256); it is shown only this once`);
  io.err(loginLine());
}

const USAGE = 'usage: main.js [--port N] [--host HOST] [--db FILE | --database postgres://... [--database-pool N]] [--blueprint FILE] [--reference-only] | token [--db FILE | --database URL] [--blueprint FILE] [--name N] [--json] | --openapi [--reference-only]';

export interface ServeArgs extends RunServeOptions {
  openapi?: boolean;
  /** `token`: mint a new admin token on the database file. */
  token?: { name?: string; json: boolean };
}

export function parseServeArgs(argv: string[]): ServeArgs {
  const options: ServeArgs = {};
  const token: ServeArgs['token'] = argv[0] === 'token' ? (options.token = { json: false }) : undefined;
  for (let i = token ? 1 : 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new FacetsError('USAGE', `${flag} needs a value`, USAGE);
      return v;
    };
    if (flag === '--port' && !token) {
      const v = value();
      if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) throw badPort(v);
      options.port = Number(v);
    } else if (flag === '--host' && !token) options.host = value();
    else if (flag === '--database') options.databaseUrl = value();
    else if (flag === '--database-pool' && !token) {
      const v = value();
      if (!/^\d{1,4}$/.test(v) || Number(v) < 1 || Number(v) > 1000) throw new FacetsError('USAGE', `--database-pool must be an integer from 1 to 1000 (got "${v}")`, USAGE);
      options.databasePool = Number(v);
    }
    else if (flag === '--name' && token) token.name = value();
    else if (flag === '--json' && token) token.json = true;
    else if (flag === '--db') options.dbPath = value();
    else if (flag === '--blueprint') options.blueprintPath = value();
    else if (flag === '--openapi' && !token) options.openapi = true;
    else if (flag === '--reference-only' && !token) options.referenceOnly = true;
    else throw new FacetsError('USAGE', `unknown argument "${arg}"`, USAGE);
  }
  return options;
}

if (require.main === module) {
  const io: ServeIO = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };
  (async () => {
    const options = parseServeArgs(process.argv.slice(2));
    if (options.openapi) {
      process.stdout.write(openApiYaml(options.referenceOnly));
      return;
    }
    if (options.token) {
      const minted = await mintAdminToken({ dbPath: options.dbPath, databaseUrl: options.databaseUrl, blueprintPath: options.blueprintPath, name: options.token.name, cwd: process.cwd(), env: process.env });
      printMintedToken(minted, options.token.json, io);
      return;
    }
    await runServe({ ...options, cwd: process.cwd(), env: process.env }, io);
  })().catch((e: unknown) => {
    if (e instanceof FacetsError) {
      io.err(`error: ${e.message}`);
      if (e.hint) io.err(`hint: ${e.hint}`);
      process.exitCode = e.exitCode;
    } else {
      io.err(`error: ${(e as Error)?.stack ?? String(e)}`);
      process.exitCode = EXIT_CODES.INTERNAL;
    }
  });
}
