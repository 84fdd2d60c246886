// ONE contract for every ControlPlane implementation: in-process and over HTTP through `serve`.
// Each describe is a rule of the spec; both implementations must pass the same tests.
import type { ControlPlane } from '../../src/api/control-plane';
import type { CiConfig, Criterion } from '../../src/core/model';
import { ENVIRONMENTS, PROJECT, RELEASE_STREAMS, pinned } from './project';

export interface ContractTarget {
  client: ControlPlane;
  close(): Promise<void>;
}

export type ContractFactory = () => Promise<ContractTarget>;

const branch = (value: string, routeTo: string, priority: number, operator: Criterion['operator'] = 'EQUALS'): Criterion => ({ metadataKey: 'BRANCH_NAME', operator, value, priority, routeTo });

const ENVIRONMENT_CONFIG: Partial<CiConfig> = {
  registrationType: 'ENVIRONMENT',
  ciStrategy: 'SIMPLE',
  routingRules: [branch('main', 'dev', 1), branch('release/', 'staging', 2, 'STARTS_WITH')],
  promotionHierarchy: ['dev', 'staging', 'production'],
};

export function contractSuite(label: string, factory: ContractFactory): void {
  describe(`ControlPlane contract (${label})`, () => {
    let target: ContractTarget;
    let cp: ControlPlane;
    beforeEach(async () => {
      target = await factory();
      cp = target.client;
    });
    afterEach(async () => {
      await target.close();
    });

    const count = async (service = 'checkout') => (await cp.listArtifacts(PROJECT, service, { limit: 500 })).total;
    const configure = (config: Partial<CiConfig>, service?: string) => cp.configureCi({ project: PROJECT, service, config });
    const registerBranch = (uri: string, branchName: string, service = 'checkout', requireRoute?: boolean) =>
      cp.registerArtifact({ project: PROJECT, service, artifactUri: uri, target: { kind: 'metadata' }, metadata: { BRANCH_NAME: branchName }, requireRoute });
    const registerTo = (uri: string, kind: 'environment' | 'releaseStream', value: string, service = 'checkout') =>
      cp.registerArtifact({ project: PROJECT, service, artifactUri: uri, target: { kind, value } });

    describe('Project layout comes from the blueprint', () => {
      test('environments, release streams, services and registries are those the blueprint declares', async () => {
        expect(await cp.listProjects()).toEqual([PROJECT]);
        const project = await cp.getProject(PROJECT);
        expect(project.environments.map((e) => [e.name, e.releaseStream])).toEqual([
          ['dev', 'QA'],
          ['staging', 'QA'],
          ['production', 'PRODUCTION'],
        ]);
        expect(project.releaseStreams.map((s) => [s.name, s.prod])).toEqual([
          ['QA', false],
          ['PRODUCTION', true],
        ]);
        expect(project.resources.map((r) => r.resourceName)).toEqual(['checkout', 'cart', 'legacy']);
        expect(project.registries.map((r) => r.name)).toEqual(['local', 'hub', 'facets-config-auto']);
        expect(await cp.listEnvironments(PROJECT)).toEqual(project.environments);
        expect(await cp.listReleaseStreams(PROJECT)).toEqual(project.releaseStreams);
      });

      test('whoami names the caller', async () => {
        const me = await cp.whoami();
        expect(me.username).toMatch(/\S/);
      });
    });

    describe('The CI name is generated on the first interaction as <project>-<resource>-<8 chars>, persisted, then reused', () => {
      test('the first interaction creates the CI integration and fills ${blueprint.self.artifacts.<ciName>}', async () => {
        expect(await cp.listCiIntegrations(PROJECT)).toEqual([]);
        const integration = await cp.ensureCiIntegration(PROJECT, 'checkout');
        expect(integration.ciName).toMatch(/^shop-checkout-[a-z0-9]{8}$/);
        expect(integration.artifactTemplate).toBe(`\${blueprint.self.artifacts.${integration.ciName}}`);
        expect(integration.strategy).toBe('PROJECT_CI');
        expect(await cp.listCiIntegrations(PROJECT)).toEqual([integration]);
      });

      test('later interactions reuse the same ciName', async () => {
        const first = await cp.ensureCiIntegration(PROJECT, 'cart');
        await configure(ENVIRONMENT_CONFIG);
        const registered = await registerTo(pinned('shop/cart', '1.0.0', 'cart-1'), 'environment', 'dev', 'cart');
        expect(registered.ciName).toBe(first.ciName);
        expect(await cp.ensureCiIntegration(PROJECT, 'cart')).toEqual(first);
      });
    });

    describe('Registration type cannot be changed after initial setup without resetting the CI/CD configuration', () => {
      test('changing ENVIRONMENT to RELEASE_STREAM is a conflict and leaves the configuration as it was', async () => {
        await configure(ENVIRONMENT_CONFIG);
        await expect(configure({ registrationType: 'RELEASE_STREAM', routingRules: [], promotionHierarchy: [] })).rejects.toMatchObject({ kind: 'CONFLICT' });
        const after = await cp.getCiConfig(PROJECT);
        expect(after.config?.registrationType).toBe('ENVIRONMENT');
        expect(after.config?.routingRules).toEqual(ENVIRONMENT_CONFIG.routingRules);
      });

      test('a reset deletes the default routing rule and the promotion workflow; then the type can be set anew', async () => {
        await configure(ENVIRONMENT_CONFIG);
        const reset = await cp.resetCi(PROJECT);
        expect(reset).toMatchObject({ deletedRoutingRules: 2, deletedPromotionWorkflow: true });
        expect(reset.previous?.registrationType).toBe('ENVIRONMENT');
        expect(await cp.getCiConfig(PROJECT)).toMatchObject({ mode: 'NONE', config: null });
        const again = await configure({ registrationType: 'RELEASE_STREAM', routingRules: [branch('main', 'QA', 1)], promotionHierarchy: ['QA', 'PRODUCTION'] });
        expect(again.config?.registrationType).toBe('RELEASE_STREAM');
      });
    });

    describe('ENVIRONMENT registration: each artifact is assigned to an environment by the routing rules', () => {
      beforeEach(() => configure(ENVIRONMENT_CONFIG));

      test('BRANCH_NAME main routes to dev and release/* to staging, naming the rule that routed it', async () => {
        const main = await registerBranch(pinned('shop/checkout', '1.0.0', 'a'), 'main');
        expect(main).toMatchObject({ created: true, routedTo: 'dev', rule: branch('main', 'dev', 1) });
        expect(main.artifact).toMatchObject({ registrationType: 'ENVIRONMENT', registrationValue: 'dev', metadata: { BRANCH_NAME: 'main' }, promoted: false });
        const release = await registerBranch(pinned('shop/checkout', '1.1.0', 'b'), 'release/1.1');
        expect(release.routedTo).toBe('staging');
        expect(release.artifact.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
        expect(release.artifact.tag).toBe('1.1.0');
      });

      test('an artifact registered to a named environment lands there', async () => {
        const result = await registerTo(pinned('shop/checkout', '1.0.0', 'c'), 'environment', 'staging');
        expect(result.routedTo).toBe('staging');
        expect(result.rule).toBeNull();
      });

      test('an artifact that no rule matches is stored unrouted', async () => {
        const result = await registerBranch(pinned('shop/checkout', '1.0.0', 'd'), 'feature/x');
        expect(result).toMatchObject({ created: true, routedTo: null, rule: null });
        expect(result.artifact.registrationValue).toBeNull();
        expect(await count()).toBe(1);
      });

      test('with requireRoute an artifact that no rule matches is refused and nothing is stored', async () => {
        await expect(registerBranch(pinned('shop/checkout', '1.0.0', 'e'), 'feature/x', 'checkout', true)).rejects.toMatchObject({ kind: 'POLICY' });
        expect(await count()).toBe(0);
      });

      test('a freestyle artifact must be a URL a cluster can fetch from; an allowed one is registered as given', async () => {
        const freestyle = (url: string) => cp.registerArtifact({ project: PROJECT, service: 'checkout', artifactUri: url, artifactType: 'freestyle', target: { kind: 'environment', value: 'dev' } });
        for (const url of ['ftp://files.example.com/checkout.zip', 'checkout-1.0.0.zip']) {
          await expect(freestyle(url)).rejects.toMatchObject({ kind: 'USAGE', message: expect.stringContaining(`freestyle artifact URL "${url}"`) });
        }
        expect(await count()).toBe(0);
        expect((await freestyle('s3://bucket/checkout-1.0.0.zip')).artifact).toMatchObject({ artifactUri: 's3://bucket/checkout-1.0.0.zip', artifactType: 'freestyle', registrationValue: 'dev' });
      });

      test('registering to a release stream under ENVIRONMENT is refused and nothing is stored', async () => {
        await expect(registerTo(pinned('shop/checkout', '1.0.0', 'f'), 'releaseStream', 'QA')).rejects.toMatchObject({ kind: 'USAGE', message: expect.stringContaining('ENVIRONMENT') });
        expect(await count()).toBe(0);
      });
    });

    describe('RELEASE_STREAM registration: artifacts route to named release streams, not environments', () => {
      beforeEach(() => configure({ registrationType: 'RELEASE_STREAM', routingRules: [branch('main', 'QA', 1)], promotionHierarchy: ['QA', 'PRODUCTION'] }));

      test('an artifact registered to a release stream lands there; metadata routes to a stream', async () => {
        expect((await registerTo(pinned('shop/checkout', '2.0.0', 'g'), 'releaseStream', 'PRODUCTION')).routedTo).toBe('PRODUCTION');
        const routed = await registerBranch(pinned('shop/checkout', '2.0.1', 'h'), 'main');
        expect(routed.artifact).toMatchObject({ registrationType: 'RELEASE_STREAM', registrationValue: 'QA' });
      });

      test('registering to an environment under RELEASE_STREAM is refused and nothing is stored', async () => {
        await expect(registerTo(pinned('shop/checkout', '2.0.0', 'i'), 'environment', 'dev')).rejects.toMatchObject({ kind: 'USAGE', message: expect.stringContaining('RELEASE_STREAM') });
        expect(await count()).toBe(0);
      });
    });

    describe('ADVANCED strategy: criteria on any metadata key with EQUALS, STARTS_WITH, ENDS_WITH, CONTAINS and priority', () => {
      test('the matching criterion with the lowest priority number routes the artifact', async () => {
        const rules: Criterion[] = [
          { metadataKey: 'TEAM', operator: 'CONTAINS', value: 'pay', priority: 5, routeTo: 'dev' },
          { metadataKey: 'TEAM', operator: 'ENDS_WITH', value: '-core', priority: 2, routeTo: 'staging' },
        ];
        await configure({ registrationType: 'ENVIRONMENT', ciStrategy: 'ADVANCED', routingRules: rules, promotionHierarchy: ENVIRONMENTS });
        const both = await cp.registerArtifact({ project: PROJECT, service: 'checkout', artifactUri: pinned('shop/checkout', '3.0.0', 'j'), target: { kind: 'metadata' }, metadata: { TEAM: 'payments-core' } });
        expect(both).toMatchObject({ routedTo: 'staging', rule: rules[1] });
        const one = await cp.registerArtifact({ project: PROJECT, service: 'checkout', artifactUri: pinned('shop/checkout', '3.0.1', 'k'), target: { kind: 'metadata' }, metadata: { TEAM: 'payments' } });
        expect(one.routedTo).toBe('dev');
        expect((await cp.getCiConfig(PROJECT)).config?.ciStrategy).toBe('ADVANCED');
      });
    });

    describe('Registering the same (ciName, digest, registrationValue) again returns the existing artifact', () => {
      test('a repeat is not a new artifact; the same digest to another environment is', async () => {
        await configure(ENVIRONMENT_CONFIG);
        const uri = pinned('shop/checkout', '1.0.0', 'same');
        const first = await registerTo(uri, 'environment', 'dev');
        const again = await registerTo(uri, 'environment', 'dev');
        expect(again).toMatchObject({ created: false, routedTo: 'dev' });
        expect(again.artifact).toEqual(first.artifact);
        const elsewhere = await registerTo(uri, 'environment', 'staging');
        expect(elsewhere.created).toBe(true);
        expect(await count()).toBe(2);
      });
    });

    describe('Service-level CI/CD configuration overrides project-level settings for this specific service', () => {
      test('a service with its own CI/CD (SERVICE_CI) routes by it; the others inherit the project configuration', async () => {
        await configure(ENVIRONMENT_CONFIG);
        const own = await configure({ registrationType: 'RELEASE_STREAM', routingRules: [branch('main', 'PRODUCTION', 1)], promotionHierarchy: RELEASE_STREAMS }, 'cart');
        expect(own).toMatchObject({ service: 'cart', mode: 'CUSTOM', strategy: 'SERVICE_CI' });
        expect(await cp.getCiConfig(PROJECT, 'checkout')).toMatchObject({ service: 'checkout', mode: 'INHERITED', strategy: 'PROJECT_CI' });
        expect((await registerBranch(pinned('shop/cart', '1.0.0', 'l'), 'main', 'cart')).routedTo).toBe('PRODUCTION');
        expect((await registerBranch(pinned('shop/checkout', '1.0.0', 'm'), 'main')).routedTo).toBe('dev');
      });

      test('resetting the service-level configuration leaves the project configuration alone', async () => {
        await configure(ENVIRONMENT_CONFIG);
        await configure({ registrationType: 'RELEASE_STREAM', routingRules: [branch('main', 'QA', 1)], promotionHierarchy: RELEASE_STREAMS }, 'cart');
        const reset = await cp.resetCi(PROJECT, 'cart');
        expect(reset).toMatchObject({ deletedRoutingRules: 1, deletedPromotionWorkflow: true });
        expect((await cp.getCiConfig(PROJECT)).config?.registrationType).toBe('ENVIRONMENT');
      });
    });

    describe('Changes to the project-level CI/CD workflow apply to all services using PROJECT_CI', () => {
      test('a service inheriting the project configuration sees a change at once', async () => {
        await configure(ENVIRONMENT_CONFIG);
        await cp.ensureCiIntegration(PROJECT, 'checkout');
        await configure({ routingRules: [branch('main', 'staging', 1)] });
        const effective = await cp.getCiConfig(PROJECT, 'checkout');
        expect(effective.mode).toBe('INHERITED');
        expect(effective.config?.routingRules).toEqual([branch('main', 'staging', 1)]);
        expect((await registerBranch(pinned('shop/checkout', '1.0.0', 'n'), 'main')).routedTo).toBe('staging');
      });
    });

    describe('Registered artifacts flow through the promotion workflow', () => {
      beforeEach(() => configure(ENVIRONMENT_CONFIG));

      test('promote takes the newest artifact of a level to the next level of the hierarchy', async () => {
        await registerTo(pinned('shop/checkout', '1.0.0', 'o1'), 'environment', 'dev');
        const newest = await registerTo(pinned('shop/checkout', '1.0.1', 'o2'), 'environment', 'dev');
        const promoted = await cp.promoteArtifact({ project: PROJECT, service: 'checkout', from: 'dev' });
        expect(promoted).toMatchObject({ created: true, routedTo: 'staging' });
        expect(promoted.artifact).toMatchObject({ registrationValue: 'staging', promoted: true, promotedFrom: newest.artifact.id, artifactUri: newest.artifact.artifactUri });
        const byId = await cp.promoteArtifact({ project: PROJECT, service: 'checkout', artifactId: promoted.artifact.id });
        expect(byId.artifact.registrationValue).toBe('production');
      });

      test('promoting from the top of the hierarchy is refused', async () => {
        const top = await registerTo(pinned('shop/checkout', '1.0.0', 'p'), 'environment', 'production');
        await expect(cp.promoteArtifact({ project: PROJECT, service: 'checkout', artifactId: top.artifact.id })).rejects.toMatchObject({ kind: 'USAGE', message: expect.stringContaining('top') });
        expect(await count()).toBe(1);
      });
    });

    describe('Image version policy: a registration that breaks it is refused with the rule it broke', () => {
      beforeEach(() => configure({ ...ENVIRONMENT_CONFIG, policy: { deniedTags: ['latest'], promotedOnly: ['production'] } }));

      test('a denied tag is refused and nothing is stored', async () => {
        await expect(registerTo(pinned('shop/checkout', 'latest', 'q'), 'environment', 'dev')).rejects.toMatchObject({ kind: 'POLICY', message: expect.stringContaining('latest') });
        expect(await count()).toBe(0);
      });

      test('a promoted-only environment takes promoted artifacts only', async () => {
        await expect(registerTo(pinned('shop/checkout', '1.0.0', 'r'), 'environment', 'production')).rejects.toMatchObject({ kind: 'POLICY', message: expect.stringContaining('production') });
        const staged = await registerTo(pinned('shop/checkout', '1.0.0', 'r'), 'environment', 'staging');
        const promoted = await cp.promoteArtifact({ project: PROJECT, service: 'checkout', artifactId: staged.artifact.id });
        expect(promoted.artifact).toMatchObject({ registrationValue: 'production', promoted: true });
      });
    });

    describe('Manual attach: attaching an image to one environment does not affect other environments', () => {
      const image = pinned('shop/legacy', '7.1.0', 'legacy');
      const attach = (environment: string, uri = image) =>
        cp.attachImage({ project: PROJECT, service: 'legacy', environment, image: uri, artifactType: 'docker_image', registry: 'local', repository: 'shop/legacy', tag: '7.1.0', changeLog: 'pin' });

      test('attach creates an override for that environment only', async () => {
        await cp.setImageStrategy(PROJECT, 'legacy', 'MANUAL');
        const override = await attach('dev');
        expect(override).toMatchObject({ project: PROJECT, resourceName: 'legacy', environment: 'dev', image, revision: 1, changeLog: 'pin' });
        expect(override.labels).toMatchObject({ registry: 'local', repository: 'shop/legacy', tag: '7.1.0', artifactType: 'docker_image' });
        expect(await cp.getOverride(PROJECT, 'legacy', 'dev')).toEqual(override);
        expect(await cp.getOverride(PROJECT, 'legacy', 'staging')).toBeNull();
      });

      test('every change records a new revision in the history', async () => {
        await cp.setImageStrategy(PROJECT, 'legacy', 'MANUAL');
        await attach('dev');
        const second = await attach('dev', pinned('shop/legacy', '7.2.0', 'legacy2'));
        expect(second.revision).toBe(2);
        const detached = await cp.detachImage(PROJECT, 'legacy', 'dev');
        expect(detached.revision).toBeGreaterThan(2);
        expect(await cp.getOverride(PROJECT, 'legacy', 'dev')).toBeNull();
        const history = await cp.history(PROJECT, 'legacy', { environment: 'dev', kinds: ['ATTACHED', 'DETACHED'] });
        expect(history.items.map((e) => [e.kind, e.revision])).toEqual([
          ['DETACHED', detached.revision],
          ['ATTACHED', 2],
          ['ATTACHED', 1],
        ]);
        expect(history.total).toBe(3);
      });

      test('detaching where nothing is attached is NOT_FOUND', async () => {
        await expect(cp.detachImage(PROJECT, 'legacy', 'staging')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
      });

      test('an internal registry is refused whether named or reached by the image URI, and nothing is recorded', async () => {
        const onInternal = '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/legacy:7.1.0@sha256:' + 'a'.repeat(64);
        const refused = { kind: 'USAGE', message: expect.stringContaining('container registry "facets-config-auto" is internal and is not offered for manual attach') };
        await expect(cp.attachImage({ project: PROJECT, service: 'legacy', environment: 'dev', image, artifactType: 'docker_image', registry: 'facets-config-auto' })).rejects.toMatchObject(refused);
        await expect(cp.attachImage({ project: PROJECT, service: 'legacy', environment: 'dev', image: onInternal, artifactType: 'docker_image' })).rejects.toMatchObject(refused);
        await expect(cp.attachImage({ project: PROJECT, service: 'legacy', environment: 'dev', image: onInternal, artifactType: 'docker_image', registry: 'local' })).rejects.toMatchObject(refused);
        expect(await cp.getOverride(PROJECT, 'legacy', 'dev')).toBeNull();
        expect((await cp.history(PROJECT, 'legacy')).total).toBe(0);
      });

      test('a freestyle URL must use a scheme a cluster can fetch from (https, http, s3, gs, az, oci)', async () => {
        const freestyle = (url: string) => cp.attachImage({ project: PROJECT, service: 'legacy', environment: 'dev', image: url, artifactType: 'freestyle' });
        for (const url of ['ftp://files.example.com/legacy.zip', 'file:///tmp/legacy.zip', 'legacy-7.1.0.zip']) {
          await expect(freestyle(url)).rejects.toMatchObject({ kind: 'USAGE', message: expect.stringContaining(`freestyle artifact URL "${url}"`) });
        }
        expect((await cp.history(PROJECT, 'legacy')).total).toBe(0);
        expect(await freestyle('s3://bucket/legacy-7.1.0.zip')).toMatchObject({ image: 's3://bucket/legacy-7.1.0.zip', revision: 1, labels: { artifactType: 'freestyle' } });
      });

      test('a service on manual attach refuses registration', async () => {
        await configure(ENVIRONMENT_CONFIG);
        await cp.setImageStrategy(PROJECT, 'legacy', 'MANUAL');
        await expect(registerTo(image, 'environment', 'dev', 'legacy')).rejects.toMatchObject({ kind: 'CONFLICT', message: expect.stringContaining('manual attach') });
        expect(await count('legacy')).toBe(0);
      });
    });

    describe("History lists a service's events newest first, with the project-level configuration changes it inherits", () => {
      test("project-level changes appear in every service's history; kinds, environment and paging stay exact", async () => {
        await configure(ENVIRONMENT_CONFIG);
        await configure({ registrationType: 'RELEASE_STREAM', routingRules: [branch('main', 'QA', 1)] }, 'cart');
        await cp.attachImage({ project: PROJECT, service: 'checkout', environment: 'staging', image: pinned('shop/checkout', '0.9.0', 'h'), artifactType: 'docker_image' });
        await cp.resetCi(PROJECT);

        const checkout = await cp.history(PROJECT, 'checkout');
        expect(checkout.items.map((e) => [e.kind, e.resourceName, e.environment])).toEqual([
          ['CONFIG_RESET', null, null],
          ['ATTACHED', 'checkout', 'staging'],
          ['CONFIG_CHANGED', null, null],
        ]);
        expect(checkout.total).toBe(3);
        expect(checkout.items[0].summary).toMatch(/^CI\/CD configuration of project reset: .*; applies to every service on PROJECT_CI$/);
        const cart = await cp.history(PROJECT, 'cart', { kinds: ['CONFIG_CHANGED', 'CONFIG_RESET'] });
        expect(cart.items.map((e) => [e.kind, e.resourceName])).toEqual([
          ['CONFIG_RESET', null],
          ['CONFIG_CHANGED', 'cart'],
          ['CONFIG_CHANGED', null],
        ]);
        expect(await cp.history(PROJECT, 'checkout', { environment: 'staging' })).toMatchObject({ total: 1, items: [{ kind: 'ATTACHED' }] });
        const page = await cp.history(PROJECT, 'checkout', { limit: 1, offset: 1 });
        expect(page).toMatchObject({ total: 3, limit: 1, offset: 1, items: [{ kind: 'ATTACHED' }] });
      });

      test('a registration or promotion to an environment is an event of that environment; to a release stream, of none', async () => {
        await configure(ENVIRONMENT_CONFIG);
        const registered = await registerBranch(pinned('shop/checkout', '1.0.0', 'w'), 'main');
        await cp.promoteArtifact({ project: PROJECT, service: 'checkout', from: 'dev' });
        const dev = await cp.history(PROJECT, 'checkout', { environment: 'dev' });
        expect(dev).toMatchObject({ total: 1, items: [{ kind: 'REGISTERED', environment: 'dev', summary: `registered ${registered.artifact.artifactUri} to dev` }] });
        expect(await cp.history(PROJECT, 'checkout', { environment: 'staging' })).toMatchObject({ total: 1, items: [{ kind: 'PROMOTED', environment: 'staging' }] });

        await configure({ registrationType: 'RELEASE_STREAM', routingRules: [branch('main', 'QA', 1)] }, 'cart');
        await registerBranch(pinned('shop/cart', '1.0.0', 'x'), 'main', 'cart');
        const cart = await cp.history(PROJECT, 'cart', { kinds: ['REGISTERED'] });
        expect(cart.items).toMatchObject([{ environment: null, details: { releaseStream: 'QA' }, summary: expect.stringMatching(/ to release stream QA$/) }]);
        expect(await cp.history(PROJECT, 'cart', { environment: 'dev', kinds: ['REGISTERED'] })).toMatchObject({ total: 0 });
      });
    });

    describe('Resolution: an override wins; else the newest artifact registered to the environment', () => {
      test('each environment resolves to its override, its newest artifact, or says what is missing', async () => {
        await configure(ENVIRONMENT_CONFIG);
        const registered = await registerTo(pinned('shop/checkout', '1.0.0', 's'), 'environment', 'dev');
        await cp.attachImage({ project: PROJECT, service: 'checkout', environment: 'staging', image: pinned('shop/checkout', '0.9.0', 't'), artifactType: 'docker_image' });
        const byEnvironment = Object.fromEntries((await cp.resolve(PROJECT, 'checkout')).map((r) => [r.environment, r]));
        expect(byEnvironment.dev).toMatchObject({ resolved: true, source: 'ARTIFACT_BY_ENVIRONMENT', image: registered.artifact.artifactUri, artifactId: registered.artifact.id });
        expect(byEnvironment.staging).toMatchObject({ resolved: true, source: 'OVERRIDE', revision: 1 });
        expect(byEnvironment.production).toMatchObject({ resolved: false, image: null });
        expect(await cp.resolve(PROJECT, 'checkout', 'dev')).toEqual([byEnvironment.dev]);
      });
    });

    describe('Container registries: internal registries are marked; credentials only by reference', () => {
      test('facets-config-auto is internal, the others are not', async () => {
        const registries = await cp.listRegistries(PROJECT);
        expect(registries.map((r) => [r.name, r.internal])).toEqual([
          ['local', false],
          ['hub', false],
          ['facets-config-auto', true],
        ]);
      });

      test('push credentials come from the environment the control plane runs in; docker-config registries have none', async () => {
        expect(await cp.getPushCredentials(PROJECT, 'local', 'checkout')).toEqual({ registry: 'local', registryUri: '127.0.0.1:5999', username: 'pusher', password: 'not-a-real-secret' });
        expect(await cp.getPushCredentials(PROJECT, 'hub', 'checkout')).toBeNull();
      });
    });

    describe('Unknown names are NOT_FOUND and name the known ones', () => {
      test.each([
        ['an environment', () => registerTo(pinned('shop/checkout', '1.0.0', 'u'), 'environment', 'qa'), 'dev, staging, production'],
        ['a service', () => cp.ensureCiIntegration(PROJECT, 'payments'), 'checkout'],
        ['a project', () => cp.getProject('nope'), PROJECT],
        ['a registry', () => cp.getPushCredentials(PROJECT, 'ghcr', 'checkout'), 'local'],
      ])('%s', async (_what, call, known) => {
        await configure(ENVIRONMENT_CONFIG);
        await expect(call()).rejects.toMatchObject({ kind: 'NOT_FOUND', message: expect.stringContaining(known) });
        expect(await count()).toBe(0);
      });
    });

    describe('Artifacts are listed newest first, with paging and a total', () => {
      test('pages through the artifacts newest first', async () => {
        await configure(ENVIRONMENT_CONFIG);
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await registerTo(pinned('shop/checkout', `1.0.${i}`, `v${i}`), 'environment', i % 2 ? 'staging' : 'dev')).artifact.id);
        const first = await cp.listArtifacts(PROJECT, 'checkout', { limit: 2 });
        expect(first).toMatchObject({ total: 5, limit: 2, offset: 0 });
        expect(first.items.map((a) => a.id)).toEqual([ids[4], ids[3]]);
        const rest = await cp.listArtifacts(PROJECT, 'checkout', { limit: 10, offset: 2 });
        expect(rest.items.map((a) => a.id)).toEqual([ids[2], ids[1], ids[0]]);
        const staging = await cp.listArtifacts(PROJECT, 'checkout', { registrationValue: 'staging' });
        expect(staging.items.map((a) => a.id)).toEqual([ids[3], ids[1]]);
        expect(await cp.listArtifacts(PROJECT, 'cart')).toMatchObject({ items: [], total: 0 });
      });
    });

    describe('An artifact knows every tag it was registered under; a registration is answered under the tag it named', () => {
      test('the same digest as 1.5.0, then 2.0.0: one artifact, answered as 2.0.0, listed with both tags, promoted with both', async () => {
        await configure(ENVIRONMENT_CONFIG);
        const first = await registerTo(pinned('shop/checkout', '1.5.0', 't'), 'environment', 'dev');
        expect(first.artifact).toMatchObject({ tag: '1.5.0', tags: ['1.5.0'] });
        const second = await registerTo(pinned('shop/checkout', '2.0.0', 't'), 'environment', 'dev');
        expect(second).toMatchObject({ created: false, artifact: { id: first.artifact.id, artifactUri: pinned('shop/checkout', '2.0.0', 't'), tag: '2.0.0', tags: ['1.5.0', '2.0.0'] } });
        const { items } = await cp.listArtifacts(PROJECT, 'checkout');
        expect(items).toEqual([expect.objectContaining({ id: first.artifact.id, artifactUri: pinned('shop/checkout', '1.5.0', 't'), tag: '1.5.0', tags: ['1.5.0', '2.0.0'] })]);
        expect(await cp.getArtifact(PROJECT, 'checkout', first.artifact.id)).toEqual(items[0]);
        const promoted = await cp.promoteArtifact({ project: PROJECT, service: 'checkout', from: 'dev' });
        expect(promoted.artifact).toMatchObject({ registrationValue: 'staging', tag: '1.5.0', tags: ['1.5.0', '2.0.0'] });
        await expect(cp.getArtifact(PROJECT, 'checkout', 'art_nosuch')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
      });
    });
  });
}
