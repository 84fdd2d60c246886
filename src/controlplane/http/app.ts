// The fastify application: Basic auth on every route but the probes, the route table, and one error shape.
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Identity, ServeControlPlane } from '../types';
import { authenticate, type TokenStore } from './auth';
import { errorHandler } from './errors';
import { PROBE_PATHS, registerProbes } from './probes';
import { fastifyPath, type RouteSpec } from './route';
import { ROUTES } from './routes';
import { forValidation } from './schemas';

export interface ServeBackend {
  /** The control plane acting as this user (events record who did what). */
  controlPlaneFor(identity: Identity): ServeControlPlane;
  tokens: TokenStore;
  /** Whether requests can be served now: the store is open and its database answers. */
  ready(): Promise<boolean>;
}

export interface RegisteredRoute {
  method: string;
  url: string;
}

const BODY_LIMIT = 1024 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    identity?: Identity;
  }
}

function querySchema(route: RouteSpec) {
  const entries = Object.entries(route.query ?? {});
  if (!entries.length) return undefined;
  // Values stay strings (no type coercion anywhere); handlers parse numbers and say which one is wrong.
  const properties = Object.fromEntries(entries.map(([name, q]) => [name, q.schema.enum ? { type: 'string', enum: q.schema.enum } : { type: 'string' }]));
  const required = entries.filter(([, q]) => q.required).map(([name]) => name);
  return required.length ? { type: 'object', properties, required } : { type: 'object', properties };
}

export function createApp(backend: ServeBackend, log: (line: string) => void, routes: RouteSpec[] = ROUTES): { app: FastifyInstance; registered: RegisteredRoute[] } {
  const app = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    bodyLimit: BODY_LIMIT,
    // No coercion and no silent removal: a number for a string, or a misspelt key, is a 400.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
  });
  const registered: RegisteredRoute[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) registered.push({ method: String(method), url: r.url });
  });

  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    if (PROBE_PATHS.includes(request.routeOptions.url ?? '')) return;
    const result = await authenticate(backend.tokens, request.headers.authorization);
    if (!result.ok) {
      // WWW-Authenticate tells a refused login from serve's other AUTH answers (registry credentials it lacks).
      const body = { code: 'AUTH', message: result.message, hint: 'run `facetsctl login`' };
      return reply.code(401).header('www-authenticate', 'Basic realm="facetsctl", charset="UTF-8"').type('application/json').send(body);
    }
    request.identity = result.identity;
  });

  // Stopping (SIGTERM): answers in flight close their connection, so the drain ends with them, not at a keep-alive timeout.
  app.addHook('onSend', async (_request, reply) => {
    if (!app.server.listening) reply.header('connection', 'close');
  });

  app.setErrorHandler(errorHandler(log));
  // What a Facets (Spring) control plane answers for a path it has no handler for: clients tell "not offered" by it.
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).type('application/json').send({ timestamp: new Date().toISOString(), status: 404, error: 'Not Found', path: request.url.split('?')[0] });
  });

  registerProbes(app, () => backend.ready());
  for (const route of routes) {
    const schema: Record<string, unknown> = {};
    if (route.body) schema.body = forValidation(route.body);
    const query = querySchema(route);
    if (query) schema.querystring = query;
    app.route({
      method: route.method,
      url: fastifyPath(route.path),
      schema,
      handler: async (request, reply) => {
        const identity = request.identity as Identity;
        const result = await route.handler(
          { params: request.params as Record<string, string>, query: request.query as Record<string, string | undefined>, body: request.body },
          { cp: backend.controlPlaneFor(identity), identity, reply },
        );
        if (result === undefined) return reply.send();
        if (route.facetsBodyless) {
          if (!/\breturn=representation\b/.test(String(request.headers.prefer ?? ''))) return reply.send();
          reply.header('preference-applied', 'return=representation');
        }
        return reply.type('application/json').send(JSON.stringify(result));
      },
    });
  }
  return { app, registered };
}
