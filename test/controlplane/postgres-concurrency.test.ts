// Two instances (two stores, two pools) on one PostgreSQL database: each write is made safe by the database itself
// (unique constraints, revisions, a per-environment lock), not by one lock that every write of every instance waits for.
// A raw connection holds a row or a lock so that the instances' transactions meet exactly where they would race.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import { Client, Pool } from 'pg';
import { loadBlueprint } from '../../src/controlplane/blueprint';
import { bootstrapAdminToken } from '../../src/controlplane/http/auth';
import { startService } from '../../src/controlplane/embedded';
import type { ControlPlaneService } from '../../src/controlplane/service';
import { advisoryLockKey, environmentLockName } from '../../src/controlplane/store/dialect';
import { openPostgresStore } from '../../src/controlplane/store/postgres';
import { SQLITE_MIGRATIONS } from '../../src/controlplane/store/sqlite-migrations';
import type { Store } from '../../src/controlplane/store/store';
import { branchRule } from '../../src/core/routing';
import { createDatabase, type TestDatabase } from '../support/postgres';
import { image, SHOP_BLUEPRINT, tempDir } from './fixture';

let database: TestDatabase;
let stores: Store[] = [];
let holder: Client | undefined;

/** Two instances on a fresh database, started together (the layout is mirrored once), as alice and bob. */
async function twoInstances(): Promise<[ControlPlaneService, ControlPlaneService]> {
  database = await createDatabase();
  const file = path.join(tempDir(), 'facets.yaml');
  writeFileSync(file, SHOP_BLUEPRINT);
  const blueprint = loadBlueprint(file);
  stores = await Promise.all([1, 2].map(() => openPostgresStore(database.url)));
  const [a, b] = await Promise.all(stores.map((store, i) => startService(store, blueprint, { env: {}, identity: { username: ['alice', 'bob'][i], name: ['Alice', 'Bob'][i] } })));
  return [a, b];
}

/** A third connection, as another instance in the middle of a transaction would be. */
async function rawConnection(): Promise<Client> {
  holder = new Client({ connectionString: database.url });
  await holder.connect();
  return holder;
}

/** Resolves once `n` sessions on the test database wait for a lock (polled: the waits have no deadline to assert). */
async function waitersReach(n: number): Promise<void> {
  for (;;) {
    const [{ waiting }] = await database.query<{ waiting: number }>(
      `select count(distinct l.pid)::int as waiting from pg_locks l join pg_stat_activity a on a.pid = l.pid
       where not l.granted and a.datname = current_database()`,
    );
    if (waiting >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const settled = <T>(promises: Promise<T>[]) => Promise.allSettled(promises);

afterEach(async () => {
  await holder?.end();
  holder = undefined;
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await database?.drop();
});

describe('registrations: idempotent by the unique key, and never waiting for another service', () => {
  test('10 same-image registrations from two instances wait together on one service; another service registers meanwhile; then one artifact', async () => {
    const [a, b] = await twoInstances();
    await a.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT' } });
    await a.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image('0.9.0', 99), target: { kind: 'environment', value: 'dev' } });
    // Every registration of checkout stores a row that refers to its integration: this holds them all after their reads.
    const raw = await rawConnection();
    await raw.query('begin');
    await raw.query("select 1 from ci_integrations where resource_name = 'checkout' for update");
    const same = Array.from({ length: 10 }, (_, i) =>
      [a, b][i % 2].registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image(`1.0.${i % 3}`, 1), target: { kind: 'environment', value: 'dev' } }),
    );
    await waitersReach(10);
    // With one lock for every write this would wait behind the ten.
    const other = await b.registerArtifact({ project: 'shop', service: 'cart', artifactUri: image('2.0.0', 2), target: { kind: 'environment', value: 'dev' } });
    expect(other.created).toBe(true);
    await raw.query('commit');
    const results = await Promise.all(same);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.artifact.id)).size).toBe(1);
    const rows = await database.query<{ id: string }>("select id from artifacts where digest = $1", [image('x', 1).split('@')[1]]);
    expect(rows).toEqual([{ id: results[0].artifact.id }]);
    const tags = await database.query<{ tag: string }>('select tag from artifact_tags where artifact_id = $1 order by tag', [rows[0].id]);
    expect(tags.map((t) => t.tag)).toEqual(['1.0.0', '1.0.1', '1.0.2']);
  });
});

describe('the CI name of a service is made once across instances', () => {
  test('while another instance is making checkout\'s, 10 first interactions from two instances wait for it, web gets its own meanwhile, and all answer one name', async () => {
    const [a, b] = await twoInstances();
    const raw = await rawConnection();
    await raw.query('begin');
    await raw.query("insert into ci_integrations values ('ci_raw', 'shop', 'service', 'checkout', 'shop-checkout-raw00000', 'PROJECT_CI', '2025-01-01T00:00:00.000Z', 'carol')");
    const racing = Array.from({ length: 10 }, (_, i) => [a, b][i % 2].ensureCiIntegration('shop', 'checkout'));
    await waitersReach(10);
    const web = await a.ensureCiIntegration('shop', 'web');
    expect(web.resourceName).toBe('web');
    // The other instance's transaction fails: one of the ten makes the name, and the others answer it.
    await raw.query('rollback');
    const names = new Set((await Promise.all(racing)).map((i) => i.ciName));
    expect(names.size).toBe(1);
    expect(await database.query("select ci_name from ci_integrations where resource_name = 'checkout'")).toEqual([{ ci_name: [...names][0] }]);
  });
});

describe('an image strategy is changed over the one read', () => {
  test('two instances switch checkout to MANUAL from the same read: it is switched once, with one event', async () => {
    const [a, b] = await twoInstances();
    await a.ensureCiIntegration('shop', 'checkout');
    const raw = await rawConnection();
    await raw.query('begin');
    await raw.query("select 1 from ci_integrations where resource_name = 'checkout' for update");
    const switching = [a, b].map((s) => s.setImageStrategy('shop', 'checkout', 'MANUAL'));
    await waitersReach(2);
    await raw.query('commit');
    expect((await Promise.all(switching)).map((i) => i.strategy)).toEqual(['MANUAL', 'MANUAL']);
    expect(await database.query("select summary from events where kind = 'STRATEGY_CHANGED'")).toEqual([{ summary: 'image strategy changed from PROJECT_CI to MANUAL' }]);
  });
});

describe('CI/CD and overrides: a write over a state changed meanwhile is refused, and the winner stays whole', () => {
  test('two instances change the same CI/CD configuration from the same revision: one is written, the other is CONFLICT and writes nothing', async () => {
    const [a, b] = await twoInstances();
    await a.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT', routingRules: [branchRule('main', 'dev', 1)] } });
    const raw = await rawConnection();
    await raw.query('begin');
    await raw.query("select 1 from ci_configs where scope = '' for update");
    const aliceRules = [branchRule('release/*', 'staging', 1), branchRule('main', 'dev', 2)];
    const bobRules = [branchRule('hotfix/*', 'production', 1)];
    const writes = settled([
      a.configureCi({ project: 'shop', config: { routingRules: aliceRules, promotionHierarchy: ['dev', 'staging'] } }),
      b.configureCi({ project: 'shop', config: { routingRules: bobRules } }),
    ]);
    // Both have read revision 1 and wait to write over it.
    await waitersReach(2);
    await raw.query('commit');
    const [alice, bob] = await writes;
    expect([alice.status, bob.status].sort()).toEqual(['fulfilled', 'rejected']);
    const refused = (alice.status === 'rejected' ? alice : bob) as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ kind: 'CONFLICT' });
    const winner = alice.status === 'fulfilled' ? 'alice' : 'bob';
    expect(refused.reason.message).toBe(
      `the CI/CD configuration of project shop changed meanwhile: ${winner} saved it at ${(await a.store.findStoredCiConfig('shop', null))!.updatedAt} (revision 2), after this command read revision 1; nothing was written; run the command again`,
    );
    const stored = (await a.store.findStoredCiConfig('shop', null))!;
    expect(stored.revision).toBe(2);
    expect(stored.config).toMatchObject(
      winner === 'alice' ? { routingRules: aliceRules, promotionHierarchy: ['dev', 'staging'] } : { routingRules: bobRules, promotionHierarchy: [] },
    );
    expect(await database.query("select count(*)::int as n from events where kind = 'CONFIG_CHANGED'")).toEqual([{ n: 2 }]);
  });

  test('two instances attach to one environment over the same revision: one is revision 2, the other is CONFLICT and writes nothing', async () => {
    const [a, b] = await twoInstances();
    const attach = (service: ControlPlaneService, tag: string, n: number) =>
      service.attachImage({ project: 'shop', service: 'checkout', environment: 'staging', image: image(tag, n), artifactType: 'docker_image' });
    await attach(a, '1.0.0', 1);
    const raw = await rawConnection();
    await raw.query('begin');
    await raw.query("select 1 from overrides where resource_name = 'checkout' and environment = 'staging' for update");
    const writes = settled([attach(a, '2.0.0', 2), attach(b, '3.0.0', 3)]);
    await waitersReach(2);
    await raw.query('commit');
    const [alice, bob] = await writes;
    expect([alice.status, bob.status].sort()).toEqual(['fulfilled', 'rejected']);
    const refused = (alice.status === 'rejected' ? alice : bob) as PromiseRejectedResult;
    const won = (alice.status === 'fulfilled' ? alice : bob) as PromiseFulfilledResult<{ image: string; updatedBy: string; updatedAt: string }>;
    expect(refused.reason).toMatchObject({ kind: 'CONFLICT' });
    expect(refused.reason.message).toBe(
      `the image attached to service checkout in environment staging of project shop changed meanwhile: ${won.value.updatedBy} attached ${won.value.image} at ${won.value.updatedAt} (revision 2), after this command read revision 1; nothing was written; run the command again`,
    );
    expect(await a.getOverride('shop', 'checkout', 'staging')).toMatchObject({ image: won.value.image, revision: 2, updatedBy: won.value.updatedBy });
    const attached = await database.query<{ revision: number }>("select revision from events where kind = 'ATTACHED' order by seq");
    expect(attached.map((e) => e.revision)).toEqual([1, 2]);
  });
});

describe('promotions of one environment run one at a time; other environments do not wait', () => {
  test('with staging held, a promotion into staging waits while one into production completes; released, staging is promoted once', async () => {
    const [a, b] = await twoInstances();
    await a.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT' } });
    const dev = await a.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image('1.0.0', 1), target: { kind: 'environment', value: 'dev' } });
    const raw = await rawConnection();
    await raw.query('select pg_advisory_lock($1::bigint)', [advisoryLockKey(environmentLockName('shop', 'staging'))]);
    const intoStaging = a.promoteArtifact({ project: 'shop', service: 'checkout', from: 'dev', to: 'staging' });
    await waitersReach(1);
    const intoProduction = await b.promoteArtifact({ project: 'shop', service: 'checkout', artifactId: dev.artifact.id, to: 'production' });
    expect(intoProduction).toMatchObject({ created: true, routedTo: 'production' });
    expect(await database.query("select count(*)::int as n from artifacts where registration_value = 'staging'")).toEqual([{ n: 0 }]);
    await raw.query('select pg_advisory_unlock($1::bigint)', [advisoryLockKey(environmentLockName('shop', 'staging'))]);
    expect(await intoStaging).toMatchObject({ created: true, routedTo: 'staging', artifact: { promotedFrom: dev.artifact.id } });
  });
});

describe('a configuration is read as one revision wrote it', () => {
  test('a save committed between the reads of its row and of its rules: the read answers the new revision with its own rules', async () => {
    const [a] = await twoInstances();
    await a.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT', routingRules: [branchRule('main', 'dev', 1)] } });
    const raw = await rawConnection();
    await raw.query('begin');
    // The read gets the row at revision 1, then waits to read the rules while another writer saves revision 2.
    await raw.query('lock table routing_rules in access exclusive mode');
    const read = a.store.findStoredCiConfig('shop', null);
    await waitersReach(1);
    await raw.query("update ci_configs set revision = 2, updated_by = 'carol' where scope = ''");
    await raw.query("update routing_rules set value = 'release/*', route_to = 'staging'");
    await raw.query('commit');
    expect(await read).toMatchObject({ revision: 2, updatedBy: 'carol', config: { routingRules: [{ value: 'release/*', routeTo: 'staging' }] } });
  });
});

describe('the first admin token is minted once, however many instances start together', () => {
  test('6 bootstraps from two instances that all found no token: one token is minted, the others answer none', async () => {
    await twoInstances();
    const raw = await rawConnection();
    await raw.query('begin');
    // Each bootstrap has counted no token once it writes: hold those writes until all six have.
    await raw.query('lock table api_tokens in share row exclusive mode');
    const minted = Array.from({ length: 6 }, (_, i) => stores[i % 2].transaction((s) => bootstrapAdminToken(s, '2025-01-01T00:00:00.000Z')));
    await waitersReach(6);
    await raw.query('commit');
    expect((await Promise.all(minted)).filter((t) => t !== undefined)).toHaveLength(1);
    expect(await database.query('select username from api_tokens')).toEqual([{ username: 'admin' }]);
  });
});

describe('0004_revisions_and_claims on PostgreSQL: CI/CD configurations of every earlier schema get a revision', () => {
  const earlier = Object.keys(SQLITE_MIGRATIONS).sort().slice(0, -1);
  test.each(earlier)('a database left at %s: its configuration is at revision 1, the next change writes revision 2', async (last) => {
    database = await createDatabase();
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: database.url, max: 1 }) }) });
    const older = Object.fromEntries(Object.entries(SQLITE_MIGRATIONS).filter(([name]) => name <= last));
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => older } }).migrateToLatest();
    await db.destroy();
    expect(error).toBeUndefined();
    await database.query("insert into projects (name, synced_at) values ('shop', '2025-01-01T00:00:00.000Z')");
    await database.query(
      `insert into ci_configs (project, service, scope, registration_type, ci_strategy, policy, updated_at, updated_by)
       values ('shop', null, '', 'ENVIRONMENT', 'SIMPLE', '{}', '2025-01-01T00:00:00.000Z', 'alice')`,
    );
    const file = path.join(tempDir(), 'facets.yaml');
    writeFileSync(file, SHOP_BLUEPRINT);
    stores = [await openPostgresStore(database.url)];
    const service = await startService(stores[0], loadBlueprint(file), { env: {}, identity: { username: 'bob', name: 'Bob' } });
    expect(await service.store.findStoredCiConfig('shop', null)).toMatchObject({ revision: 1, updatedBy: 'alice', config: { registrationType: 'ENVIRONMENT' } });
    await service.configureCi({ project: 'shop', config: { promotionHierarchy: ['dev', 'staging'] } });
    expect(await service.store.findStoredCiConfig('shop', null)).toMatchObject({ revision: 2, updatedBy: 'bob', config: { promotionHierarchy: ['dev', 'staging'] } });
  });
});
