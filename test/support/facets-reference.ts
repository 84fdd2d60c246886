// The Facets API reference (../shared/facets-api/openapi.yaml) as a validator: which operation a request is,
// and what in a request or response breaks the reference, as openapi-backend (Ajv) reports it.
import fs from 'node:fs';
import path from 'node:path';
import addFormats from 'ajv-formats';
import { OpenAPIBackend, type Operation } from 'openapi-backend';
import { parse } from 'yaml';

const repoRoot = path.resolve(__dirname, '..', '..');
/** Where the reference is looked for: FACETS_API_SPEC, else ../shared/facets-api/openapi.yaml from the repository root. */
export const facetsApiSpecPath = process.env.FACETS_API_SPEC ?? path.resolve(repoRoot, '../shared/facets-api/openapi.yaml');
export const facetsApiSpecPresent = fs.existsSync(facetsApiSpecPath);

export interface ReferenceRequest {
  method: string;
  /** The path without its query string. */
  pathname: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body; empty when none was sent. */
  body: Buffer;
}

export interface ReferenceResponse {
  status: number;
  body: Buffer;
}

export interface FacetsReference {
  /** The reference operation of a method and path (literal segments win over variables), if any. */
  operation(method: string, pathname: string): Operation | undefined;
  /** Every operation id of the reference, for coverage. */
  operationIds(): string[];
  /** Whether some operation of the reference has this path, whatever its method. */
  hasPath(pathname: string): boolean;
  /** What in the request breaks the reference: one message each, empty when it validates. */
  checkRequest(operation: Operation, request: ReferenceRequest): string[];
  /** What in the response breaks the reference, given the request it answers. */
  checkResponse(operation: Operation, request: ReferenceRequest, response: ReferenceResponse): string[];
}

const segments = (p: string) => p.replace(/\/+$/, '').split('/').slice(1);
const isVariable = (segment: string) => /^\{[^}]+\}$/.test(segment);

/** Per segment, left to right: a literal beats a variable (OpenAPI path templating; README gap 11). */
function specificity(template: string[]): number[] {
  return template.map((segment) => (isVariable(segment) ? 1 : 0));
}

function templateMatches(template: string[], actual: string[]): boolean {
  return template.length === actual.length && template.every((segment, i) => isVariable(segment) || segment === decodeURIComponent(actual[i]));
}

function compareSpecificity(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function parseJson(body: Buffer): { value?: unknown; error?: string } {
  if (body.length === 0) return {};
  try {
    return { value: JSON.parse(body.toString('utf8')) };
  } catch (e) {
    return { error: `the body is not JSON (${(e as Error).message})` };
  }
}

/** Exploded form-style object parameters (`metadata` of pushCredentialsV3) arrive as one query key per entry: fold them back. */
function queryObject(operation: Operation, query: URLSearchParams): Record<string, unknown> {
  const params = (operation.parameters ?? []) as Array<{ in: string; name: string; style?: string; explode?: boolean; schema?: { type?: string } }>;
  const declared = new Set(params.filter((p) => p.in === 'query').map((p) => p.name));
  const formObject = params.find((p) => p.in === 'query' && p.schema?.type === 'object' && (p.style ?? 'form') === 'form' && p.explode !== false);
  const result: Record<string, unknown> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    const value = values.length === 1 ? values[0] : values;
    if (formObject && !declared.has(key)) {
      const target = (result[formObject.name] ??= {}) as Record<string, unknown>;
      target[key] = value;
    } else result[key] = value;
  }
  return result;
}

function messages(errors: Array<{ instancePath?: string; message?: string; params?: unknown }> | null | undefined, where: string): string[] {
  return (errors ?? []).map((e) => {
    const at = e.instancePath ? `${where}${e.instancePath}` : where;
    const extra = e.params && typeof e.params === 'object' ? ` ${JSON.stringify(e.params)}` : '';
    return `${at} ${e.message ?? 'is invalid'}${extra}`;
  });
}

type Schema = { properties?: Record<string, Schema>; additionalProperties?: boolean | Schema; items?: Schema; allOf?: Schema[]; oneOf?: Schema[]; anyOf?: Schema[] };

/** Fields a request sends that its schema does not name: JSON Schema lets them through, a Facets server drops them. */
function unknownFields(schema: Schema | undefined, value: unknown, where: string, found: Set<string>, depth = 0): Set<string> {
  if (!schema || value === null || typeof value !== 'object' || depth > 12) return found;
  if (Array.isArray(value)) {
    for (const item of value) unknownFields(schema.items, item, `${where}[]`, found, depth + 1);
    return found;
  }
  const parts = [schema, ...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])];
  const properties: Record<string, Schema> = Object.assign({}, ...parts.map((part) => part.properties ?? {}));
  const free = parts.find((part) => part.additionalProperties !== undefined && part.additionalProperties !== false)?.additionalProperties;
  if (!Object.keys(properties).length && (free === undefined || free === true)) return found;
  for (const [key, field] of Object.entries(value)) {
    if (Object.hasOwn(properties, key)) unknownFields(properties[key], field, `${where}/${key}`, found, depth + 1);
    else if (free) unknownFields(typeof free === 'object' ? free : undefined, field, `${where}/${key}`, found, depth + 1);
    else found.add(`${where}/${key} is not a field of the reference`);
  }
  return found;
}

function preferRepresentation(headers: ReferenceRequest['headers']): boolean {
  const prefer = headers['prefer'];
  return (Array.isArray(prefer) ? prefer.join(',') : prefer ?? '').includes('return=representation');
}

export async function loadFacetsReference(specPath = facetsApiSpecPath): Promise<FacetsReference> {
  const definition = parse(fs.readFileSync(specPath, 'utf8'));
  const api = new OpenAPIBackend({
    definition,
    strict: true,
    // The reference is checked where it is made (openapi-spec-validator); compile each operation's validators when first used.
    quick: true,
    validate: true,
    ajvOpts: { strict: false, allErrors: true },
    customizeAjv: (ajv) => {
      addFormats(ajv);
      return ajv;
    },
  });
  await api.init();
  const operations = api.router.getOperations().map((op) => ({ op, template: segments(op.path) }));

  const matching = (pathname: string) => {
    const actual = segments(pathname);
    return operations.filter(({ template }) => templateMatches(template, actual));
  };

  return {
    operation(method, pathname) {
      const candidates = matching(pathname).filter(({ op }) => op.method === method.toLowerCase());
      candidates.sort((a, b) => compareSpecificity(specificity(a.template), specificity(b.template)));
      return candidates[0]?.op;
    },
    operationIds: () => operations.map(({ op }) => op.operationId ?? `${op.method.toUpperCase()} ${op.path}`),
    hasPath: (pathname) => matching(pathname).length > 0,

    checkRequest(operation, request) {
      const problems: string[] = [];
      const body = parseJson(request.body);
      if (body.error) problems.push(`request ${body.error}`);
      if (!operation.requestBody && request.body.length > 0) problems.push('request has a body, the reference declares none');
      const result = api.validator.validateRequest(
        { method: request.method.toLowerCase(), path: request.pathname, headers: request.headers as Record<string, string>, query: queryObject(operation, request.query) as Record<string, string>, body: body.value },
        operation,
      );
      problems.push(...messages(result.errors, 'request'));
      const bodySchema = (operation.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content?.['application/json']?.schema;
      problems.push(...unknownFields(bodySchema, body.value, 'request/requestBody', new Set()));
      return problems;
    },

    checkResponse(operation, request, response) {
      const declared = (operation.responses as Record<string, { content?: Record<string, unknown> }> | undefined)?.[String(response.status)];
      // The reference omits 401 (README gap 3), which Spring Security sends for bad credentials.
      if (!declared) return response.status === 401 ? [] : [`response status ${response.status} is not declared (declared: ${Object.keys(operation.responses ?? {}).join(', ')})`];
      const body = parseJson(response.body);
      if (body.error) return [`response ${body.error}`];
      if (!declared.content) {
        if (response.body.length > 0 && !preferRepresentation(request.headers)) return [`response ${response.status} has a body, the reference declares none (and the request did not ask for one with Prefer: return=representation)`];
        return [];
      }
      if (response.body.length === 0) return [`response ${response.status} has no body, the reference declares one`];
      return messages(api.validator.validateResponse(body.value, operation, response.status).errors, 'response');
    },
  };
}
