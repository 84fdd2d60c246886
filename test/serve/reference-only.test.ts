// `facetsctl serve --reference-only`: serve with its extensions hidden, as a client meets a Facets control plane.
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { facetsApiSpecPath, facetsApiSpecPresent } from '../support/facets-reference';
import { BIN } from '../cli/run-cli';
import { serveMain } from './serve-process';
import { startFacetsFixture, V1, type FacetsFixture } from './facets-fixture';

const RESOURCE = `${V1}/facetsctl/stacks/shop/resources/checkout`;

test('`facetsctl serve --help` names --reference-only', () => {
  const help = execFileSync(process.execPath, [BIN, 'serve', '--help'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
  expect(help).toMatch(/--reference-only\s+Facets API operations only/);
});

test("serve's OpenAPI document of --reference-only lists no extension operation but the load balancer's probes", () => {
  const doc = parse(execFileSync(process.execPath, [serveMain, '--openapi', '--reference-only'], { encoding: 'utf8' }));
  const operations = Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(([p, item]) => Object.entries(item).map(([method, op]) => ({ p, method, op })));
  const probes = ['/healthz', '/readyz'];
  expect(operations.filter(({ p, op }) => !probes.includes(p) && (p.startsWith(`${V1}/facetsctl/`) || op['x-facetsctl-extension']))).toEqual([]);
  expect(operations.filter(({ p }) => probes.includes(p)).map(({ p, op }) => [p, op.security])).toEqual(probes.map((p) => [p, []]));
  expect(operations.map(({ p, method }) => `${method} ${p}`)).toContain(`get ${V1}/ci-cd/{stackName}`);
});

if (!facetsApiSpecPresent) {
  test.skip(`SKIPPED: ${facetsApiSpecPath} is absent (set FACETS_API_SPEC to run serve --reference-only through the proxy)`, () => {});
} else {
  describe('facetsctl serve --reference-only', () => {
    let fx: FacetsFixture;
    // The proxy passes extension paths through: what answers them here is serve itself.
    beforeAll(async () => {
      fx = await startFacetsFixture({ mode: 'extensions', serveArgs: ['--reference-only'] });
    });
    afterAll(async () => fx?.close());

    test('says so when it starts', () => {
      expect(fx.serve.output()).toContain('Facets API only, no extensions');
    });

    test.each([
      ['GET', `${RESOURCE}/ci-cd`],
      ['POST', `${RESOURCE}/ci-integration`],
      ['GET', `${RESOURCE}/history`],
      ['GET', `${RESOURCE}/resolve?clusterName=dev`],
      ['PUT', `${RESOURCE}/image-strategy`],
    ])('the extension %s %s answers the Spring 404 of a Facets control plane', async (method, path) => {
      const answer = await fx.send(method, path, method === 'GET' ? {} : { body: {} });
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 404, body: { timestamp: expect.any(String), status: 404, error: 'Not Found', path: path.split('?')[0] } });
      expect(new Date(answer.body.timestamp).toISOString()).toBe(answer.body.timestamp);
    });

    test('reference paths work, on spec', async () => {
      expect((await fx.send('GET', '/api/me')).status).toBe(200);
      expect(await fx.send('GET', `${V1}/ci-cd/shop`)).toMatchObject({ status: 200, body: { stackName: 'shop', registrationType: 'ENVIRONMENT' } });
      expect((await fx.send('POST', `${V1}/ci-cd`, { body: { stackName: 'shop', registrationType: 'ENVIRONMENT', routingRules: [], promotionHierarchies: [{ registrationValue: 'dev', sequence: 1 }] } })).status).toBe(200);
      expect(fx.proxy.violations).toEqual([]);
    });

    test('credentials are still checked first: an extension path without them is 401', async () => {
      expect((await fx.send('GET', `${RESOURCE}/ci-cd`, { authorization: null })).status).toBe(401);
    });
  });
}
