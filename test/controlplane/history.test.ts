import { branchRule } from '../../src/core/routing';
import { digest, openFixture, SHOP_BLUEPRINT, steppingClock } from './fixture';

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
