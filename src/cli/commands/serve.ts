// facetsctl serve: the control plane over HTTP (Facets paths), on 127.0.0.1 unless told otherwise;
// `serve token` mints a new admin token on the database file.
import type { Command } from 'commander';
import type { Factory } from '../factory';
import { parseInteger } from '../inputs';

export interface ServeOptions {
  port?: number;
  host?: string;
  db?: string;
  database?: string;
  databasePool?: number;
  referenceOnly?: boolean;
}

export interface ServeTokenOptions {
  db?: string;
  database?: string;
  name?: string;
}

type ServeMain = typeof import('../../controlplane/http/main');

export async function run(opts: ServeOptions, f: Factory): Promise<void> {
  const { startServer } = require('../../controlplane/http/server') as typeof import('../../controlplane/http/server');
  const { loginLine } = require('../../controlplane/http/main') as ServeMain;
  const { createRegistryBrowser } = require('../../api/registry-browser') as typeof import('../../api/registry-browser');
  const server = await startServer({
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 8080,
    dbPath: opts.db,
    databaseUrl: opts.database,
    databasePool: opts.databasePool,
    blueprintPath: f.globals.blueprint,
    cwd: f.cwd,
    env: f.env,
    log: (line) => f.io.err.write(`${line}\n`),
    registryBrowser: createRegistryBrowser(),
    referenceOnly: opts.referenceOnly,
  });
  const blueprintPath = server.blueprintPath;
  if (f.io.json) f.io.printJson({ url: server.url, port: server.port, project: server.project, blueprint: blueprintPath, db: server.dbPath, adminToken: server.adminToken ?? null });
  else {
    const only = opts.referenceOnly ? 'Facets API only, no extensions; ' : '';
    f.io.println(`facetsctl serve: project ${server.project} listening on ${server.url} (${only}blueprint ${blueprintPath}, state ${server.dbPath})`);
    if (server.adminToken) f.io.println(`admin token: ${server.adminToken}  (shown once; ${loginLine(server.url)})`);
  }
  const signal = await f.untilInterrupted();
  f.io.info(`${signal}: stopping`);
  await server.close();
}

export async function runToken(opts: ServeTokenOptions, f: Factory): Promise<void> {
  const { mintAdminToken } = require('../../controlplane/http/admin-token') as typeof import('../../controlplane/http/admin-token');
  const { printMintedToken } = require('../../controlplane/http/main') as ServeMain;
  const minted = await mintAdminToken({ dbPath: opts.db, databaseUrl: opts.database, blueprintPath: f.globals.blueprint, name: opts.name, cwd: f.cwd, env: f.env });
  printMintedToken(minted, f.io.json, { out: (line) => f.io.out.write(`${line}\n`), err: (line) => f.io.info(line) });
}

export function define(parent: Command, f: Factory): Command {
  const serve = parent
    .command('serve')
    .description('Run the control plane over HTTP (Facets API paths) with a SQLite store beside the blueprint, or on PostgreSQL')
    .option('-p, --port <port>', 'port (0 picks a free one)', parseInteger('--port', 0, 65535, 8080), 8080)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--db <file>', 'SQLite file (default: .facets/state.db beside the blueprint; env FACETS_DB)')
    .option('--database <url>', 'PostgreSQL instead of SQLite: postgres://USER:PASSWORD@HOST:PORT/DB[?sslmode=verify-full] (env FACETS_DATABASE_URL)')
    .option('--database-pool <n>', 'connections to PostgreSQL per instance (default 10)', parseInteger('--database-pool', 1, 1000))
    .option('--reference-only', 'Facets API operations only: the extensions answer 404, as on Facets')
    .addHelpText(
      'after',
      `
Examples:
  $ facetsctl serve                                   # facets.yaml found upward from cwd, port 8080
  $ facetsctl --blueprint examples/facets.yaml serve --port 0 --db /tmp/state.db
  $ facetsctl serve token --db /tmp/state.db          # a new admin token, minted on the file
  $ facetsctl serve --reference-only --port 0         # the client as it runs against a Facets control plane
  $ FACETS_DATABASE_URL=postgres://facets:secret@db:5432/facets?sslmode=require facetsctl serve --host 0.0.0.0

The first successful start of a database prints an admin token once; only its hash is stored.`,
    )
    .action(async (opts: ServeOptions) => {
      await run(opts, f);
    });
  serve
    .command('token')
    .description('Mint a new admin token on the database file or PostgreSQL database (for its owner; not over HTTP), printed once')
    .option('--db <file>', 'SQLite file serve uses (default: .facets/state.db beside the blueprint; env FACETS_DB)')
    .option('--database <url>', 'the PostgreSQL database serve uses (env FACETS_DATABASE_URL)')
    .option('--name <name>', 'a name for the token, to tell it apart later')
    .addHelpText(
      'after',
      `
Examples:
  $ facetsctl serve token --db /srv/facets/state.db
  $ facetsctl serve token --db state.db --name ci | facetsctl login --url http://127.0.0.1:8080 -u admin --token-stdin

The token is printed alone on stdout (with --json: {username, name, db, token}); the file keeps only its hash.
The database file must exist and be one that facetsctl serve created.`,
    )
    // serve's own --db and --database are parsed wherever they appear (commander's default), so they are read from there too.
    .action(async (_opts: ServeTokenOptions, command: Command) => {
      await runToken(command.optsWithGlobals<ServeTokenOptions>(), f);
    });
  return serve;
}
