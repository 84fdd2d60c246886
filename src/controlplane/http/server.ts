// `facetsctl serve`: the embedded control plane (blueprint + SQLite) over HTTP with the Facets paths.
import { loadBlueprint } from '../blueprint';
import { findBlueprint, stateDbPath } from '../discovery';
import { startService } from '../embedded';
import type { ControlPlaneService } from '../service';
import { openStore } from '../store/sqlite';
import { lockTimeoutFromEnv } from '../store/sqlite-busy';
import type { Identity, RegistryBrowser } from '../types';
import { createApp, type RegisteredRoute } from './app';
import { bootstrapAdminToken } from './auth';

export interface ServeOptions {
  /** Default 127.0.0.1: serve is reachable from this machine only unless asked otherwise. */
  host?: string;
  /** 0 (default) = a free port. */
  port?: number;
  /** --db; else env FACETS_DB; else <blueprint dir>/.facets/state.db. */
  dbPath?: string;
  /** --blueprint; else env FACETS_BLUEPRINT; else facets.yaml upward from cwd. */
  blueprintPath?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Server-side diagnostics (unexpected errors); never secrets. */
  log?: (line: string) => void;
  /** Lists repositories and tags for GET /artifactories/.../repos|tags. */
  registryBrowser?: RegistryBrowser;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  project: string;
  blueprintPath: string;
  dbPath: string;
  /** Set only on the first start of a database (no token yet): the admin's token, shown once. */
  adminToken?: string;
  /** What fastify registered (method, path), for the documentation check. */
  routes: RegisteredRoute[];
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const blueprint = loadBlueprint(findBlueprint({ flag: options.blueprintPath, env: env.FACETS_BLUEPRINT, cwd }));
  const dbPath = stateDbPath(blueprint.path, options.dbPath ?? env.FACETS_DB, cwd);
  const store = await openStore(dbPath, { lockTimeoutMs: lockTimeoutFromEnv(env) });
  try {
    const service = await startService(store, blueprint, { env, registryBrowser: options.registryBrowser });
    const adminToken = await bootstrapAdminToken(store);
    const perUser = new Map<string, ControlPlaneService>();
    const controlPlaneFor = (identity: Identity) => {
      let cp = perUser.get(identity.username);
      if (!cp) perUser.set(identity.username, (cp = service.forIdentity(identity)));
      return cp;
    };
    const { app, registered } = createApp({ controlPlaneFor, tokens: store }, log);
    const host = options.host ?? '127.0.0.1';
    await app.listen({ host, port: options.port ?? 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
    const urlHost = host.includes(':') ? `[${host}]` : host;
    let closed = false;
    return {
      url: `http://${urlHost}:${port}`,
      host,
      port,
      project: blueprint.project.name,
      blueprintPath: blueprint.path,
      dbPath,
      ...(adminToken ? { adminToken } : {}),
      routes: registered,
      close: async () => {
        if (closed) return;
        closed = true;
        await app.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
