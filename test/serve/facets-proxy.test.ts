// The validating Facets proxy itself, in front of a real spawned serve: what it lets through, what it records.
import { startFacetsProxy, type FacetsProxy } from '../support/facets-proxy';
import { facetsApiSpecPath, facetsApiSpecPresent, loadFacetsReference, type FacetsReference } from '../support/facets-reference';
import { makeProjectDir, pinned, REGISTRY_CREDENTIALS_ENV, type ProjectDir } from '../contract/project';
import { basic, raw } from './http';
import { spawnServe, type ServeProcess } from './serve-process';

if (!facetsApiSpecPresent) {
  test.skip(`SKIPPED: ${facetsApiSpecPath} is absent (set FACETS_API_SPEC to run the Facets proxy tests)`, () => {});
} else {
  let project: ProjectDir;
  let serve: ServeProcess;
  let reference: FacetsReference;
  let proxy: FacetsProxy;
  let auth: string;
  const V1 = '/cc-ui/v1';

  beforeAll(async () => {
    project = makeProjectDir('facetsctl-facets-proxy-');
    serve = await spawnServe({ blueprint: project.blueprint, db: project.db, env: REGISTRY_CREDENTIALS_ENV });
    auth = basic('admin', serve.adminToken!);
    reference = await loadFacetsReference();
  });
  afterAll(async () => {
    await serve?.stop();
    project?.remove();
  });
  afterEach(async () => proxy?.close());

  const start = async (mode: 'extensions' | 'reference-only') => {
    const { hostname, port } = new URL(serve.url);
    proxy = await startFacetsProxy({ target: { host: hostname, port: Number(port) }, reference, mode });
    return proxy;
  };
  const call = (p: string, init: { method?: string; body?: unknown } = {}) => raw(`${proxy.url}${p}`, { authorization: auth, ...init });

  describe('a call on spec passes through with no violation, and its operation is recorded', () => {
    test('GET /cc-ui/v1/artifactories/stack/{stackName}', async () => {
      await start('reference-only');
      const r = await call(`${V1}/artifactories/stack/shop`);
      expect(r.status).toBe(200);
      expect(Array.isArray(r.body)).toBe(true);
      expect(proxy.violations).toEqual([]);
      expect(proxy.calls).toEqual([{ method: 'GET', path: `${V1}/artifactories/stack/shop`, kind: 'reference', operationId: expect.any(String), status: 200 }]);
      expect(proxy.operationsCalled()).toEqual([proxy.calls[0].operationId]);
    });
  });

  describe('an invalid request is recorded, with its method, path, operation and the validator message', () => {
    test('a missing required query parameter: promote without ciName and artifactId', async () => {
      await start('extensions');
      await call(`${V1}/artifacts/promote`, { method: 'POST', body: { from: 'dev', to: 'staging' } });
      const requests = proxy.violations.filter((v) => v.in === 'request');
      const at = { method: 'POST', path: `${V1}/artifacts/promote`, operationId: 'promoteArtifactByArtifactCiName', in: 'request' };
      expect(requests).toEqual([
        { ...at, message: 'request has a body, the reference declares none' },
        { ...at, message: expect.stringContaining("request/query must have required property 'ciName'") },
        { ...at, message: expect.stringContaining("request/query must have required property 'artifactId'") },
      ]);
    });

    test('an unknown query parameter: stackName on /artifactories/name/{name}/repos', async () => {
      await start('extensions');
      await call(`${V1}/artifactories/name/local/repos?stackName=shop`);
      const requests = proxy.violations.filter((v) => v.in === 'request');
      expect(requests).toEqual([expect.objectContaining({ in: 'request', message: expect.stringMatching(/must NOT have additional properties.*stackName/) })]);
    });

    test('a field the reference does not name: registerV2 with buildDescription (ArtifactRequest calls it description)', async () => {
      await start('extensions');
      await call(`${V1}/artifacts/registerV2`, { method: 'POST', body: { applicationName: 'shop-checkout-x', artifactUri: '127.0.0.1:5999/shop/checkout:1', buildDescription: 'b', metadata: { BRANCH_NAME: 'main' } } });
      expect(proxy.violations.filter((v) => v.in === 'request')).toEqual([
        expect.objectContaining({ operationId: 'registerArtifactV2', message: 'request/requestBody/buildDescription is not a field of the reference' }),
      ]);
    });

    test('a path that is neither in the reference nor an extension', async () => {
      await start('extensions');
      await call(`${V1}/nothing-here`);
      expect(proxy.violations).toEqual([expect.objectContaining({ operationId: null, in: 'request', message: 'the path is neither in the reference nor an extension' })]);
    });

    test('an exploded form-style object parameter (metadata of pushCredentialsV3) is one query key per entry, not a violation', async () => {
      await start('extensions');
      await call(`${V1}/artifacts/pushCredentialsV3/artifactName/shop-checkout?BRANCH_NAME=main&COMMIT_SHA=3f2a9c1`, { method: 'POST' });
      expect(proxy.violations.filter((v) => v.in === 'request')).toEqual([]);
    });
  });

  describe('an invalid response on a reference path is recorded', () => {
    test('a status the reference does not declare: 422 for a registration no routing rule takes (requireRoute)', async () => {
      await start('extensions');
      const config = { stackName: 'shop', registrationType: 'ENVIRONMENT', routingRules: [{ metadataKey: 'BRANCH_NAME', operator: 'EQUALS', value: 'main', routeTo: 'dev' }], promotionHierarchies: [] };
      expect((await call(`${V1}/ci-cd`, { method: 'POST', body: config })).status).toBe(200);
      const body = { applicationName: 'checkout', artifactUri: pinned('shop/checkout', '1.0.0', 'proxy-422'), metadata: { BRANCH_NAME: 'feature/x' }, requireRoute: true };
      const r = await call(`${V1}/artifacts/registerV2`, { method: 'POST', body });
      expect(r.status).toBe(422);
      expect(proxy.violations.filter((v) => v.in === 'response')).toEqual([
        { method: 'POST', path: `${V1}/artifacts/registerV2`, operationId: 'registerArtifactV2', in: 'response', message: 'response status 422 is not declared (declared: 200, 400, 403, 404, 405, 409, 500)' },
      ]);
      await call(`${V1}/ci-cd/shop`, { method: 'DELETE' });
    });
  });

  describe('where the reference declares a 200 without a body, a body is a violation unless the client asked for one', () => {
    const resetOperation = () => reference.operation('DELETE', `${V1}/ci-cd/shop`)!;
    const resetRequest = (headers: Record<string, string>) => ({ method: 'DELETE', pathname: `${V1}/ci-cd/shop`, query: new URLSearchParams(), headers, body: Buffer.alloc(0) });
    test.each([
      ['no Prefer header', {}, ['response 200 has a body, the reference declares none (and the request did not ask for one with Prefer: return=representation)']],
      ['Prefer: return=representation', { prefer: 'return=representation' }, []],
    ])('the validator, given a body: %s', (_name, headers, expected) => {
      expect(reference.checkResponse(resetOperation(), resetRequest(headers), { status: 200, body: Buffer.from('{"deletedRoutingRules":0}') })).toEqual(expected);
    });

    test.each([
      ['no Prefer header', undefined, ''],
      ['Prefer: return=representation', 'return=representation', '{"deletedRoutingRules":0,"deletedPromotionWorkflow":false}'],
    ])("serve's answer through the proxy: %s", async (_name, prefer, text) => {
      await start('extensions');
      const r = await fetch(`${proxy.url}${V1}/ci-cd/shop`, { method: 'DELETE', headers: { authorization: auth, ...(prefer ? { prefer } : {}) } });
      expect({ status: r.status, text: await r.text() }).toEqual({ status: 200, text });
      expect(proxy.violations).toEqual([]);
    });
  });

  describe('literal path segments win over variables (README gap 11)', () => {
    test('/artifactories/name/repos is the registry named "repos", not the repositories of registry "name"', async () => {
      await start('extensions');
      await call(`${V1}/artifactories/name/repos`);
      expect(proxy.calls[0].operationId).toBe(reference.operation('GET', `${V1}/artifactories/name/x`)!.operationId);
      expect(proxy.calls[0].operationId).not.toBe(reference.operation('GET', `${V1}/artifactories/some-id/repos`)!.operationId);
    });
  });

  describe('extension paths', () => {
    test('reference-only: a Spring-style 404, and serve never sees it', async () => {
      await start('reference-only');
      const r = await call(`${V1}/facetsctl/stacks/shop/resources/checkout/ci-cd`);
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ timestamp: expect.any(String), status: 404, error: 'Not Found', path: `${V1}/facetsctl/stacks/shop/resources/checkout/ci-cd` });
      expect(proxy.calls).toEqual([{ method: 'GET', path: `${V1}/facetsctl/stacks/shop/resources/checkout/ci-cd`, kind: 'extension', operationId: null, status: 404 }]);
      expect(proxy.violations).toEqual([]);
    });

    test('with extensions: passed through to serve, recorded as an extension call, not validated', async () => {
      await start('extensions');
      const r = await call(`${V1}/facetsctl/stacks/shop/resources/checkout/ci-cd`);
      expect(r.status).toBe(200);
      expect(proxy.calls).toEqual([expect.objectContaining({ kind: 'extension', status: 200 })]);
      expect(proxy.violations).toEqual([]);
    });
  });
}
