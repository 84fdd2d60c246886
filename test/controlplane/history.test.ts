import { branchRule } from '../../src/core/routing';
import { digest, image, openFixture, SHOP_BLUEPRINT, steppingClock } from './fixture';

const PROJECT_LEVEL_NOTE = '; applies to every service on PROJECT_CI';

/** A scenario mixing project-level and service-level events; returns the service the kinds are about. */
async function scenario() {
  const fixture = await openFixture(undefined, { clock: steppingClock() });
  const { service } = fixture;
  await service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT', routingRules: [branchRule('main', 'dev', 1)] } });
  await service.attachImage({ project: 'shop', service: 'checkout', environment: 'dev', image: `127.0.0.1:5000/shop/checkout:1.0.0@${digest(1)}`, artifactType: 'docker_image' });
  await service.configureCi({ project: 'shop', config: { routingRules: [branchRule('main', 'staging', 1)] } });
  await service.configureCi({ project: 'shop', service: 'cart', config: { registrationType: 'RELEASE_STREAM', routingRules: [branchRule('main', 'QA', 1)] } });
  await service.resetCi('shop');
  return fixture;
}

describe('project-level CI/CD configuration changes appear in the history of every service of the project', () => {
  test('a service inheriting the project configuration lists its changes and resets with its own events, newest first', async () => {
    const { service } = await scenario();
    const page = await service.history('shop', 'checkout');
    expect(page.items.map((e) => [e.kind, e.resourceName, e.environment])).toEqual([
      ['CONFIG_RESET', null, null],
      ['CONFIG_CHANGED', null, null],
      ['ATTACHED', 'checkout', 'dev'],
      ['CONFIG_CHANGED', null, null],
    ]);
    expect(page.total).toBe(4);
    expect(page.items[0].summary).toBe(`CI/CD configuration of project reset: 1 routing rule(s) and no promotion workflow deleted${PROJECT_LEVEL_NOTE}`);
    expect(page.items[3].summary).toMatch(/^CI\/CD configuration of project created \(ENVIRONMENT, SIMPLE\); applies to every service on PROJECT_CI$/);
    // Another service's own configuration is its own history, not checkout's.
    expect(page.items.some((e) => e.resourceName === 'cart')).toBe(false);
  });

  test('a service with its own configuration lists the project-level changes too, beside its own', async () => {
    const { service } = await scenario();
    const page = await service.history('shop', 'cart');
    expect(page.items.map((e) => [e.kind, e.resourceName])).toEqual([
      ['CONFIG_RESET', null],
      ['STRATEGY_CHANGED', 'cart'],
      ['CONFIG_CHANGED', 'cart'],
      ['CONFIG_CHANGED', null],
      ['CONFIG_CHANGED', null],
    ]);
    // Only project-level events carry the note; the service's own summary is as recorded.
    expect(page.items[2].summary).toBe('CI/CD configuration of service cart created (RELEASE_STREAM, SIMPLE)');
    expect(page.items.filter((e) => e.summary.endsWith(PROJECT_LEVEL_NOTE)).map((e) => e.resourceName)).toEqual([null, null, null]);
  });

  test('the initial CI/CD of the blueprint is in the history of a service that never had an event of its own', async () => {
    const { service } = await openFixture(`${SHOP_BLUEPRINT}ci:\n  registrationType: ENVIRONMENT\n  branchRules: {main: dev}\n`);
    const page = await service.history('shop', 'web');
    expect(page).toMatchObject({ total: 1, items: [{ kind: 'CONFIG_CHANGED', resourceName: null, by: 'alice' }] });
  });

  test('kinds filter project-level events like any other', async () => {
    const { service } = await scenario();
    expect((await service.history('shop', 'checkout', { kinds: ['CONFIG_RESET'] })).items.map((e) => [e.kind, e.resourceName])).toEqual([['CONFIG_RESET', null]]);
    expect(await service.history('shop', 'checkout', { kinds: ['CONFIG_CHANGED'] })).toMatchObject({ total: 2 });
    expect(await service.history('shop', 'checkout', { kinds: ['ATTACHED', 'DETACHED'] })).toMatchObject({ total: 1, items: [{ kind: 'ATTACHED' }] });
  });

  test('--environment keeps only events of that environment, so configuration changes (which have none) are left out', async () => {
    const { service } = await scenario();
    expect(await service.history('shop', 'checkout', { environment: 'dev' })).toMatchObject({ total: 1, items: [{ kind: 'ATTACHED', environment: 'dev' }] });
    expect(await service.history('shop', 'checkout', { environment: 'staging' })).toMatchObject({ total: 0, items: [] });
    expect(await service.history('shop', 'cart', { environment: 'dev', kinds: ['CONFIG_CHANGED'] })).toMatchObject({ total: 0 });
  });

  test('paging walks the merged list: total counts project-level events, pages neither skip nor repeat one', async () => {
    const { service } = await scenario();
    const all = (await service.history('shop', 'cart')).items.map((e) => e.id);
    const pages = [];
    for (let offset = 0; offset < all.length; offset += 2) {
      const page = await service.history('shop', 'cart', { limit: 2, offset });
      expect(page).toMatchObject({ total: 5, limit: 2, offset });
      pages.push(...page.items.map((e) => e.id));
    }
    expect(pages).toEqual(all);
    expect(new Set(all).size).toBe(5);
  });
});

describe('registrations and promotions are events of the environment they go to; to a release stream, the stream is named instead', () => {
  async function registeredAndPromoted(registrationType: 'ENVIRONMENT' | 'RELEASE_STREAM', levels: string[]) {
    const fixture = await openFixture(undefined, { clock: steppingClock() });
    const { service } = fixture;
    await service.configureCi({ project: 'shop', config: { registrationType, routingRules: [branchRule('main', levels[0], 1)], promotionHierarchy: levels } });
    await service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image('1.0.0', 1), target: { kind: 'metadata' }, metadata: { BRANCH_NAME: 'main' } });
    await service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image('1.0.1', 2), target: { kind: 'metadata' }, metadata: { BRANCH_NAME: 'feature/x' } });
    await service.promoteArtifact({ project: 'shop', service: 'checkout', from: levels[0] });
    return service;
  }

  test('ENVIRONMENT: the registration value (or the promotion target) is the event environment, so --environment lists it', async () => {
    const service = await registeredAndPromoted('ENVIRONMENT', ['dev', 'staging', 'production']);
    const all = await service.history('shop', 'checkout', { kinds: ['REGISTERED', 'PROMOTED'] });
    expect(all.items.map((e) => [e.kind, e.environment, e.summary])).toEqual([
      ['PROMOTED', 'staging', `promoted ${image('1.0.0', 1)} from dev to staging`],
      ['REGISTERED', null, `registered ${image('1.0.1', 2)} to nowhere (unrouted)`],
      ['REGISTERED', 'dev', `registered ${image('1.0.0', 1)} to dev`],
    ]);
    expect(await service.history('shop', 'checkout', { environment: 'dev' })).toMatchObject({ total: 1, items: [{ kind: 'REGISTERED', environment: 'dev', details: { registrationValue: 'dev' } }] });
    expect(await service.history('shop', 'checkout', { environment: 'staging' })).toMatchObject({ total: 1, items: [{ kind: 'PROMOTED', environment: 'staging', details: { from: 'dev', to: 'staging' } }] });
    expect(await service.history('shop', 'checkout', { environment: 'production' })).toMatchObject({ total: 0, items: [] });
    expect(all.items.every((e) => !('releaseStream' in e.details))).toBe(true);
  });

  test('RELEASE_STREAM: the environment stays null; the details and the summary name the release stream', async () => {
    const service = await registeredAndPromoted('RELEASE_STREAM', ['QA', 'PRODUCTION']);
    const all = await service.history('shop', 'checkout', { kinds: ['REGISTERED', 'PROMOTED'] });
    expect(all.items.map((e) => [e.kind, e.environment, e.summary, e.details.releaseStream])).toEqual([
      ['PROMOTED', null, `promoted ${image('1.0.0', 1)} from release stream QA to release stream PRODUCTION`, 'PRODUCTION'],
      ['REGISTERED', null, `registered ${image('1.0.1', 2)} to nowhere (unrouted)`, undefined],
      ['REGISTERED', null, `registered ${image('1.0.0', 1)} to release stream QA`, 'QA'],
    ]);
    for (const environment of ['dev', 'staging', 'production']) {
      expect(await service.history('shop', 'checkout', { environment, kinds: ['REGISTERED', 'PROMOTED'] })).toMatchObject({ total: 0 });
    }
  });
});
