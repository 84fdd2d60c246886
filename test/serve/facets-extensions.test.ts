// serve's own paths (/cc-ui/v1/facetsctl/...) that save a client round trips: capabilities (the client's discovery
// request), one-step register and promote with every tag, the project's CI/CD, and one environment's override.
// A real `facetsctl serve`, over HTTP; each path with its success and its documented refusals.
import fs from 'node:fs';
import path from 'node:path';
import { ROUTES } from '../../src/controlplane/http/routes';
import { makeWorkspace, repoRoot, shopBlueprint, startServe, type ServeProcess, type Workspace } from '../cli/run-cli';
import { basic, raw } from './http';

const EXT = '/cc-ui/v1/facetsctl';
const SERVICE = `${EXT}/stacks/shop/resources/checkout`;
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const image = (tag: string, c: string) => `127.0.0.1:5999/shop/checkout:${tag}@${digest(c)}`;
const POLICY = { deniedTags: ['latest'], promotedOnly: ['production'] };
const PROJECT_CI = {
  registrationType: 'ENVIRONMENT',
  ciSystem: 'BRANCH_PER_ENVIRONMENT',
  routingRules: [{ metadataKey: 'BRANCH_NAME', operator: 'EQUALS', value: 'main', routeTo: 'dev', priority: 0 }],
  promotionHierarchies: [
    { registrationValue: 'dev', sequence: 1 },
    { registrationValue: 'staging', sequence: 2 },
    { registrationValue: 'production', sequence: 3 },
  ],
  imageVersionPolicy: POLICY,
};

let ws: Workspace;
let serve: ServeProcess;
let auth: string;

beforeAll(async () => {
  ws = makeWorkspace(
    shopBlueprint([
      { name: 'local', uri: '127.0.0.1:5999', insecure: true },
      { name: 'facets-config-auto', uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com', internal: true },
    ]),
  );
  serve = await startServe(ws);
  auth = basic('admin', serve.adminToken);
});
afterAll(async () => {
  await serve?.stop();
  ws?.remove();
});

const call = (p: string, init: { method?: string; body?: unknown } = {}) => raw(`${serve.url}${p}`, { authorization: auth, ...init });
const expectRefused = async (p: string, init: { method?: string; body?: unknown }, status: number, code: string, message: string) => {
  const r = await call(p, init);
  expect({ status: r.status, code: r.body?.code }).toEqual({ status, code });
  expect(r.body.message).toContain(message);
};

describe('every path under /cc-ui/v1/facetsctl/ is marked an extension (serve --reference-only leaves them out)', () => {
  test('the route table marks each one extension: true, and no reference path', () => {
    const unmarked = ROUTES.filter((r) => r.path.startsWith(`${EXT}/`) !== Boolean(r.extension)).map((r) => `${r.method} ${r.path}`);
    expect(unmarked).toEqual([]);
  });
});

describe('GET /cc-ui/v1/facetsctl/capabilities says what this control plane offers', () => {
  test("facetsctl's name, its package version and the extensions version, to an authenticated caller", async () => {
    const version = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version as string;
    const r = await call(`${EXT}/capabilities`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ name: 'facetsctl', version, extensions: 1 });
    // Authenticated like every other path: without credentials, 401.
    expect((await raw(`${serve.url}${EXT}/capabilities`)).status).toBe(401);
  });
});

describe("GET|POST|DELETE /cc-ui/v1/facetsctl/stacks/{stackName}/ci-cd: the project's CI/CD with everything serve has", () => {
  const CI_CD = `${EXT}/stacks/shop/ci-cd`;

  test('before anything is configured: mode NONE', async () => {
    const r = await call(CI_CD);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ stackName: 'shop', mode: 'NONE', routingRules: [], promotionHierarchies: [], revision: 0 });
  });

  test('a save answers the configuration, image version policy included; a partial save keeps the rest', async () => {
    const saved = await call(CI_CD, { method: 'POST', body: PROJECT_CI });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual(expect.objectContaining({ stackName: 'shop', mode: 'CUSTOM', registrationType: 'ENVIRONMENT', imageVersionPolicy: POLICY }));
    const partial = await call(CI_CD, { method: 'POST', body: { imageVersionPolicy: { deniedTags: ['latest', 'dev'] } } });
    expect(partial.body.imageVersionPolicy).toEqual({ deniedTags: ['latest', 'dev'] });
    expect(partial.body.promotionHierarchies).toEqual(PROJECT_CI.promotionHierarchies);
    expect((await call(CI_CD)).body).toEqual(partial.body);
  });

  test('a registration type change without a reset is 409; a stackName other than the path is 400; a misspelt field is 400', async () => {
    await expectRefused(CI_CD, { method: 'POST', body: { registrationType: 'RELEASE_STREAM' } }, 409, 'CONFLICT', 'registration type');
    await expectRefused(CI_CD, { method: 'POST', body: { stackName: 'other' } }, 400, 'USAGE', 'field "stackName" (other) differs from the project of the path (shop)');
    await expectRefused(CI_CD, { method: 'POST', body: { imageVersionPolicy: { deniedTag: ['x'] } } }, 400, 'BAD_REQUEST', 'deniedTag');
  });

  test('a reset says what it deleted, with the configuration it had; then mode NONE again', async () => {
    const r = await call(CI_CD, { method: 'DELETE' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ deletedRoutingRules: 1, deletedPromotionWorkflow: true, previous: expect.objectContaining({ registrationType: 'ENVIRONMENT' }) });
    expect((await call(CI_CD)).body.mode).toBe('NONE');
  });

  test('an unknown project is 404', async () => {
    await expectRefused(`${EXT}/stacks/nowhere/ci-cd`, {}, 404, 'NOT_FOUND', 'project "nowhere" does not exist');
  });
});

describe('POST RESOURCE/register registers in one step and answers every tag of the artifact', () => {
  beforeAll(async () => {
    expect((await call(`${EXT}/stacks/shop/ci-cd`, { method: 'POST', body: PROJECT_CI })).status).toBe(200);
  });
  const register = (body: Record<string, unknown>) => call(`${SERVICE}/register`, { method: 'POST', body });

  test('to an environment: created, routed there, with its tag', async () => {
    const r = await register({ artifactUri: image('1.0.0', 'a'), target: { kind: 'environment', value: 'staging' }, description: 'first build', externalId: 'run-1' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(
      expect.objectContaining({ created: true, routedTo: 'staging', tag: '1.0.0', tags: ['1.0.0'], artifactType: 'docker_image', buildDescription: 'first build', externalId: 'run-1', artifactory: 'local' }),
    );
  });

  test('the same image under another tag: not created again, and tags lists both', async () => {
    const r = await register({ artifactUri: image('1.1.0', 'a'), target: { kind: 'environment', value: 'staging' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(expect.objectContaining({ created: false, tag: '1.1.0', tags: ['1.0.0', '1.1.0'], artifactUri: image('1.1.0', 'a') }));
  });

  test('by metadata: the routing rules pick the target and the answer names the rule', async () => {
    const r = await register({ artifactUri: image('2.0.0', 'b'), target: { kind: 'metadata' }, metadata: { BRANCH_NAME: 'main' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(expect.objectContaining({ created: true, routedTo: 'dev', rule: expect.objectContaining({ metadataKey: 'BRANCH_NAME', value: 'main' }), tags: ['2.0.0'] }));
  });

  test('without artifactType, an https URL is a freestyle artifact', async () => {
    const r = await register({ artifactUri: 'https://artifacts.example.com/checkout/2.0.0.zip', target: { kind: 'environment', value: 'dev' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(expect.objectContaining({ artifactType: 'freestyle', artifactUri: 'https://artifacts.example.com/checkout/2.0.0.zip', tags: [] }));
  });

  test.each([
    ['an environment target without a value', { target: { kind: 'environment' } }, 400, 'USAGE', 'field "target.value" is required for kind environment'],
    ['a metadata target with a value', { target: { kind: 'metadata', value: 'dev' } }, 400, 'USAGE', 'field "target.value" is only for kind environment or releaseStream'],
    ['a field the path does not have', { target: { kind: 'environment', value: 'dev' }, buildDescription: 'x' }, 400, 'BAD_REQUEST', 'field "buildDescription" is not allowed'],
    ['an unknown environment', { target: { kind: 'environment', value: 'qa' } }, 404, 'NOT_FOUND', 'environment "qa" does not exist in project shop'],
    ['a URL a cluster cannot fetch from, without artifactType', { artifactUri: 'file:///etc/passwd', target: { kind: 'environment', value: 'dev' } }, 400, 'USAGE', 'has scheme "file", which a cluster cannot fetch from'],
    ['a tag the policy denies', { artifactUri: image('latest', 'c'), target: { kind: 'environment', value: 'dev' } }, 422, 'POLICY', 'latest'],
    ['no rule matches and requireRoute', { target: { kind: 'metadata' }, metadata: { BRANCH_NAME: 'feature/x' }, requireRoute: true }, 422, 'POLICY', 'feature/x'],
  ])('%s is refused', async (_name, body, status, code, message) => {
    await expectRefused(`${SERVICE}/register`, { method: 'POST', body: { artifactUri: image('3.0.0', 'd'), ...body } }, status, code, message);
  });

  test('an unknown service is 404', async () => {
    await expectRefused(`${EXT}/stacks/shop/resources/nothing/register`, { method: 'POST', body: { artifactUri: image('3.0.0', 'd'), target: { kind: 'metadata' } } }, 404, 'NOT_FOUND', 'service "nothing" does not exist');
  });
});

describe('POST RESOURCE/promote promotes in one step and answers every tag of the artifact', () => {
  const promote = (body: Record<string, unknown>) => call(`${SERVICE}/promote`, { method: 'POST', body });

  test('from a registration value: its newest artifact goes to the next level', async () => {
    const r = await promote({ from: 'staging' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(expect.objectContaining({ created: true, promoted: true, routedTo: 'production', tags: ['1.0.0', '1.1.0'] }));
  });

  test('an artifact by id, to a level named with to', async () => {
    const dev = (await call(`${SERVICE}/artifacts?registrationValue=dev`)).body.find((a: { artifactType: string }) => a.artifactType === 'docker_image');
    const r = await promote({ artifactId: dev.id, to: 'staging' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(expect.objectContaining({ routedTo: 'staging', promotedFrom: dev.id, tags: ['2.0.0'] }));
  });

  test.each([
    ['neither artifactId nor from', {}, 400, 'USAGE', 'promote needs the registration value to promote from, or an artifact id'],
    ['an unknown artifact', { artifactId: 'art_nothing' }, 404, 'NOT_FOUND', 'artifact art_nothing does not exist for service checkout'],
    ['the top of the hierarchy', { from: 'production' }, 400, 'USAGE', 'is the top of the promotion hierarchy'],
    ['a field the path does not have', { from: 'dev', ciName: 'x' }, 400, 'BAD_REQUEST', 'field "ciName" is not allowed'],
  ])('%s is refused', async (_name, body, status, code, message) => {
    await expectRefused(`${SERVICE}/promote`, { method: 'POST', body }, status, code, message);
  });
});

describe("GET|POST|DELETE RESOURCE/environments/{environment}/override: one environment's manual attach", () => {
  const OVERRIDE = `${SERVICE}/environments/production/override`;
  const attach = (body: Record<string, unknown>) => call(OVERRIDE, { method: 'POST', body });

  test('with no override: 204 and no body', async () => {
    const r = await fetch(`${serve.url}${OVERRIDE}`, { headers: { authorization: auth } });
    expect(r.status).toBe(204);
    expect(await r.text()).toBe('');
  });

  test('attach: the override with revision 1, its labels, in that environment only', async () => {
    const r = await attach({ artifactUri: image('1.0.0', 'a'), artifactType: 'docker_image', changeLog: 'hotfix' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(
      expect.objectContaining({
        stackName: 'shop',
        clusterName: 'production',
        resourceName: 'checkout',
        revision: 1,
        changeLog: 'hotfix',
        overrides: { spec: { release: { image: image('1.0.0', 'a') } }, metadata: { labels: { artifactType: 'docker_image', registry: 'local', repository: 'shop/checkout', tag: '1.0.0' } } },
      }),
    );
    expect((await call(`${SERVICE}/environments/staging/override`)).status).toBe(204);
  });

  test('the same image and labels again change nothing (same revision); another image is revision 2', async () => {
    expect((await attach({ artifactUri: image('1.0.0', 'a'), artifactType: 'docker_image' })).body.revision).toBe(1);
    expect((await attach({ artifactUri: image('1.1.0', 'a'), artifactType: 'docker_image' })).body.revision).toBe(2);
    expect((await call(OVERRIDE)).body.overrides.spec.release.image).toBe(image('1.1.0', 'a'));
  });

  test('detach answers the override it removed, with the detach revision; then there is none', async () => {
    const r = await call(OVERRIDE, { method: 'DELETE' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(expect.objectContaining({ revision: 3, overrides: expect.objectContaining({ spec: { release: { image: image('1.1.0', 'a') } } }) }));
    expect((await call(OVERRIDE)).status).toBe(204);
  });

  test.each([
    ['detach with nothing attached', 'DELETE', undefined, 404, 'NOT_FOUND', 'service checkout has no image attached in environment production'],
    ['attach without artifactType', 'POST', { artifactUri: image('1.0.0', 'a') }, 400, 'BAD_REQUEST', 'field "artifactType" is required'],
    ['attach of an internal registry', 'POST', { artifactUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/checkout:1', artifactType: 'docker_image' }, 400, 'USAGE', 'is internal'],
    ['attach of a bad freestyle URL', 'POST', { artifactUri: 'file:///etc/passwd', artifactType: 'freestyle' }, 400, 'USAGE', 'has scheme "file"'],
  ])('%s is refused', async (_name, method, body, status, code, message) => {
    await expectRefused(OVERRIDE, { method, body }, status, code, message);
  });

  test('an unknown environment is 404', async () => {
    await expectRefused(`${SERVICE}/environments/qa/override`, {}, 404, 'NOT_FOUND', 'environment "qa" does not exist in project shop');
  });
});
