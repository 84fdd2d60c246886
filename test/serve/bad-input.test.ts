// Bad input on serve's routes: malformed bodies are 400 naming the field, unknown names 404, a wrong
// registration target 400; and nothing is written by any of them.
import { HttpControlPlane } from '../../src/api/http-client';
import { makeProjectDir, pinned, PROJECT, type ProjectDir } from '../contract/project';
import { basic, raw } from './http';
import { spawnServe, type ServeProcess } from './serve-process';

const V1 = '/cc-ui/v1';
const RESOURCE = `${V1}/facetsctl/stacks/shop/resources/checkout`;
const uri = pinned('shop/checkout', '1.0.0', 'bad-input');

describe('serve refuses bad input with a precise error and writes nothing', () => {
  let project: ProjectDir;
  let server: ServeProcess;
  let client: HttpControlPlane;
  let ciName: string;
  const call = (method: string, path: string, body?: unknown, rawBody?: string) =>
    raw(server.url + path, { method, authorization: basic('admin', server.adminToken!), body, rawBody });

  beforeAll(async () => {
    project = makeProjectDir('facetsctl-bad-input-');
    server = await spawnServe({ blueprint: project.blueprint, db: project.db });
    client = new HttpControlPlane({ baseUrl: server.url, username: 'admin', token: server.adminToken, retries: 0 });
    await client.configureCi({ project: PROJECT, config: { registrationType: 'ENVIRONMENT', routingRules: [{ metadataKey: 'BRANCH_NAME', operator: 'EQUALS', value: 'main', priority: 1, routeTo: 'dev' }], promotionHierarchy: ['dev', 'staging'] } });
    ciName = (await client.ensureCiIntegration(PROJECT, 'checkout')).ciName;
  });
  afterAll(async () => {
    await server.stop();
    project.remove();
  });

  const register = { applicationName: 'checkout', artifactUri: uri, stackName: 'shop', clusterName: 'dev' };

  describe('A malformed body is 400 BAD_REQUEST naming the field', () => {
    test.each([
      ['register-by-env without artifactUri', 'POST', `${V1}/artifacts/register-by-env`, { ...register, artifactUri: undefined }, 'artifactUri'],
      ['register-by-env with a number for artifactUri', 'POST', `${V1}/artifacts/register-by-env`, { ...register, artifactUri: 42 }, 'artifactUri'],
      ['register-by-env with an empty clusterName', 'POST', `${V1}/artifacts/register-by-env`, { ...register, clusterName: '' }, 'clusterName'],
      ['register-by-release-stream without releaseStream', 'POST', `${V1}/artifacts/register-by-release-stream`, { applicationName: 'checkout', artifactUri: uri }, 'releaseStream'],
      ['registerV2 with a non-string metadata value', 'POST', `${V1}/artifacts/registerV2`, { applicationName: 'checkout', artifactUri: uri, metadata: { BRANCH_NAME: 1 } }, 'metadata.BRANCH_NAME'],
      ['push with an unknown artifactType', 'POST', `${V1}/artifacts/push`, { applicationName: 'checkout', artifactUri: uri, artifactType: 'helm' }, 'artifactType'],
      ['ci-cd with an unknown operator', 'POST', `${V1}/ci-cd`, { stackName: 'shop', routingRules: [{ metadataKey: 'BRANCH_NAME', operator: 'LIKE', value: 'x', routeTo: 'dev' }] }, 'routingRules.0.operator'],
      ['ci-cd without stackName', 'POST', `${V1}/ci-cd`, { registrationType: 'ENVIRONMENT' }, 'stackName'],
      ['ci-cd custom with a string for promotionHierarchies', 'POST', `${V1}/ci-cd/ci/CI/custom`, { promotionHierarchies: 'dev,staging' }, 'promotionHierarchies'],
      ['ci-cd with an unknown imageVersionPolicy key', 'POST', `${V1}/ci-cd`, { stackName: 'shop', imageVersionPolicy: { tagPatern: 'x' } }, 'imageVersionPolicy.tagPatern'],
      ['pushCredentials without blueprintName', 'POST', `${V1}/ci-cd/pushCredentials`, { applicationName: 'checkout', artifactory: 'local' }, 'blueprintName'],
      ['attach-image without resourceName', 'POST', `${V1}/clusters/dev/attach-image`, { artifactUri: uri }, 'resourceName'],
      ['detachImage with a number for resourceName', 'DELETE', `${V1}/clusters/dev/detachImage`, { resourceName: 7 }, 'resourceName'],
      ['image-strategy with an unknown strategy', 'PUT', `${RESOURCE}/image-strategy`, { imageStrategy: 'AUTO' }, 'imageStrategy'],
      ['promote without ciName', 'POST', `${V1}/artifacts/promote?artifactId=x`, undefined, 'ciName'],
      ['tags without repo', 'GET', `${V1}/artifactories/name/local/tags`, undefined, 'repo'],
    ])('%s', async (_what, method, path, body, field) => {
      const response = await call(method, path.replace('/CI/', `/${ciName}/`), body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining(`"${field}"`) });
    });

    test.each([
      ['a body that is not JSON', 'POST', `${V1}/artifacts/register-by-env`, '{"applicationName": '],
      ['a JSON array instead of an object', 'POST', `${V1}/ci-cd`, '[1,2]'],
    ])('%s', async (_what, method, path, rawBody) => {
      const response = await call(method, path, undefined, rawBody);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'BAD_REQUEST', message: expect.any(String) });
    });
  });

  describe('Values the Facets API has but facetsctl does not support are 400 USAGE saying so', () => {
    test.each([
      ['registrationType HYBRID', { stackName: 'shop', registrationType: 'HYBRID' }, 'HYBRID'],
      ['ciSystem SINGLE_BRANCH_PROMOTION', { stackName: 'shop', ciSystem: 'SINGLE_BRANCH_PROMOTION' }, 'SINGLE_BRANCH_PROMOTION'],
    ])('%s', async (_what, body, word) => {
      const response = await call('POST', `${V1}/ci-cd`, body);
      expect(response).toMatchObject({ status: 400, body: { code: 'USAGE', message: expect.stringContaining(word) } });
    });

    test.each([
      ['a negative limit', `${RESOURCE}/artifacts?limit=-1`, 'limit'],
      ['a non-numeric offset', `${RESOURCE}/artifacts?offset=abc`, 'offset'],
      ['an unknown history kind', `${RESOURCE}/history?kinds=DEPLOYED`, 'DEPLOYED'],
      ['an offset past 2^64 on the service artifacts', `${RESOURCE}/artifacts?offset=99999999999999999999`, 'query parameter offset must be an integer from 0 to 9007199254740991 (got "99999999999999999999")'],
      ['an offset past 2^64 on the CI artifacts', `${V1}/artifacts-ci/CI/artifacts?offset=99999999999999999999`, 'query parameter offset'],
      ['an offset past 2^64 on the history', `${RESOURCE}/history?offset=99999999999999999999`, 'query parameter offset'],
      ['an offset a double would round (2^53 + 1)', `${RESOURCE}/artifacts?offset=9007199254740993`, 'query parameter offset must be an integer from 0 to 9007199254740991 (got "9007199254740993")'],
      ['a limit past 2^64', `${RESOURCE}/history?limit=99999999999999999999`, 'query parameter limit'],
    ])('%s', async (_what, path, word) => {
      const response = await call('GET', path.replace('/CI/', `/${ciName}/`));
      expect(response).toMatchObject({ status: 400, body: { code: 'USAGE', message: expect.stringContaining(word) } });
    });
  });

  describe('Unknown names are 404 NOT_FOUND naming the known ones', () => {
    test.each([
      ['an unknown environment on register-by-env', 'POST', `${V1}/artifacts/register-by-env`, { ...register, clusterName: 'qa' }, 'dev, staging, production'],
      ['an unknown environment on attach-image', 'POST', `${V1}/clusters/qa/attach-image`, { resourceName: 'checkout', artifactUri: uri }, 'dev, staging, production'],
      ['an unknown service', 'POST', `${V1}/artifacts/register-by-env`, { ...register, applicationName: 'payments' }, 'checkout'],
      ['an unknown project', 'GET', `${V1}/stacks/nope/clusters`, undefined, 'shop'],
      ['an unknown registry', 'GET', `${V1}/artifactories/name/ghcr`, undefined, 'local'],
      ['an unknown ciName', 'GET', `${V1}/artifacts-ci/name/shop-nope-00000000`, undefined, 'shop-nope-00000000'],
      ['an unknown cluster id', 'GET', `${V1}/clusters/qa`, undefined, 'dev'],
      ['an unknown registrationValue on the service artifacts', 'GET', `${RESOURCE}/artifacts?registrationValue=nosuch`, undefined, 'environments: dev, staging, production; release streams: QA, PRODUCTION'],
      ['an unknown registrationValue on the CI artifacts', 'GET', `${V1}/artifacts-ci/CI/artifacts?registrationValue=nosuch`, undefined, '"nosuch" is neither an environment nor a release stream'],
    ])('%s', async (_what, method, path, body, known) => {
      const response = await call(method, path.replace('/CI/', `/${ciName}/`), body);
      expect(response).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', message: expect.stringContaining(known) } });
    });
  });

  test('An unknown endpoint is the Spring 404 of a Facets control plane, naming the path', async () => {
    const response = await call('GET', `${V1}/stacks/shop/nothing`);
    expect(response).toMatchObject({ status: 404, body: { timestamp: expect.any(String), status: 404, error: 'Not Found', path: `${V1}/stacks/shop/nothing` } });
  });

  describe('A registration target that does not fit the registration type is 400', () => {
    test('a release stream under ENVIRONMENT registration', async () => {
      const response = await call('POST', `${V1}/artifacts/register-by-release-stream`, { applicationName: 'checkout', artifactUri: uri, releaseStream: 'QA', stackName: 'shop' });
      expect(response).toMatchObject({ status: 400, body: { code: 'USAGE', message: expect.stringContaining('ENVIRONMENT'), hint: expect.any(String) } });
    });

    test('clusterId and releaseStream together on registerV2', async () => {
      const response = await call('POST', `${V1}/artifacts/registerV2`, { applicationName: 'checkout', artifactUri: uri, clusterId: 'dev', releaseStream: 'QA' });
      expect(response).toMatchObject({ status: 400, body: { code: 'USAGE' } });
    });
  });

  describe('Nothing is written by a refused request', () => {
    test('after all the refused requests above, no artifact, override or event exists', async () => {
      expect(await client.listArtifacts(PROJECT, 'checkout')).toMatchObject({ total: 0 });
      expect(await client.getOverride(PROJECT, 'checkout', 'dev')).toBeNull();
      const history = await client.history(PROJECT, 'checkout');
      expect(history.items.filter((e) => e.kind !== 'CONFIG_CHANGED')).toEqual([]);
      expect((await client.listCiIntegrations(PROJECT)).map((i) => i.resourceName)).toEqual(['checkout']);
      expect((await client.getCiConfig(PROJECT)).config?.registrationType).toBe('ENVIRONMENT');
    });
  });
});
