// facetsctl serve: the control plane over HTTP (Facets paths), on 127.0.0.1 unless told otherwise.
import type { Command } from 'commander';
import type { Factory } from '../factory';
import { parseInteger } from '../inputs';

export interface ServeOptions {
  port?: number;
  host?: string;
  db?: string;
}

export async function run(opts: ServeOptions, f: Factory): Promise<void> {
  const { startServer } = require('../../controlplane/http/server') as typeof import('../../controlplane/http/server');
  const { createRegistryBrowser } = require('../../api/registry-browser') as typeof import('../../api/registry-browser');
  const server = await startServer({
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 8080,
    dbPath: opts.db,
    blueprintPath: f.globals.blueprint,
    cwd: f.cwd,
    env: f.env,
    log: (line) => f.io.err.write(`${line}\n`),
    registryBrowser: createRegistryBrowser(),
  });
  const blueprintPath = server.blueprintPath;
  if (f.io.json) f.io.printJson({ url: server.url, port: server.port, project: server.project, blueprint: blueprintPath, db: server.dbPath, adminToken: server.adminToken ?? null });
  else {
    f.io.println(`facetsctl serve: project ${server.project} listening on ${server.url} (blueprint ${blueprintPath}, state ${server.dbPath})`);
    if (server.adminToken) f.io.println(`admin token: ${server.adminToken}  (shown once; log in with: facetsctl login --url ${server.url} -u admin --token-stdin)`);
  }
  const signal = await f.untilInterrupted();
  f.io.info(`${signal}: stopping`);
  await server.close();
}

export function define(parent: Command, f: Factory): Command {
  return parent
    .command('serve')
    .description('Run the control plane over HTTP (Facets API paths) with a SQLite store beside the blueprint')
    .option('-p, --port <port>', 'port (0 picks a free one)', parseInteger('--port', 0), 8080)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--db <file>', 'SQLite file (default: .facets/state.db beside the blueprint; env FACETS_DB)')
    .addHelpText(
      'after',
      `
Examples:
  $ facetsctl serve                                   # facets.yaml found upward from cwd, port 8080
  $ facetsctl --blueprint examples/facets.yaml serve --port 0 --db /tmp/state.db

The first start prints an admin token once; only its hash is stored.`,
    )
    .action(async (opts: ServeOptions) => {
      await run(opts, f);
    });
}
