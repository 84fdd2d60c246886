// `facetsctl serve`: the embedded control plane (blueprint + SQLite) over HTTP with the Facets paths.
import { loadBlueprint } from '../blueprint';
import { findBlueprint, stateDbPath } from '../discovery';
import { startService } from '../embedded';
import type { ControlPlaneService } from '../service';
import { openPostgresStore, openedDatabase } from '../store/postgres';
import { openStore } from '../store/sqlite';
import { lockTimeoutFromEnv } from '../store/sqlite-busy';
import type { Identity, RegistryBrowser } from '../types';
import type { Store } from '../store/store';
import { createApp, type RegisteredRoute, type ServeBackend } from './app';
import { bootstrapAdminToken } from './auth';
import { badPort, listenError } from './listen-error';
import { routesFor } from './routes';

export interface ServeOptions {
  /** Default 127.0.0.1: serve is reachable from this machine only unless asked otherwise. */
  host?: string;
  /** 0 (default) = a free port. */
  port?: number;
  /** --db; else env FACETS_DB; else <blueprint dir>/.facets/state.db. */
  dbPath?: string;
  /** --database postgres://...; else env FACETS_DATABASE_URL; else the SQLite file (dbPath). */
  databaseUrl?: string;
  /** --database-pool: connections to PostgreSQL per instance. */
  databasePool?: number;
  /** --blueprint; else env FACETS_BLUEPRINT; else facets.yaml upward from cwd. */
  blueprintPath?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Server-side diagnostics (unexpected errors); never secrets. */
  log?: (line: string) => void;
  /** Lists repositories and tags for GET /artifactories/.../repos|tags. */
  registryBrowser?: RegistryBrowser;
  /** Leave out serve's extensions (/cc-ui/v1/facetsctl/...): only the Facets API's operations. */
  referenceOnly?: boolean;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  project: string;
  blueprintPath: string;
  /** The SQLite file, or the PostgreSQL URL without its password. */
  dbPath: string;
  /** Set only while the database has no token (its first successful start): the admin's token, shown once. */
  adminToken?: string;
  /** What fastify registered (method, path), for the documentation check. */
  routes: RegisteredRoute[];
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) throw badPort(requestedPort);
  const blueprint = loadBlueprint(findBlueprint({ flag: options.blueprintPath, env: env.FACETS_BLUEPRINT, cwd }));
  const database = openedDatabase({ url: options.databaseUrl, pool: options.databasePool, dbPath: options.dbPath }, env);
  const dbPath = database ? database.where : stateDbPath(blueprint.path, options.dbPath ?? env.FACETS_DB, cwd);
  // The address first: a start that cannot listen has created and stored nothing, not even the database file.
  const backend = deferredBackend();
  const { app, registered } = createApp(backend, log, routesFor(options.referenceOnly));
  try {
    await app.listen({ host, port: requestedPort });
  } catch (e) {
    throw listenError(e, host, requestedPort);
  }
  let store: Store | undefined;
  try {
    store = database
      ? await openPostgresStore(database.url, { poolSize: database.pool, batchRegistrations: true, cacheReads: (lost) => log(`listening for changes on ${database.where} stopped (${lost}); reading without the cache until it reconnects`) })
      : await openStore(dbPath, { lockTimeoutMs: lockTimeoutFromEnv(env), checkpointInBackground: (failure) => log(`checkpointing ${dbPath} failed: ${failure}`), cacheReads: true, groupCommit: true });
    const service = await startService(store, blueprint, { env, registryBrowser: options.registryBrowser });
    const perUser = new Map<string, ControlPlaneService>();
    const opened = store;
    let closing = false;
    backend.open({
      tokens: store,
      ready: async () => !closing && (await opened.ping().then(() => true, () => false)),
      controlPlaneFor: (identity: Identity) => {
        let cp = perUser.get(identity.username);
        if (!cp) perUser.set(identity.username, (cp = service.forIdentity(identity)));
        return cp;
      },
    });
    // Minted once the server listens: a start that fails stores no token, and the next start shows one.
    const adminToken = await store.transaction((s) => bootstrapAdminToken(s, new Date().toISOString()));
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : requestedPort;
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
        closed = closing = true;
        // Stops accepting, answers 503 on kept-alive connections, and waits for the requests in flight.
        await app.close();
        await opened.close();
      },
    };
  } catch (e) {
    backend.fail(e);
    await app.close();
    await store?.close();
    throw e;
  }
}

/** Routes are registered before listen(); requests that come before the store is open wait for it. */
function deferredBackend(): ServeBackend & { open(backend: ServeBackend): void; fail(e: unknown): void } {
  let opened: ServeBackend | undefined;
  let settle!: { resolve: (b: ServeBackend) => void; reject: (e: unknown) => void };
  const ready = new Promise<ServeBackend>((resolve, reject) => (settle = { resolve, reject }));
  ready.catch(() => undefined);
  return {
    tokens: {
      createApiToken: async (...args) => (await ready).tokens.createApiToken(...args),
      findApiTokens: async (username) => (await ready).tokens.findApiTokens(username),
      countApiTokens: async () => (await ready).tokens.countApiTokens(),
    },
    ready: async () => (opened ? opened.ready() : false),
    // Called by route handlers only, after authentication waited for the store.
    controlPlaneFor: (identity) => (opened as ServeBackend).controlPlaneFor(identity),
    open(backend) {
      opened = backend;
      settle.resolve(backend);
    },
    fail: (e) => settle.reject(e),
  };
}
