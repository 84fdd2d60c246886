// The OpenAPI 3 document of exactly what serve exposes, generated from the route table
// (openapi/facetsctl-serve.yaml is this document; a test keeps the two equal).
import { stringify } from 'yaml';
import type { RouteSpec } from './route';
import { ROUTES, routesFor } from './routes';
import { ErrorDetails, schemaName, type Schema } from './schemas';

type Doc = Record<string, unknown>;

function schemaConverter(components: Record<string, unknown>) {
  const convert = (value: unknown, top = false): unknown => {
    if (Array.isArray(value)) return value.map((v) => convert(v));
    if (value === null || typeof value !== 'object') return value;
    const name = schemaName(value as Schema);
    if (name && !top) {
      if (!(name in components)) {
        components[name] = {};
        components[name] = convert(value, true);
      }
      return { $ref: `#/components/schemas/${name}` };
    }
    const out: Doc = {};
    for (const [key, v] of Object.entries(value)) out[key] = key === 'properties' ? Object.fromEntries(Object.entries(v as Doc).map(([p, s]) => [p, convert(s)])) : convert(v);
    return out;
  };
  return convert;
}

const PREFER: Doc = {
  in: 'header',
  name: 'Prefer',
  required: false,
  description: 'return=representation: answer the representation instead of the empty body of the Facets API',
  schema: { type: 'string' },
  'x-facetsctl-extension': true,
};

const IF_MATCH: Doc = {
  in: 'header',
  name: 'If-Match',
  required: false,
  description: 'the ETag of the GET of the same resource ("0": none stored): a stored revision that differs is refused with 409 CONFLICT; absent: no check',
  schema: { type: 'string' },
  'x-facetsctl-extension': true,
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorDetails' } } } });

const ERROR_RESPONSES: Record<string, [string, string]> = {
  '400': ['BadRequest', 'Bad request: code BAD_REQUEST (schema) or USAGE, message names the field'],
  '401': ['Unauthorized', 'Missing or invalid credentials: code AUTH (with WWW-Authenticate: Basic)'],
  '404': ['NotFound', 'Unknown project, service, environment, registry or CI (code NOT_FOUND); an unknown path answers as Spring does: {timestamp, status, error, path}'],
  '409': ['Conflict', 'Conflict, e.g. a registration type change without a reset, a name found in several projects, or a stale write (If-Match names a revision no longer stored) (code CONFLICT)'],
  '422': ['PolicyRefused', 'Refused by the image version policy or requireRoute (code POLICY)'],
  '500': ['InternalServerError', 'Internal error (code INTERNAL, no details)'],
};

function operation(route: RouteSpec, convert: (v: unknown) => unknown): Doc {
  const parameters: Doc[] = [];
  for (const [name, description] of Object.entries(route.pathParams ?? {})) parameters.push({ in: 'path', name, required: true, description, schema: { type: 'string' } });
  for (const [name, q] of Object.entries(route.query ?? {})) {
    const p: Doc = { in: 'query', name, required: Boolean(q.required), schema: q.schema };
    if (q.description) p.description = q.description;
    if (q.extension) p['x-facetsctl-extension'] = true;
    parameters.push(p);
  }
  if (route.facetsBodyless) parameters.push(PREFER);
  if (route.revision === 'if-match') parameters.push(IF_MATCH);
  const ok: Doc = { description: route.facetsBodyless ? `Empty, as in the Facets API; with Prefer: return=representation: ${route.response.description}` : route.response.description };
  if (route.response.schema) ok.content = { 'application/json': { schema: convert(route.response.schema) } };
  const headers = Object.entries(route.response.headers ?? {}).map(([h, d]) => [h, { description: d, schema: { type: 'integer' } }]);
  if (route.revision === 'etag') headers.push(['ETag', { description: 'the revision read, quoted ("0": none stored): send it back as If-Match on a write', schema: { type: 'string' } }]);
  if (route.facetsBodyless) headers.push(['Preference-Applied', { description: 'return=representation when the body is the representation', schema: { type: 'string' } }]);
  if (headers.length) ok.headers = Object.fromEntries(headers);
  const responses: Doc = { '200': ok };
  if (route.response.noContent) responses['204'] = { description: route.response.noContent };
  for (const [status, name] of Object.entries(ERROR_RESPONSES)) responses[status] = { $ref: `#/components/responses/${name[0]}` };
  const op: Doc = { operationId: route.operationId, summary: route.summary };
  if (route.extension) op['x-facetsctl-extension'] = true;
  if (parameters.length) op.parameters = parameters;
  if (route.body) op.requestBody = { required: true, content: { 'application/json': { schema: convert(route.body) } } };
  op.responses = responses;
  return op;
}

const probe = (operationId: string, summary: string, unavailable?: string): Doc => {
  const status = (value: string) => ({ type: 'object', required: ['status'], properties: { status: { type: 'string', enum: [value] } } });
  const responses: Doc = { '200': { description: 'ok', content: { 'application/json': { schema: status('ok') } } } };
  if (unavailable) responses['503'] = { description: unavailable, content: { 'application/json': { schema: status('unavailable') } } };
  return { get: { operationId, summary, 'x-facetsctl-extension': true, security: [], responses } };
};

/** For a load balancer: no auth, no details. */
const PROBES: Record<string, Doc> = {
  '/healthz': probe('healthz', 'The process answers'),
  '/readyz': probe('readyz', 'The database answers and serve is not stopping', 'The database does not answer within 2 s, or serve is stopping'),
};

export function buildOpenApiDocument(routes: RouteSpec[] = ROUTES): Doc {
  const components: Record<string, unknown> = {};
  const convert = schemaConverter(components);
  convert(ErrorDetails);
  const paths: Record<string, Doc> = { ...PROBES };
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path][route.method.toLowerCase()] = operation(route, convert);
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'facetsctl serve',
      version: '1.0',
      description:
        'The control plane that `facetsctl serve` exposes: the Facets control-plane paths and bodies (facets-api/openapi.yaml) that facetsctl uses, plus additions marked x-facetsctl-extension. Every operation but /healthz and /readyz needs HTTP Basic auth: username and personal access token. Errors are {code, message, hint?}.',
    },
    security: [{ basicAuth: [] }],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
      responses: Object.fromEntries(Object.values(ERROR_RESPONSES).map(([name, description]) => [name, errorResponse(description)])),
      securitySchemes: { basicAuth: { type: 'http', scheme: 'basic', description: 'username + personal access token' } },
    },
  };
}

/** `referenceOnly`: the document of `serve --reference-only`, the Facets API's operations only. */
export const openApiYaml = (referenceOnly = false): string =>
  `# Generated from src/controlplane/http/routes: node dist/controlplane/http/main.js --openapi > openapi/facetsctl-serve.yaml\n${stringify(buildOpenApiDocument(routesFor(referenceOnly)), { lineWidth: 0 })}`;
