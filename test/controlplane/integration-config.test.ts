// The read a registration starts with: a service's integration and the configuration it routes by, in one statement,
// on both stores. Each strategy picks its own level; the rules come in their stored order.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadBlueprint } from '../../src/controlplane/blueprint';
import { startService } from '../../src/controlplane/embedded';
import type { ControlPlaneService } from '../../src/controlplane/service';
import type { Store } from '../../src/controlplane/store/store';
import { branchRule } from '../../src/core/routing';
import { openStoreOf, STORE_KINDS } from './both-stores';
import { SHOP_BLUEPRINT, tempDir } from './fixture';

let store: Store | undefined;

const PROJECT_RULES = [branchRule('main', 'dev', 1), branchRule('release', 'staging', 2), branchRule('hotfix', 'production', 3)];

describe.each(STORE_KINDS)('on %s', (kind) => {
  async function configured(): Promise<ControlPlaneService> {
    store = await openStoreOf(kind);
    const file = path.join(tempDir(), 'facets.yaml');
    writeFileSync(file, SHOP_BLUEPRINT);
    const service = await startService(store, loadBlueprint(file), { env: {} });
    await service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT', routingRules: PROJECT_RULES, promotionHierarchy: ['dev', 'staging'] } });
    return service;
  }

  test('no integration yet: null, and nothing is made by the read', async () => {
    await configured();
    expect(await store!.findIntegrationConfig('shop', 'checkout')).toBeNull();
    expect(await store!.findIntegration('shop', 'checkout')).toBeNull();
  });

  test('PROJECT_CI: the project configuration, rules in their order, the same as the two reads it replaces', async () => {
    const service = await configured();
    const integration = await service.ensureCiIntegration('shop', 'checkout');
    const found = await store!.findIntegrationConfig('shop', 'checkout');
    expect(found).toEqual({ integration, config: await store!.findCiConfig('shop', null) });
    expect(found!.config!.routingRules.map((r) => r.routeTo)).toEqual(['dev', 'staging', 'production']);
    expect(found!.config!.promotionHierarchy).toEqual(['dev', 'staging']);
  });

  test('SERVICE_CI: its own configuration, never the project one; none of its own is null', async () => {
    const service = await configured();
    await service.setImageStrategy('shop', 'cart', 'SERVICE_CI');
    expect(await store!.findIntegrationConfig('shop', 'cart')).toMatchObject({ integration: { strategy: 'SERVICE_CI' }, config: null });
    await service.configureCi({ project: 'shop', service: 'cart', config: { registrationType: 'RELEASE_STREAM', routingRules: [] } });
    const found = await store!.findIntegrationConfig('shop', 'cart');
    expect(found!.config).toEqual(await store!.findCiConfig('shop', 'cart'));
    expect(found!.config).toMatchObject({ registrationType: 'RELEASE_STREAM', routingRules: [], promotionHierarchy: [] });
  });

  test('MANUAL: the integration with no configuration, though the project has one', async () => {
    const service = await configured();
    await service.setImageStrategy('shop', 'web', 'MANUAL');
    expect(await store!.findIntegrationConfig('shop', 'web')).toMatchObject({ integration: { resourceName: 'web', strategy: 'MANUAL' }, config: null });
  });
});
