// serve's answers on the Facets reference paths are what Facets' own clients read: every reference operation serve
// implements, called with plain HTTP through the validating proxy, before anything is configured, configured, and
// after a reset; each write without and with `Prefer: return=representation`. 0 invalid requests, 0 invalid answers.
import { generateCiName } from '../../src/core/ci-name';
import { routesFor } from '../../src/controlplane/http/routes';
import { facetsApiSpecPath, facetsApiSpecPresent } from '../support/facets-reference';
import { getInfra } from '../support/infra';
import { putImage, uniqueRepo } from '../cli/images';
import { REPRESENTATION, startFacetsFixture, V1, type Answer, type FacetsFixture } from './facets-fixture';

if (!facetsApiSpecPresent) {
  test.skip(`SKIPPED: ${facetsApiSpecPath} is absent (set FACETS_API_SPEC to check serve's answers)`, () => {});
} else {
  describe("serve answers every reference operation it implements as the Facets API declares it", () => {
    let fx: FacetsFixture;
    let repo: string;
    let image: (tag: string) => string;
    let ciName: string;
    let clusterId: Record<string, string>;
    const OVERRIDES = (env: string) => `${V1}/clusters/${clusterId[env]}/resourceType/service/resourceName/checkout/overrides`;
    const ENVIRONMENT_CONFIG = {
      stackName: 'shop',
      registrationType: 'ENVIRONMENT',
      ciSystem: 'BRANCH_PER_ENVIRONMENT',
      routingRules: [{ metadataKey: 'BRANCH_NAME', operator: 'EQUALS', value: 'main', routeTo: 'dev', priority: 1 }],
      promotionHierarchies: [
        { registrationValue: 'dev', sequence: 1 },
        { registrationValue: 'staging', sequence: 2 },
        { registrationValue: 'production', sequence: 3 },
      ],
    };

    beforeAll(async () => {
      const { open } = getInfra().registries;
      repo = uniqueRepo('answers');
      const digests: Record<string, string> = {};
      for (const tag of ['1.0.0', '2.0.0', '3.0.0', '3.1.0']) digests[tag] = await putImage('open', repo, tag);
      image = (tag) => `${open.host}/${repo}:${tag}@${digests[tag]}`;
      fx = await startFacetsFixture({ mode: 'reference-only', registryHost: open.host });
      const clusters = await fx.send('GET', `${V1}/stacks/shop/clusters`);
      clusterId = Object.fromEntries((clusters.body as Array<{ id: string; name: string }>).map((c) => [c.name, c.id]));
    }, 60000);
    afterAll(async () => fx?.close());

    const ok = (label: string, answer: Answer) => expect({ label, status: answer.status, error: answer.status === 200 ? undefined : answer.text }).toEqual({ label, status: 200, error: undefined });

    /** A write of an operation the reference declares bodyless: empty without Prefer, the representation with it. */
    async function bodyless(method: string, path: string, body: unknown, prefer?: string): Promise<Answer> {
      const answer = await fx.send(method, path, { body, prefer });
      ok(`${method} ${path}${prefer ? ' (Prefer)' : ''}`, answer);
      if (prefer) {
        expect(answer.headers.get('preference-applied')).toBe(REPRESENTATION);
        expect(answer.body).toEqual(expect.any(Object));
      } else {
        expect({ text: answer.text, contentType: answer.headers.get('content-type') }).toEqual({ text: '', contentType: null });
      }
      return answer;
    }

    test('before anything is configured: every read answers 200 on spec', async () => {
      const registries = (await fx.send('GET', `${V1}/artifactories/stack/shop`)).body as Array<{ id: string; name: string }>;
      const local = registries.find((r) => r.name === 'local')!.id;
      const reads = [
        '/api/me',
        `${V1}/stacks/`,
        `${V1}/stacks/shop`,
        `${V1}/clusters/${clusterId.dev}`,
        `${V1}/release-stream?stackName=shop`,
        `${V1}/artifactories`,
        `${V1}/artifactories/name/local`,
        `${V1}/artifactories/name/local/repos`,
        `${V1}/artifactories/name/local/tags?repo=${encodeURIComponent(repo)}`,
        `${V1}/artifactories/${local}`,
        `${V1}/artifactories/${local}/repos`,
        `${V1}/artifactories/${local}/tags?repo=${encodeURIComponent(repo)}`,
        `${V1}/artifacts-ci`,
        `${V1}/artifacts-ci/blueprint/shop`,
        `${V1}/ci-cd/shop`,
        OVERRIDES('dev'),
      ];
      for (const path of reads) ok(`GET ${path}`, await fx.send('GET', path));
      ok('pushCredentials', await fx.send('POST', `${V1}/ci-cd/pushCredentials`, { body: { applicationName: 'checkout', artifactory: 'local', blueprintName: 'shop' } }));
      expect(fx.proxy.violations).toEqual([]);
    });

    test('ENVIRONMENT: configure, register (rules, environment, push), promote, attach and detach, each without and with Prefer', async () => {
      for (const prefer of [undefined, REPRESENTATION]) await bodyless('POST', `${V1}/ci-cd`, ENVIRONMENT_CONFIG, prefer);
      await bodyless('POST', `${V1}/artifacts/registerV2`, { applicationName: 'checkout', artifactUri: image('1.0.0'), metadata: { BRANCH_NAME: 'main' }, description: 'build 1' });
      await bodyless('POST', `${V1}/artifacts/registerV2`, { applicationName: 'checkout', artifactUri: image('1.0.0'), metadata: { BRANCH_NAME: 'main' } }, REPRESENTATION);
      await bodyless('POST', `${V1}/artifacts/register-by-env`, { applicationName: 'checkout', artifactUri: image('2.0.0'), clusterName: 'staging', stackName: 'shop' });
      await bodyless('POST', `${V1}/artifacts/register-by-env`, { applicationName: 'checkout', artifactUri: image('2.0.0'), clusterName: 'dev', stackName: 'shop' }, REPRESENTATION);
      await bodyless('POST', `${V1}/artifacts/push`, { applicationName: 'checkout', artifactUri: image('3.0.0'), clusterId: clusterId.dev, stackName: 'shop' });
      await bodyless('POST', `${V1}/artifacts/push`, { applicationName: 'checkout', artifactUri: image('3.1.0'), metadata: { BRANCH_NAME: 'main' } }, REPRESENTATION);

      const cis = await fx.send('GET', `${V1}/artifacts-ci/blueprint/shop`);
      ciName = (cis.body as Array<{ ciName: string; resourceName: string }>).find((c) => c.resourceName === 'checkout')!.ciName;
      ok('ci by name', await fx.send('GET', `${V1}/artifacts-ci/name/${ciName}`));
      ok('ci-level CI/CD', await fx.send('GET', `${V1}/ci-cd/ci/${ciName}`));
      const artifacts = await fx.send('GET', `${V1}/artifacts-ci/${ciName}/artifacts`);
      ok('artifacts', artifacts);
      const inDev = (artifacts.body as Array<{ artifactId: string; registrationValue: string }>).find((a) => a.registrationValue === 'dev')!;
      const promoted = await fx.send('POST', `${V1}/artifacts/promote?ciName=${ciName}&artifactId=${inDev.artifactId}`);
      ok('promote', promoted);
      expect(promoted.body).toMatchObject({ registrationValue: 'staging', promoted: true });

      const attach = { resourceName: 'checkout', resourceType: 'service', artifactUri: image('2.0.0'), artifactType: 'docker_image', artifactory: 'local', repositoryName: repo, tag: '2.0.0' };
      await bodyless('POST', `${V1}/clusters/${clusterId.production}/attach-image`, attach);
      await bodyless('POST', `${V1}/clusters/${clusterId.staging}/attach-image`, { ...attach, blueprintName: 'shop' }, REPRESENTATION);
      ok('override', await fx.send('GET', OVERRIDES('production')));
      await bodyless('DELETE', `${V1}/clusters/${clusterId.production}/detachImage`, { resourceName: 'checkout', resourceType: 'service' });
      await bodyless('DELETE', `${V1}/clusters/${clusterId.staging}/detachImage`, { resourceName: 'checkout', resourceType: 'service', blueprintName: 'shop' }, REPRESENTATION);
      ok('no override', await fx.send('GET', OVERRIDES('production')));
      expect(fx.proxy.violations).toEqual([]);
    });

    test('after a reset: the CI/CD answers still carry registrationType; RELEASE_STREAM, register by stream, a CI of its own', async () => {
      await bodyless('DELETE', `${V1}/ci-cd/shop`, undefined);
      for (const path of [`${V1}/ci-cd/shop`, `${V1}/ci-cd/ci/${ciName}`, `${V1}/artifacts-ci/name/${ciName}`, `${V1}/artifacts-ci`]) ok(`GET ${path}`, await fx.send('GET', path));
      const streams = { ...ENVIRONMENT_CONFIG, registrationType: 'RELEASE_STREAM', routingRules: [], promotionHierarchies: [{ registrationValue: 'QA', sequence: 1 }, { registrationValue: 'PRODUCTION', sequence: 2 }] };
      await bodyless('POST', `${V1}/ci-cd`, streams, REPRESENTATION);
      await bodyless('POST', `${V1}/artifacts/register-by-release-stream`, { applicationName: 'checkout', artifactUri: image('3.0.0'), releaseStream: 'QA', stackName: 'shop' });
      await bodyless('POST', `${V1}/artifacts/register-by-release-stream`, { applicationName: 'checkout', artifactUri: image('3.1.0'), releaseStream: 'QA' }, REPRESENTATION);
      await bodyless('DELETE', `${V1}/ci-cd/shop`, undefined, REPRESENTATION);
      ok('custom CI/CD', await fx.send('POST', `${V1}/ci-cd/ci/${ciName}/custom`, { body: ENVIRONMENT_CONFIG }));
      ok('ci-level CI/CD', await fx.send('GET', `${V1}/ci-cd/ci/${ciName}`));
      expect(fx.proxy.violations).toEqual([]);
    });

    test("CI names: the blueprint's resources, a name made by the client and bound, its usage, rules and workflow attached and detached, promote by path", async () => {
      ok('resources', await fx.send('GET', `${V1}/dropdown/stack/shop/resources-info`));
      ok('resources with content', await fx.send('GET', `${V1}/dropdown/stack/shop/resources-info?includeContent=true`));
      const cartCi = generateCiName('shop', 'cart');
      ok('create CI', await fx.send('POST', `${V1}/artifacts-ci`, { body: { ciName: cartCi, stackName: 'shop', registrationType: 'ENVIRONMENT' } }));
      ok('CI usage', await fx.send('GET', `${V1}/ci-cd/ci-name/${cartCi}/resources`));
      const rules = { blueprintName: 'shop', ciName: cartCi, registrationType: 'ENVIRONMENT' };
      for (const prefer of [undefined, REPRESENTATION]) {
        await bodyless('PUT', `${V1}/ci-cd/detach`, rules, prefer);
        await bodyless('PUT', `${V1}/ci-cd/attach`, rules, prefer);
      }
      const artifacts = (await fx.send('GET', `${V1}/artifacts-ci/${ciName}/artifacts`)).body as Array<{ artifactId: string; registrationValue: string }>;
      const inDev = artifacts.find((a) => a.registrationValue === 'dev')!;
      const promoted = await fx.send('POST', `${V1}/artifacts/${ciName}/promote/${inDev.artifactId}`);
      ok('promote by path', promoted);
      expect(promoted.body).toMatchObject({ registrationValue: 'staging', promoted: true });
      expect(fx.proxy.violations).toEqual([]);
    });

    test('every reference operation serve implements was called, with no invalid request and no invalid answer', () => {
      const implemented = routesFor(true).map((r) => fx.reference.operation(r.method, r.path)?.operationId ?? `${r.method} ${r.path}: not in the reference`);
      expect([...new Set(implemented)].filter((id) => !fx.proxy.operationsCalled().includes(id))).toEqual([]);
      expect(fx.proxy.calls.filter((c) => c.kind !== 'reference')).toEqual([]);
      expect(fx.proxy.violations).toEqual([]);
    });
  });
}
