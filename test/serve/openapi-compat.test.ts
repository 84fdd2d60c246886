// openapi/facetsctl-serve.yaml documents exactly what serve exposes, and where serve speaks a Facets path
// it uses the Facets field names, types and enums (facets-api/openapi.yaml); additions are marked.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { startServer, type RunningServer } from '../../src/controlplane/http/server';
import { buildOpenApiDocument } from '../../src/controlplane/http/openapi';
import { makeProjectDir, type ProjectDir } from '../contract/project';
import { repoRoot } from './serve-process';

type Node = Record<string, any>;
const EXT = 'x-facetsctl-extension';
const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

const committed: Node = parse(fs.readFileSync(path.join(repoRoot, 'openapi', 'facetsctl-serve.yaml'), 'utf8'));
const upstreamPath = process.env.FACETS_API_SPEC ?? path.resolve(repoRoot, '../shared/facets-api/openapi.yaml');
const upstreamPresent = fs.existsSync(upstreamPath);

function resolver(doc: Node) {
  return (schema: Node | undefined): Node | undefined => {
    let s = schema;
    for (let i = 0; s && s.$ref && i < 10; i++) s = s.$ref.split('/').slice(1).reduce((n: Node, k: string) => n[k], doc);
    return s;
  };
}

/** Properties of an object schema, merging allOf parts. */
function propertiesOf(schema: Node | undefined, resolve: (s: Node | undefined) => Node | undefined): Record<string, Node> {
  const s = resolve(schema);
  if (!s) return {};
  const own: Record<string, Node> = { ...(s.properties ?? {}) };
  for (const part of s.allOf ?? []) Object.assign(own, propertiesOf(part, resolve));
  return own;
}

function operations(doc: Node): Array<{ path: string; method: string; op: Node }> {
  return Object.entries(doc.paths as Node).flatMap(([p, item]) =>
    Object.entries(item as Node)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ path: p, method, op: op as Node })),
  );
}

const okSchema = (op: Node) => op.responses?.['200']?.content?.['application/json']?.schema;
const bodySchema = (op: Node) => op.requestBody?.content?.['application/json']?.schema;

/** Differences between our schema and upstream's for the fields both have; our additions must be marked. */
function compareSchemas(ours: Node | undefined, theirs: Node | undefined, where: string, r: { ours: ReturnType<typeof resolver>; theirs: ReturnType<typeof resolver> }, depth = 0): string[] {
  const a = r.ours(ours);
  const b = r.theirs(theirs);
  if (!a || !b || depth > 6) return [];
  const problems: string[] = [];
  const typeA = a.type ?? (a.allOf || a.properties ? 'object' : undefined);
  const typeB = b.type ?? (b.allOf || b.properties ? 'object' : undefined);
  if (typeA && typeB && typeA !== typeB) problems.push(`${where}: type ${typeA}, Facets has ${typeB}`);
  if (a.enum || b.enum) {
    const ea = JSON.stringify([...(a.enum ?? [])].sort());
    const eb = JSON.stringify([...(b.enum ?? [])].sort());
    if (ea !== eb) problems.push(`${where}: enum ${ea}, Facets has ${eb}`);
  }
  if (typeA === 'array') problems.push(...compareSchemas(a.items, b.items, `${where}[]`, r, depth + 1));
  if (typeA === 'object') {
    const pa = propertiesOf(a, r.ours);
    const pb = propertiesOf(b, r.theirs);
    for (const [name, schema] of Object.entries(pa)) {
      if (name in pb) problems.push(...compareSchemas(schema, pb[name], `${where}.${name}`, r, depth + 1));
      else if (!schema[EXT]) problems.push(`${where}.${name}: not a Facets field and not marked ${EXT}`);
    }
  }
  return problems;
}

describe('openapi/facetsctl-serve.yaml is the document of exactly what serve exposes', () => {
  let project: ProjectDir;
  let server: RunningServer;
  beforeAll(async () => {
    project = makeProjectDir('facetsctl-openapi-');
    server = await startServer({ blueprintPath: project.blueprint, dbPath: project.db, cwd: project.dir, env: {}, log: () => {} });
  });
  afterAll(async () => {
    await server.close();
    project.remove();
  });

  test('the committed document equals the one generated from the route table (regenerate with `node dist/controlplane/http/main.js --openapi`)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
  });

  test('every route registered in fastify is documented, and every documented operation is registered', () => {
    const registered = server.routes.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`).sort();
    const documented = operations(committed).map((o) => `${o.method.toUpperCase()} ${o.path}`).sort();
    expect(registered).toEqual(documented);
  });

  test('every $ref in the document resolves', () => {
    const refs = JSON.stringify(committed).match(/"\$ref":"[^"]+"/g) ?? [];
    const resolve = resolver(committed);
    for (const ref of new Set(refs)) expect(resolve({ $ref: ref.slice(8, -1) })).toBeDefined();
  });
});

if (!upstreamPresent) {
  describe('Facets compatibility (facets-api/openapi.yaml)', () => {
    test.skip(`SKIPPED: ${upstreamPath} is absent (set FACETS_API_SPEC to compare)`, () => {});
  });
  // Visible in the run's output, not only as a skipped test.
  console.warn(`openapi-compat: upstream comparison skipped, ${upstreamPath} is absent (set FACETS_API_SPEC)`);
} else {
  describe('Facets compatibility (facets-api/openapi.yaml)', () => {
    const upstream: Node = parse(fs.readFileSync(upstreamPath, 'utf8'));
    const r = { ours: resolver(committed), theirs: resolver(upstream) };
    const ours = operations(committed);
    const shared = ours.filter((o) => upstream.paths[o.path]?.[o.method]);

    test('every operation that is not a Facets operation is marked x-facetsctl-extension', () => {
      const unmarked = ours.filter((o) => !upstream.paths[o.path]?.[o.method] && !o.op[EXT]).map((o) => `${o.method.toUpperCase()} ${o.path}`);
      expect(unmarked).toEqual([]);
      expect(shared.length).toBeGreaterThan(30);
    });

    test.each(shared.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o] as const))('%s uses the Facets field names, types and enums', (_name, o) => {
      const theirs = upstream.paths[o.path][o.method] as Node;
      const problems = [
        ...compareSchemas(bodySchema(o.op), bodySchema(theirs), 'requestBody', r),
        ...(okSchema(theirs) ? compareSchemas(okSchema(o.op), okSchema(theirs), 'response 200', r) : []),
      ];
      const theirParams = new Map<string, Node>((theirs.parameters ?? []).map((p: Node) => [`${p.in}:${p.name}`, p]));
      for (const p of (o.op.parameters ?? []) as Node[]) {
        const match = theirParams.get(`${p.in}:${p.name}`);
        if (!match) {
          if (!p[EXT] && p.in !== 'path') problems.push(`parameter ${p.in}:${p.name}: not a Facets parameter and not marked ${EXT}`);
          continue;
        }
        problems.push(...compareSchemas(p.schema, match.schema, `parameter ${p.name}`, r));
      }
      for (const [key, p] of theirParams) {
        if (p.in === 'path' && !(o.op.parameters ?? []).some((q: Node) => `${q.in}:${q.name}` === key)) problems.push(`path parameter ${p.name} missing`);
      }
      expect(problems).toEqual([]);
    });
  });
}
