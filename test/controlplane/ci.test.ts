import { isValidCiName } from '../../src/core/ci-name';
import { branchRule } from '../../src/core/routing';
import { openFixture, SHOP_BLUEPRINT } from './fixture';

const ENV = { registrationType: 'ENVIRONMENT' as const };

describe('a CI name is generated on the first interaction with a resource, persisted, then reused', () => {
  test('the ciName follows <project>-<resource>-<8 chars> and the template references it', async () => {
    const { service } = await openFixture();
    const integration = await service.ensureCiIntegration('shop', 'checkout');
    expect(integration.ciName).toMatch(/^shop-checkout-[a-z0-9]{8}$/);
    expect(isValidCiName(integration.ciName)).toBe(true);
    expect(integration.artifactTemplate).toBe(`\${blueprint.self.artifacts.${integration.ciName}}`);
    expect(integration.strategy).toBe('PROJECT_CI');
    expect(integration.resourceType).toBe('service');
  });

  test('the same resource gets the same ciName again, also after reopening the store', async () => {
    const fixture = await openFixture();
    const first = await fixture.service.ensureCiIntegration('shop', 'checkout');
    expect(await fixture.service.ensureCiIntegration('shop', 'checkout')).toEqual(first);
    const again = await fixture.reopen();
    expect((await again.service.ensureCiIntegration('shop', 'checkout')).ciName).toBe(first.ciName);
  });

  test('twenty concurrent first interactions create exactly one integration', async () => {
    const { service } = await openFixture();
    const results = await Promise.all(Array.from({ length: 20 }, () => service.ensureCiIntegration('shop', 'cart')));
    expect(new Set(results.map((r) => r.ciName)).size).toBe(1);
    expect(await service.listCiIntegrations('shop')).toHaveLength(1);
  });

  test('an unknown service is NOT_FOUND naming the known ones', async () => {
    const { service } = await openFixture();
    await expect(service.ensureCiIntegration('shop', 'payments')).rejects.toMatchObject({
      kind: 'NOT_FOUND',
      message: 'service "payments" does not exist in project shop (known: checkout, cart, web)',
    });
    await expect(service.ensureCiIntegration('blog', 'checkout')).rejects.toMatchObject({ kind: 'NOT_FOUND', message: 'project "blog" does not exist (known: shop)' });
  });
});

describe('CI/CD is configured at project level, or at service level which overrides it for that service', () => {
  test('without a service the configuration is the project-level one', async () => {
    const { service } = await openFixture();
    const result = await service.configureCi({ project: 'shop', config: { ...ENV, routingRules: [branchRule('main', 'dev', 1)], promotionHierarchy: ['dev', 'staging'] } });
    expect(result).toEqual({
      project: 'shop',
      mode: 'CUSTOM',
      config: { registrationType: 'ENVIRONMENT', ciStrategy: 'SIMPLE', routingRules: [branchRule('main', 'dev', 1)], promotionHierarchy: ['dev', 'staging'], policy: {} },
      revision: 1,
    });
    expect(await service.getCiConfig('shop')).toEqual(result);
  });

  test('a service-level configuration sets that service to SERVICE_CI and is its CUSTOM config', async () => {
    const { service } = await openFixture();
    await service.configureCi({ project: 'shop', config: ENV });
    const result = await service.configureCi({ project: 'shop', service: 'cart', config: { registrationType: 'RELEASE_STREAM', promotionHierarchy: ['QA', 'PRODUCTION'] } });
    expect(result).toMatchObject({ service: 'cart', strategy: 'SERVICE_CI', mode: 'CUSTOM', config: { registrationType: 'RELEASE_STREAM' } });
    expect((await service.getCiConfig('shop', 'checkout')).config?.registrationType).toBe('ENVIRONMENT');
  });

  test('PROJECT_CI services follow project changes live (INHERITED, never copied)', async () => {
    const { service } = await openFixture();
    await service.configureCi({ project: 'shop', config: ENV });
    expect(await service.getCiConfig('shop', 'checkout')).toMatchObject({ mode: 'INHERITED', strategy: 'PROJECT_CI', config: { promotionHierarchy: [] } });
    await service.configureCi({ project: 'shop', config: { promotionHierarchy: ['dev', 'production'] } });
    expect((await service.getCiConfig('shop', 'checkout')).config?.promotionHierarchy).toEqual(['dev', 'production']);
  });

  test('a service with no configuration anywhere is mode NONE', async () => {
    const { service } = await openFixture();
    expect(await service.getCiConfig('shop', 'checkout')).toMatchObject({ mode: 'NONE', strategy: 'PROJECT_CI', config: null, ciName: expect.stringMatching(/^shop-checkout-/) });
    expect(await service.getCiConfig('shop')).toEqual({ project: 'shop', mode: 'NONE', config: null, revision: 0 });
  });

  test('MANUAL services are mode NONE with strategy MANUAL', async () => {
    const { service } = await openFixture();
    await service.configureCi({ project: 'shop', config: ENV });
    await service.setImageStrategy('shop', 'web', 'MANUAL');
    expect(await service.getCiConfig('shop', 'web')).toMatchObject({ mode: 'NONE', strategy: 'MANUAL', config: null });
  });

  test('fields left out of a change keep their current value', async () => {
    const { service } = await openFixture();
    await service.configureCi({ project: 'shop', config: { ...ENV, routingRules: [branchRule('main', 'dev', 1)] } });
    const after = await service.configureCi({ project: 'shop', config: { policy: { deniedTags: ['latest'] } } });
    expect(after.config).toMatchObject({ routingRules: [branchRule('main', 'dev', 1)], policy: { deniedTags: ['latest'] } });
  });

  test('the blueprint\'s initial CI/CD is applied once, and a later reset is not undone by reopening', async () => {
    const blueprint = `${SHOP_BLUEPRINT}ci:\n  registrationType: ENVIRONMENT\n  branchRules: {main: dev}\n`;
    const fixture = await openFixture(blueprint);
    expect((await fixture.service.getCiConfig('shop')).config?.routingRules).toEqual([branchRule('main', 'dev', 1)]);
    await fixture.service.resetCi('shop');
    const again = await fixture.reopen();
    expect((await again.service.getCiConfig('shop')).mode).toBe('NONE');
  });
});

describe('the registration type cannot be changed without resetting the CI/CD configuration', () => {
  test('a different registration type is a CONFLICT that points at the reset', async () => {
    const { service } = await openFixture();
    await service.configureCi({ project: 'shop', config: ENV });
    await expect(service.configureCi({ project: 'shop', config: { registrationType: 'RELEASE_STREAM' } })).rejects.toMatchObject({
      kind: 'CONFLICT',
      message: 'registration type is ENVIRONMENT and cannot be changed to RELEASE_STREAM without a reset',
      hint: expect.stringContaining('facetsctl ci reset'),
    });
    expect((await service.getCiConfig('shop')).config?.registrationType).toBe('ENVIRONMENT');
  });

  test('the first configuration needs a registration type', async () => {
    const { service } = await openFixture();
    await expect(service.configureCi({ project: 'shop', config: { promotionHierarchy: ['dev'] } })).rejects.toMatchObject({ kind: 'USAGE' });
  });

  test('reset deletes the routing rules and the promotion workflow of that level and says so', async () => {
    const { service } = await openFixture();
    const config = { ...ENV, routingRules: [branchRule('main', 'dev', 1), branchRule('release/*', 'staging', 2)], promotionHierarchy: ['dev', 'staging'] };
    await service.configureCi({ project: 'shop', config });
    await service.configureCi({ project: 'shop', service: 'cart', config: { registrationType: 'RELEASE_STREAM' } });
    const reset = await service.resetCi('shop');
    expect(reset).toEqual({ deletedRoutingRules: 2, deletedPromotionWorkflow: true, previous: { ...config, ciStrategy: 'SIMPLE', policy: {} } });
    expect((await service.getCiConfig('shop', 'cart')).config?.registrationType).toBe('RELEASE_STREAM');
  });

  test('after a reset the registration type can be set anew', async () => {
    const { service } = await openFixture();
    await service.configureCi({ project: 'shop', config: ENV });
    await service.resetCi('shop');
    const result = await service.configureCi({ project: 'shop', config: { registrationType: 'RELEASE_STREAM', promotionHierarchy: ['QA', 'PRODUCTION'] } });
    expect(result.config?.registrationType).toBe('RELEASE_STREAM');
  });

  test('resetting what was never configured deletes nothing', async () => {
    const { service } = await openFixture();
    expect(await service.resetCi('shop', 'checkout')).toEqual({ deletedRoutingRules: 0, deletedPromotionWorkflow: false, previous: null });
  });
});

describe('a configuration is validated against the project', () => {
  test.each([
    ['a rule to an environment that does not exist', { ...ENV, routingRules: [branchRule('main', 'qa', 1)] }, /routes to "qa"/],
    ['a rule to a release stream under ENVIRONMENT', { ...ENV, routingRules: [branchRule('main', 'QA', 1)] }, /routes to "QA"/],
    ['a promotion hierarchy with an unknown value', { ...ENV, promotionHierarchy: ['dev', 'prod'] }, /promotion hierarchy entry "prod"/],
    ['an ADVANCED rule under SIMPLE', { ...ENV, routingRules: [{ metadataKey: 'PIPELINE', operator: 'EQUALS' as const, value: 'x', priority: 1, routeTo: 'dev' }] }, /SIMPLE takes only branch rules/],
    ['a policy naming an unknown target', { ...ENV, policy: { promotedOnly: ['prod'] } }, /promotedOnly entry "prod"/],
  ])('%s is a USAGE error and nothing is written', async (_name, config, message) => {
    const { service } = await openFixture();
    await expect(service.configureCi({ project: 'shop', config })).rejects.toMatchObject({ kind: 'USAGE', message: expect.stringMatching(message) });
    expect((await service.getCiConfig('shop')).mode).toBe('NONE');
    expect((await service.history('shop', 'checkout')).total).toBe(0);
  });
});

describe('the image strategy per service: PROJECT_CI, SERVICE_CI or MANUAL', () => {
  test('setImageStrategy records a STRATEGY_CHANGED event', async () => {
    const { service } = await openFixture();
    const integration = await service.setImageStrategy('shop', 'checkout', 'MANUAL');
    expect(integration.strategy).toBe('MANUAL');
    const events = await service.history('shop', 'checkout', { kinds: ['STRATEGY_CHANGED'] });
    expect(events.items.map((e) => [e.summary, e.by])).toEqual([['image strategy changed from PROJECT_CI to MANUAL', 'alice']]);
  });

  test('an unknown strategy is a USAGE error', async () => {
    const { service } = await openFixture();
    await expect(service.setImageStrategy('shop', 'checkout', 'AUTO' as never)).rejects.toMatchObject({ kind: 'USAGE' });
  });
});
