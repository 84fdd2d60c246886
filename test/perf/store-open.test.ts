// Opening the state database on every run costs reads only when nothing changed: no migration run when the schema is
// current, no layout rewrite when the blueprint's layout is already mirrored, no claim of the initial CI/CD once made.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openEmbeddedControlPlane, openStore } from '../../src/controlplane';
import { SQLITE_MIGRATIONS } from '../../src/controlplane/store/sqlite-migrations';
import { shopBlueprint } from '../cli/run-cli';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facetsctl-store-open-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const CI = 'ci:\n  registrationType: ENVIRONMENT\n  branchRules: {main: dev}\n';
const dbPath = () => path.join(dir, '.facets', 'state.db');

async function open(blueprint: string) {
  fs.writeFileSync(path.join(dir, 'facets.yaml'), blueprint);
  const cp = await openEmbeddedControlPlane({ cwd: dir, env: {} });
  await cp.close();
}

function query<T>(sql: string): T[] {
  const db = new BetterSqlite3(dbPath(), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** The project row's synced_at moves only when the layout is written. */
const syncedAt = () => query<{ synced_at: string }>("select synced_at from projects where name = 'shop'")[0].synced_at;

describe('the layout mirror is written when the blueprint layout changed, and only then', () => {
  test('an unchanged blueprint: the mirror is not rewritten (synced_at stays)', async () => {
    await open(shopBlueprint());
    const first = syncedAt();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await open(shopBlueprint());
    expect(syncedAt()).toBe(first);
  });

  test.each([
    ['an environment removed', (t: string) => t.replace('  - {name: staging, releaseStream: QA}\n', '')],
    ['a release stream turned prod', (t: string) => t.replace('{name: QA, prod: false}', '{name: QA, prod: true}')],
    ['a service added', (t: string) => t.replace('  - {name: cart}', '  - {name: cart}\n  - {name: search}')],
    ['a registry URI changed', (t: string) => t.replace('127.0.0.1:5000', '127.0.0.1:5001')],
    ['a registry made insecure', (t: string) => t.replace('uri: "127.0.0.1:5000"', 'uri: "127.0.0.1:5000"\n    insecure: true')],
  ])('%s: the mirror follows', async (_case, edit) => {
    const base = shopBlueprint([{ name: 'open', uri: '127.0.0.1:5000' }]);
    await open(base);
    const first = syncedAt();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await open(edit(base));
    expect(syncedAt()).not.toBe(first);
    const mirrored = {
      environments: query<{ name: string }>("select name from environments where project = 'shop' order by name").map((r) => r.name),
      streams: query<{ name: string; prod: number }>("select name, prod from release_streams where project = 'shop' order by name"),
      services: query<{ resource_name: string }>("select resource_name from resources where project = 'shop' order by resource_name").map((r) => r.resource_name),
      registries: query<{ uri: string; insecure: number }>("select uri, insecure from registries where project = 'shop'"),
    };
    const edited = edit(base);
    expect(mirrored.environments).toEqual(['dev', 'production', 'staging'].filter((e) => edited.includes(`name: ${e},`)));
    expect(mirrored.streams).toEqual([{ name: 'PRODUCTION', prod: 1 }, { name: 'QA', prod: edited.includes('{name: QA, prod: true}') ? 1 : 0 }]);
    expect(mirrored.services).toEqual(edited.includes('search') ? ['cart', 'checkout', 'search'] : ['cart', 'checkout']);
    expect(mirrored.registries).toEqual([{ uri: edited.includes(':5001') ? '127.0.0.1:5001' : '127.0.0.1:5000', insecure: edited.includes('insecure: true') ? 1 : 0 }]);
  });
});

describe('the blueprint\'s initial CI/CD is applied once per database, and later opens do not take the write lock for it', () => {
  test('applied at the first open; a later `ci reset` is not undone by the next open', async () => {
    await open(shopBlueprint([], CI));
    expect(query("select 1 from ci_configs where project = 'shop'")).toHaveLength(1);
    const db = new BetterSqlite3(dbPath());
    db.prepare("delete from ci_configs where project = 'shop'").run();
    db.close();
    await open(shopBlueprint([], CI));
    expect(query("select 1 from ci_configs where project = 'shop'")).toHaveLength(0);
  });
});

describe('a database whose schema is current is opened without the migrator; any other still goes through it', () => {
  test('current schema: opens, and each migration is recorded once', async () => {
    await open(shopBlueprint());
    await open(shopBlueprint());
    expect(query<{ name: string }>('select name from kysely_migration order by name')).toEqual(Object.keys(SQLITE_MIGRATIONS).sort().map((name) => ({ name })));
  });

  test('a database made before 0002_query_indexes: opening it adds the index and records the migration', async () => {
    await open(shopBlueprint());
    const db = new BetterSqlite3(dbPath());
    db.exec("drop index events_by_environment; delete from kysely_migration where name = '0002_query_indexes'");
    db.close();
    await open(shopBlueprint());
    expect(query("select name from sqlite_master where type = 'index' and name = 'events_by_environment'")).toHaveLength(1);
    expect(query<{ name: string }>('select name from kysely_migration order by name').map((r) => r.name)).toEqual(Object.keys(SQLITE_MIGRATIONS).sort());
  });

  test('a database from a newer facetsctl (an unknown migration): the migrator\'s error, as before', async () => {
    await open(shopBlueprint());
    const db = new BetterSqlite3(dbPath());
    db.prepare("insert into kysely_migration (name, timestamp) values ('9999_future', '2030-01-01T00:00:00.000Z')").run();
    db.close();
    await expect(openStore(dbPath())).rejects.toMatchObject({ kind: 'INTERNAL', message: expect.stringMatching(/^migrating the state database .* failed/) });
  });
});
