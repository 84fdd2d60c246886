// history and artifacts list read index ranges of the service (and value) asked for, not every row of the project:
// each statement they run is checked with SQLite's own EXPLAIN QUERY PLAN on the real file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { loadBlueprint, openStore, startService, type ControlPlaneService, type Store } from '../../src/controlplane';
import { branchRule } from '../../src/core/routing';
import { image, openFixture, SHOP_BLUEPRINT, type Fixture } from './fixture';

// One database for the whole file (the fixture's own directories go after each test).
const dir = mkdtempSync(path.join(tmpdir(), 'facetsctl-plans-'));
let fixture: Fixture;
let store: Store;
let service: ControlPlaneService;
let statements: Array<{ sql: string; parameters: readonly unknown[] }> = [];

beforeAll(async () => {
  fixture = await openFixture(SHOP_BLUEPRINT, {}, dir);
  const cp = fixture.service;
  await cp.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT', routingRules: [branchRule('main', 'dev', 1)] } });
  for (let n = 1; n <= 6; n++) {
    await cp.registerArtifact({ project: 'shop', service: n % 2 ? 'checkout' : 'cart', artifactUri: image(`1.0.${n}`, n), target: { kind: 'environment', value: n % 3 ? 'dev' : 'staging' } });
  }
  await cp.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT', routingRules: [branchRule('main', 'staging', 1)] } });
  await fixture.close();
  store = await openStore(fixture.dbPath, { onQuery: (sql, parameters) => statements.push({ sql, parameters }) });
  service = await startService(store, loadBlueprint(`${fixture.dir}/facets.yaml`), { env: {} });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** SQLite's plan for every statement `run` issues on `table`, one line per step. */
async function plans(table: string, run: () => Promise<unknown>): Promise<string[][]> {
  statements = [];
  await run();
  const db = new BetterSqlite3(fixture.dbPath, { readonly: true });
  try {
    return statements
      .filter((s) => new RegExp(`from "${table}"`).test(s.sql))
      .map((s) => (db.prepare(`explain query plan ${s.sql}`).all(...(s.parameters as unknown[])) as Array<{ detail: string }>).map((r) => r.detail));
  } finally {
    db.close();
  }
}

describe('history reads the service\'s events and the project-level ones by index, in order, without a sort', () => {
  test.each([
    ['every event', {}],
    ['one environment', { environment: 'dev' }],
    ['some kinds', { kinds: ['REGISTERED' as const, 'CONFIG_CHANGED' as const] }],
  ])('%s', async (_case, query) => {
    const found = await plans('events', () => service.history('shop', 'checkout', query));
    expect(found.length).toBeGreaterThan(0);
    for (const plan of found) {
      expect(plan.join('\n')).not.toMatch(/TEMP B-TREE|SCAN events/);
      expect(plan.join('\n')).toMatch(/USING (COVERING )?INDEX events_by_\w+ \(project=\? AND resource_name(=\?| IS NULL)/);
    }
  });

  test('the page is the same as before: own and project-level events merged newest first, totals of both', async () => {
    const all = await service.history('shop', 'checkout', { limit: 500 });
    expect(all.items.map((e) => e.kind)).toEqual(['CONFIG_CHANGED', 'REGISTERED', 'REGISTERED', 'REGISTERED', 'CONFIG_CHANGED']);
    expect(all.total).toBe(5);
    const page = await service.history('shop', 'checkout', { limit: 2, offset: 1 });
    expect(page.items.map((e) => e.id)).toEqual(all.items.slice(1, 3).map((e) => e.id));
    expect(page.total).toBe(5);
  });
});

describe('artifacts list of one registration value counts and reads artifacts_by_value on its whole prefix', () => {
  test('artifacts list -e dev', async () => {
    const found = await plans('artifacts', () => service.listArtifacts('shop', 'checkout', { registrationValue: 'dev' }));
    expect(found.length).toBeGreaterThan(0);
    for (const plan of found) {
      expect(plan.join('\n')).not.toMatch(/TEMP B-TREE|SCAN artifacts/);
      expect(plan.join('\n')).toMatch(/INDEX artifacts_by_value \(ci_name=\? AND registration_type=\? AND registration_key=\?/);
    }
    const page = await service.listArtifacts('shop', 'checkout', { registrationValue: 'dev' });
    expect(page.items.map((a) => a.tag)).toEqual(['1.0.5', '1.0.1']);
    expect(page.total).toBe(2);
  });
});
