// Statements prepared by name on each PostgreSQL connection: kept once, bounded, and prepared again when another
// instance's migration changes a table under a kept plan. On the real PostgreSQL that global setup started.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { Pool } from 'pg';
import { loadBlueprint } from '../../src/controlplane/blueprint';
import { startService } from '../../src/controlplane/embedded';
import { openPostgresStore } from '../../src/controlplane/store/postgres';
import { branchRule } from '../../src/core/routing';
import { PREPARED_PER_CONNECTION, preparingPool } from '../../src/controlplane/store/postgres-statements';
import type { Store } from '../../src/controlplane/store/store';
import { createDatabase, type TestDatabase } from '../support/postgres';
import { image, SHOP_BLUEPRINT, tempDir } from './fixture';

let database: TestDatabase;
let pool: Pool | undefined;
let checkedOut: { release(): void } | undefined;
let store: Store | undefined;

beforeEach(async () => {
  database = await createDatabase();
});

afterEach(async () => {
  // The pool ends only once its connection is back, whether or not the test got that far.
  checkedOut?.release();
  checkedOut = undefined;
  await pool?.end();
  pool = undefined;
  await store?.close();
  store = undefined;
  await database.drop();
});

/** One connection through the preparing pool, and what it holds prepared (asked on that same connection). */
async function oneConnection() {
  pool = new Pool({ connectionString: database.url, max: 1 });
  const client = await preparingPool(pool).connect();
  checkedOut = client;
  const run = async (text: string, values: unknown[] = []) => (await client.query<Record<string, unknown>>(text, values)).rows;
  // Asked on that same connection, given back to the pool first.
  const prepared = async () => {
    checkedOut?.release();
    checkedOut = undefined;
    return (await pool!.query<{ statement: string }>('select statement from pg_prepared_statements')).rows.map((r) => r.statement);
  };
  return { run, prepared };
}

test('a statement run twice is prepared once, by name, and answers as unnamed', async () => {
  const { run, prepared } = await oneConnection();
  await database.query('create table t (id int primary key, name text)');
  await run('insert into t (id, name) values ($1, $2)', [1, 'one']);
  await run('insert into t (id, name) values ($1, $2)', [2, 'two']);
  expect(await run('select name from t where id = $1', [2])).toEqual([{ name: 'two' }]);
  expect((await prepared()).sort()).toEqual(['insert into t (id, name) values ($1, $2)', 'select name from t where id = $1']);
});

test('transaction control is not prepared, and a connection keeps at most the bound', async () => {
  const { run, prepared } = await oneConnection();
  await run('begin');
  for (let n = 0; n < PREPARED_PER_CONNECTION + 5; n++) expect(await run(`select ${n} as n`)).toEqual([{ n }]);
  await run('commit');
  const kept = await prepared();
  expect(kept).toHaveLength(PREPARED_PER_CONNECTION);
  expect(kept).not.toContain(`select ${PREPARED_PER_CONNECTION} as n`);
});

test('a kept plan whose table another instance changed is prepared again, outside a transaction', async () => {
  const { run } = await oneConnection();
  await database.query('create table t (id int primary key)');
  await database.query('insert into t values (1)');
  expect(await run('select * from t')).toEqual([{ id: 1 }]);
  await database.query('alter table t add column name text default $$x$$');
  expect(await run('select * from t')).toEqual([{ id: 1, name: 'x' }]);
});

test('a registration whose transaction met such a plan runs again whole, and is stored once', async () => {
  store = await openPostgresStore(database.url, { poolSize: 1 });
  const file = path.join(tempDir(), 'facets.yaml');
  writeFileSync(file, SHOP_BLUEPRINT);
  const service = await startService(store, loadBlueprint(file), { env: {} });
  await service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT', routingRules: [branchRule('main', 'dev', 1)], promotionHierarchy: ['dev', 'staging'] } });
  const register = (version: string, n: number) =>
    service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image(version, n), target: { kind: 'environment', value: 'dev' } });
  await register('1.0.0', 1);
  // Another instance's migration: a registration reads `select * from ci_integrations` in its transaction.
  await database.query('alter table ci_integrations add column added_later text');
  const second = await register('1.0.1', 2);
  expect(second.created).toBe(true);
  expect(await database.query('select count(*)::int as n from artifacts')).toEqual([{ n: 2 }]);
});
