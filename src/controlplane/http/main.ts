// Standalone entry of `serve` (node dist/controlplane/http/main.js --port N --db FILE --blueprint FILE --host H);
// `facetsctl serve` calls runServe with the same options.
import { FacetsError, EXIT_CODES } from '../../core/errors';
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
  io.out(`facetsctl serve: project ${server.project} listening on ${server.url}`);
  if (server.adminToken) {
    io.out(`admin token: ${server.adminToken}`);
    io.out(`This token is shown only once; log in with: facetsctl login --control-plane ${server.url} --username admin --token <token>`);
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

const USAGE = 'usage: main.js [--port N] [--host HOST] [--db FILE] [--blueprint FILE] | --openapi';

export function parseServeArgs(argv: string[]): RunServeOptions & { openapi?: boolean } {
  const options: RunServeOptions & { openapi?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new FacetsError('USAGE', `${flag} needs a value`, USAGE);
      return v;
    };
    if (flag === '--port') {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) > 65535) throw new FacetsError('USAGE', `--port must be a number from 0 to 65535 (got "${v}")`, USAGE);
      options.port = Number(v);
    } else if (flag === '--host') options.host = value();
    else if (flag === '--db') options.dbPath = value();
    else if (flag === '--blueprint') options.blueprintPath = value();
    else if (flag === '--openapi') options.openapi = true;
    else throw new FacetsError('USAGE', `unknown argument "${arg}"`, USAGE);
  }
  return options;
}

if (require.main === module) {
  const io: ServeIO = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };
  (async () => {
    const options = parseServeArgs(process.argv.slice(2));
    if (options.openapi) {
      process.stdout.write(openApiYaml());
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
