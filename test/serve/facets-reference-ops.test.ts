// The Facets operations serve gained for a client that speaks only the reference: resources-info, CI-name usage,
// createArtifactCI (a client-generated ciName bound to exactly one service), attach/detach of rules and workflow, and
// promotion by path. A real `facetsctl serve`, reached through the validating proxy with the extensions hidden.
import { ciNamePrefix, generateCiName } from '../../src/core/ci-name';
import { startFacetsProxy, type FacetsProxy } from '../support/facets-proxy';
import { facetsApiSpecPath, facetsApiSpecPresent, loadFacetsReference } from '../support/facets-reference';
import { makeWorkspace, shopBlueprint, startServe, type ServeProcess, type Workspace } from '../cli/run-cli';
import { basic, raw, type RawResponse } from './http';
import { spawnServe } from './serve-process';

const PROJECT = 'Cafe_Shop';
const LONG = 'Inventory_Reconciliation_Worker_For_Every_Warehouse_Region_X1';
const SERVICES = ['Payment_Service', 'api', 'api-v2', LONG, 'Twin.Name', 'twin_name', 'checkout', 'racer', 'sprinter', 'newcomer'];
/** The README's layout under a name that folds, with services whose names fold, overlap, collide or need shortening. */
const BLUEPRINT = shopBlueprint([{ name: 'local', uri: '127.0.0.1:5999', insecure: true }])
  .replace('project: shop', `project: ${PROJECT}`)
  .replace('  - {name: checkout, type: service}\n  - {name: cart}\n', [...SERVICES.map((name) => `  - {name: ${name}}`), '  - {name: legacy, type: worker}', ''].join('\n'));
const V1 = '/cc-ui/v1';
const SUFFIX = 'k3j9x2ab';
const DIGEST = `sha256:${'a'.repeat(64)}`;
/**
 * The reference's 400 is oneOf ErrorDetails | GithubAppPermissionsPendingErrorDetails, two open schemas that every error body
 * matches both of (../shared/facets-api/README.md gap 3): no 400 body can pass it, so that one message is not counted.
 */
const REFERENCE_BAD_REQUEST_AMBIGUITY = 'response must match exactly one schema in oneOf {"passingSchemas":[0,1]}';

if (!facetsApiSpecPresent) {
  test.skip(`SKIPPED: ${facetsApiSpecPath} is absent (set FACETS_API_SPEC to run the Facets reference-operation tests)`, () => {});
} else {
  let ws: Workspace;
  let serve: ServeProcess;
  let proxy: FacetsProxy;
  let auth: string;

  beforeAll(async () => {
    ws = makeWorkspace(BLUEPRINT);
    serve = await startServe(ws);
    auth = basic('admin', serve.adminToken);
    proxy = await startFacetsProxy({ target: { host: '127.0.0.1', port: serve.port }, reference: await loadFacetsReference(), mode: 'reference-only' });
  });
  afterAll(async () => {
    await proxy?.close();
    await serve?.stop();
    ws?.remove();
  });

  let seen = 0;
  /** Every call through the proxy, answers and refusals alike, validates against the reference. */
  afterEach(() => {
    const fresh = proxy.violations.slice(seen).filter((v) => v.message !== REFERENCE_BAD_REQUEST_AMBIGUITY);
    seen = proxy.violations.length;
    expect(fresh).toEqual([]);
  });

  const call = (p: string, init: { method?: string; body?: unknown } = {}) => raw(`${proxy.url}${V1}${p}`, { authorization: auth, ...init });
  /** Set-up and look-ups on serve's other paths, straight to serve: the proxy records only the operations under test. */
  const direct = (p: string, init: { method?: string; body?: unknown } = {}) => raw(`${serve.url}${V1}${p}`, { authorization: auth, ...init });
  const createCi = (ciName: string, extra: Record<string, unknown> = {}) =>
    call('/artifacts-ci', { method: 'POST', body: { ciName, registrationType: 'ENVIRONMENT', stackName: PROJECT, ...extra } });
  const prefix = (resource: string) => ciNamePrefix(PROJECT, resource);
  const expectRefused = (r: RawResponse, status: number, code: string, message: string | RegExp) => {
    expect(r.status).toBe(status);
    expect(r.body).toEqual(expect.objectContaining({ code, message: typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message) }));
  };

  describe('POST /artifacts-ci binds a generated ciName to the one resource whose prefix it carries', () => {
    test('names that fold (upper case, underscores) bind to their resource, and the answer is an ArtifactCI with registrationType', async () => {
      const ciName = `cafe-shop-payment-service-${SUFFIX}`;
      expect(prefix('Payment_Service')).toBe('cafe-shop-payment-service-');
      const r = await createCi(ciName);
      expect(r.status).toBe(200);
      expect(r.body).toEqual(
        expect.objectContaining({ ciName, stackName: PROJECT, resourceName: 'Payment_Service', resourceType: 'service', registrationType: 'ENVIRONMENT', integrationType: 'EXTERNAL' }),
      );
      expect(r.body.artifactTemplate).toBe(`\${blueprint.self.artifacts.${ciName}}`);
      const byName = await direct(`/artifacts-ci/name/${ciName}`);
      expect(byName.body).toEqual(expect.objectContaining({ id: r.body.id, ciName, resourceName: 'Payment_Service' }));
    });

    test('a long resource name binds under the prefix generateCiName shortens it to, not under its whole folded name', async () => {
      const shortened = prefix(LONG);
      expect(shortened).toBe('cafe-shop-inventory-reconciliation-worker-for-every-wa-');
      const whole = `cafe-shop-${LONG.toLowerCase().replace(/_/g, '-')}-${SUFFIX}`;
      expectRefused(await createCi(whole), 400, 'USAGE', 'does not fit any resource');
      const r = await createCi(generateCiName(PROJECT, LONG));
      expect(r.status).toBe(200);
      expect(r.body.resourceName).toBe(LONG);
      expect(r.body.ciName.length).toBeLessThanOrEqual(63);
    });

    test('of two resources whose prefixes overlap (api, api-v2), the exact suffix decides which one a name fits', async () => {
      const v2 = await createCi(`cafe-shop-api-v2-${SUFFIX}`);
      expect(v2.status).toBe(200);
      expect(v2.body.resourceName).toBe('api-v2');
      // "v2abcdef" is 8 characters of [a-z0-9]: a name of api, not of api-v2.
      const api = await createCi('cafe-shop-api-v2abcdef');
      expect(api.status).toBe(200);
      expect(api.body.resourceName).toBe('api');
    });

    test.each([
      ['7 suffix characters', `cafe-shop-checkout-${SUFFIX.slice(0, 7)}`],
      ['9 suffix characters', `cafe-shop-checkout-${SUFFIX}x`],
      ['an upper-case suffix', `cafe-shop-checkout-${SUFFIX.toUpperCase()}`],
      ['the project part not folded', `Cafe_Shop-checkout-${SUFFIX}`],
      ['another project', `shop-checkout-${SUFFIX}`],
      ['no resource part', `cafe-shop-${SUFFIX}`],
    ])('%s is refused with 400 saying the pattern', async (_name, ciName) => {
      const r = await createCi(ciName);
      expectRefused(r, 400, 'USAGE', `CI name "${ciName}" does not fit any resource of project ${PROJECT}: it must be <project>-<resource>- as generated (`);
      expect(r.body.message).toContain('cafe-shop-checkout-');
      expect(r.body.message).toContain('followed by exactly 8 characters [a-z0-9]');
    });

    test('two resources whose names fold to the same prefix (Twin.Name, twin_name): 409 naming both while neither has a CI name, then the one without', async () => {
      const ciName = `cafe-shop-twin-name-${SUFFIX}`;
      expectRefused(await createCi(ciName), 409, 'CONFLICT', 'fits more than one resource of project Cafe_Shop: Twin.Name, twin_name');
      const first = await direct(`/facetsctl/stacks/${PROJECT}/resources/Twin.Name/ci-integration`, { method: 'POST' });
      expect(first.body.ciName.startsWith('cafe-shop-twin-name-')).toBe(true);
      const r = await createCi(ciName);
      expect(r.status).toBe(200);
      expect(r.body.resourceName).toBe('twin_name');
      expect((await createCi(first.body.ciName)).body.resourceName).toBe('Twin.Name');
    });

    test('the same ciName again is idempotent: 200 with the same integration', async () => {
      const ciName = `cafe-shop-checkout-${SUFFIX}`;
      const first = await createCi(ciName);
      const again = await createCi(ciName);
      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
    });

    test('a service that already has another ciName: 409 naming it', async () => {
      const r = await createCi('cafe-shop-checkout-zzzzzzzz');
      expectRefused(r, 409, 'CONFLICT', `service checkout of project ${PROJECT} already has the CI name "cafe-shop-checkout-${SUFFIX}"`);
    });

    test('concurrent creates of two names for one service: exactly one wins, the other gets 409; the winner is what the service keeps', async () => {
      const names = Array.from({ length: 6 }, (_, i) => `cafe-shop-racer-${String(i).repeat(8)}`);
      const answers = await Promise.all(names.map((n) => createCi(n)));
      const won = answers.filter((a) => a.status === 200);
      expect(won).toHaveLength(1);
      expect(answers.filter((a) => a.status === 409)).toHaveLength(names.length - 1);
      for (const lost of answers.filter((a) => a.status === 409)) expect(lost.body.message).toContain(`already has the CI name "${won[0].body.ciName}"`);
      const bound = await direct(`/artifacts-ci/blueprint/${PROJECT}`);
      expect(bound.body.filter((i: { resourceName: string }) => i.resourceName === 'racer').map((i: { ciName: string }) => i.ciName)).toEqual([won[0].body.ciName]);
    });

    test('concurrent creates of the same name: every one gets 200 with the same integration', async () => {
      const answers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => createCi(`cafe-shop-sprinter-${SUFFIX}`)));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    });

    test.each([
      ['registrationType HYBRID, which serve does not have', { registrationType: 'HYBRID' }, 'registrationType HYBRID is not supported'],
      ['an unknown project', { stackName: 'nowhere' }, 'project "nowhere" does not exist'],
    ])('%s is refused', async (_name, extra, message) => {
      const r = await createCi(`cafe-shop-checkout-${SUFFIX}`, extra);
      expect([400, 404]).toContain(r.status);
      expect(r.body.message).toContain(message);
    });
  });

  describe('a ciName already bound to another service is taken', () => {
    test('the same database served as project cafe.shop (same fold as Cafe_Shop): checkout\'s name is 409 naming the service that has it', async () => {
      const renamed = ws.write('renamed/facets.yaml', BLUEPRINT.replace(`project: ${PROJECT}`, 'project: cafe.shop'));
      const second = await spawnServe({ blueprint: renamed, db: `${ws.dir}/.facets/state.db` });
      const other = await startFacetsProxy({ target: { host: '127.0.0.1', port: Number(new URL(second.url).port) }, reference: await loadFacetsReference(), mode: 'reference-only' });
      try {
        const body = { ciName: `cafe-shop-checkout-${SUFFIX}`, registrationType: 'ENVIRONMENT', stackName: 'cafe.shop' };
        const r = await raw(`${other.url}${V1}/artifacts-ci`, { method: 'POST', authorization: auth, body });
        expectRefused(r, 409, 'CONFLICT', `CI name "cafe-shop-checkout-${SUFFIX}" is already bound to service checkout of project ${PROJECT}`);
        const fresh = await raw(`${other.url}${V1}/artifacts-ci`, { method: 'POST', authorization: auth, body: { ...body, ciName: 'cafe-shop-checkout-22222222' } });
        expect(fresh.status).toBe(200);
        expect(fresh.body).toEqual(expect.objectContaining({ stackName: 'cafe.shop', resourceName: 'checkout' }));
        expect(other.violations).toEqual([]);
      } finally {
        await other.close();
        await second.stop();
      }
    });
  });

  describe('GET /dropdown/stack/{stackName}/resources-info lists the blueprint files of the project', () => {
    test('each resource once, with [ciName] when it has a CI integration and [] otherwise', async () => {
      const r = await call(`/dropdown/stack/${PROJECT}/resources-info`);
      expect(r.status).toBe(200);
      const byName = new Map<string, { ciNames: string[]; resourceType: string; stackName: string; content?: string }>(r.body.map((f: { resourceName: string }) => [f.resourceName, f]));
      expect([...byName.keys()]).toEqual([...SERVICES, 'legacy']);
      expect(byName.get('checkout')).toEqual({ resourceName: 'checkout', resourceType: 'service', stackName: PROJECT, ciNames: [`cafe-shop-checkout-${SUFFIX}`] });
      expect(byName.get('newcomer')!.ciNames).toEqual([]);
      expect(byName.get('legacy')!.resourceType).toBe('worker');
      expect(byName.get('checkout')!.content).toBeUndefined();
    });

    test("includeContent=true adds each resource's JSON, its image the artifact template when the integration exists", async () => {
      const r = await call(`/dropdown/stack/${PROJECT}/resources-info?includeContent=true&branch=main&excludeAddOns=true`);
      expect(r.status).toBe(200);
      const content = (name: string) => JSON.parse(r.body.find((f: { resourceName: string }) => f.resourceName === name).content);
      expect(content('checkout')).toEqual({ kind: 'service', metadata: { name: 'checkout' }, spec: { release: { image: `\${blueprint.self.artifacts.cafe-shop-checkout-${SUFFIX}}` } } });
      expect(content('legacy')).toEqual({ kind: 'worker', metadata: { name: 'legacy' }, spec: {} });
    });

    test('an unknown project is 404; includeContent that is not a boolean is 400', async () => {
      expectRefused(await call('/dropdown/stack/nowhere/resources-info'), 404, 'NOT_FOUND', 'project "nowhere" does not exist');
      const bad = await fetch(`${serve.url}${V1}/dropdown/stack/${PROJECT}/resources-info?includeContent=yes`, { headers: { authorization: auth } });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { message: string }).message).toBe('query parameter includeContent must be true or false (got "yes")');
    });
  });

  describe('GET /ci-cd/ci-name/{ciName}/resources says where a CI name is used', () => {
    test('the resource of the ciName, with every environment of its project', async () => {
      const r = await call(`/ci-cd/ci-name/cafe-shop-checkout-${SUFFIX}/resources`);
      expect(r.status).toBe(200);
      expect(r.body).toEqual([{ stackName: PROJECT, resourceType: 'service', resourceName: 'checkout', environments: ['dev', 'staging', 'production'] }]);
    });

    test('an unknown ciName is 404', async () => {
      expectRefused(await call('/ci-cd/ci-name/cafe-shop-nothing-00000000/resources'), 404, 'NOT_FOUND', 'no CI integration is named "cafe-shop-nothing-00000000"');
    });
  });

  describe('PUT /ci-cd/attach and /ci-cd/detach switch a CI between the project rules and manual attach', () => {
    const strategy = (verb: 'attach' | 'detach', body: Record<string, unknown>, prefer = 'return=representation') =>
      fetch(`${proxy.url}${V1}/ci-cd/${verb}`, { method: 'PUT', headers: { authorization: auth, 'content-type': 'application/json', prefer }, body: JSON.stringify(body) });
    const ciName = `cafe-shop-checkout-${SUFFIX}`;

    test('detach: the CI has no rules or workflow (MANUAL); with Prefer: return=representation the ArtifactCI comes back', async () => {
      const r = await strategy('detach', { blueprintName: PROJECT, ciName, registrationType: 'ENVIRONMENT' });
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual(expect.objectContaining({ ciName, imageStrategy: 'MANUAL', registrationType: 'ENVIRONMENT' }));
    });

    test('attach: the CI follows the project rules and workflow again (PROJECT_CI); without asking, the answer has no body', async () => {
      const r = await strategy('attach', { blueprintName: PROJECT, ciName, registrationType: 'ENVIRONMENT' }, 'return=minimal');
      expect(r.status).toBe(200);
      expect(await r.text()).toBe('');
      expect((await direct(`/artifacts-ci/name/${ciName}`)).body.imageStrategy).toBe('PROJECT_CI');
    });

    test('attach binds an unknown ciName first (Facets: the CI "will be created"), by the same rules; detach of an unknown one is 404', async () => {
      const bound = await strategy('attach', { blueprintName: PROJECT, ciName: 'cafe-shop-newcomer-00000000', registrationType: 'ENVIRONMENT' });
      expect(bound.status).toBe(200);
      expect(await bound.json()).toEqual(expect.objectContaining({ ciName: 'cafe-shop-newcomer-00000000', resourceName: 'newcomer', imageStrategy: 'PROJECT_CI' }));
      const another = await strategy('attach', { blueprintName: PROJECT, ciName: 'cafe-shop-newcomer-11111111', registrationType: 'ENVIRONMENT' });
      expect(another.status).toBe(409);
      expect(((await another.json()) as { message: string }).message).toContain('service newcomer of project Cafe_Shop already has the CI name "cafe-shop-newcomer-00000000"');
      const unknown = await strategy('detach', { blueprintName: PROJECT, ciName: 'cafe-shop-api-00000000', registrationType: 'ENVIRONMENT' });
      expect(unknown.status).toBe(404);
    });

    test('a CI of another project, or a registrationType serve does not have, is 400', async () => {
      const other = await strategy('detach', { blueprintName: 'shop', ciName, registrationType: 'ENVIRONMENT' });
      expect(other.status).toBe(400);
      expect(((await other.json()) as { message: string }).message).toBe(`CI name "${ciName}" belongs to project ${PROJECT}, not shop`);
      const hybrid = await strategy('attach', { blueprintName: PROJECT, ciName, registrationType: 'HYBRID' });
      expect(hybrid.status).toBe(400);
    });
  });

  describe('POST /artifacts/{ciId}/promote/{artifactId} promotes to the next level of the hierarchy', () => {
    const ciName = `cafe-shop-checkout-${SUFFIX}`;
    let ciId: string;
    let artifactId: string;

    beforeAll(async () => {
      const configured = await direct('/ci-cd', {
        method: 'POST',
        body: { stackName: PROJECT, registrationType: 'ENVIRONMENT', ciSystem: 'BRANCH_PER_ENVIRONMENT', routingRules: [], promotionHierarchies: ['dev', 'staging', 'production'].map((v, i) => ({ registrationValue: v, sequence: i + 1 })) },
      });
      expect(configured.status).toBe(200);
      ciId = (await direct(`/artifacts-ci/name/${ciName}`)).body.id;
      const registered = await direct('/artifacts/register-by-env', {
        method: 'POST',
        body: { applicationName: 'checkout', stackName: PROJECT, clusterName: 'dev', artifactUri: `127.0.0.1:5999/shop/checkout:1.0.0@${DIGEST}` },
      });
      expect(registered.status).toBe(200);
      const listed = await direct(`/artifacts-ci/${ciName}/artifacts`);
      artifactId = listed.body[0].artifactId;
    });

    test('by integration id: the artifact lands on the next level, answered as an Artifact', async () => {
      const r = await call(`/artifacts/${ciId}/promote/${artifactId}`, { method: 'POST' });
      expect(r.status).toBe(200);
      expect(r.body).toEqual(expect.objectContaining({ registrationValue: 'staging', promoted: true, promotedFrom: artifactId, artifactUri: `127.0.0.1:5999/shop/checkout:1.0.0@${DIGEST}` }));
    });

    test('by ciName: the promoted artifact goes on (staging to production)', async () => {
      const staging = (await direct(`/artifacts-ci/${ciName}/artifacts`)).body.find((a: { registrationValue: string }) => a.registrationValue === 'staging');
      const r = await call(`/artifacts/${ciName}/promote/${staging.artifactId}`, { method: 'POST' });
      expect(r.status).toBe(200);
      expect(r.body.registrationValue).toBe('production');
    });

    test('an unknown CI, an artifact of another CI, or the top of the hierarchy is refused', async () => {
      expectRefused(await call(`/artifacts/nothing/promote/${artifactId}`, { method: 'POST' }), 404, 'NOT_FOUND', 'no CI integration is named "nothing"');
      const other = (await direct(`/artifacts-ci/name/cafe-shop-api-v2-${SUFFIX}`)).body.id;
      expectRefused(await call(`/artifacts/${other}/promote/${artifactId}`, { method: 'POST' }), 404, 'NOT_FOUND', `artifact ${artifactId} does not exist for service api-v2`);
      const production = (await direct(`/artifacts-ci/${ciName}/artifacts`)).body.find((a: { registrationValue: string }) => a.registrationValue === 'production');
      expectRefused(await call(`/artifacts/${ciId}/promote/${production.artifactId}`, { method: 'POST' }), 400, 'USAGE', 'is the top of the promotion hierarchy');
    });
  });
}
