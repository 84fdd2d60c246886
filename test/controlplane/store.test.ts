import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { openStore } from '../../src/controlplane';
import { SQLITE_MIGRATIONS } from '../../src/controlplane/store/sqlite-migrations';
import { digest, image, openFixture, SHOP_BLUEPRINT, tempDir } from './fixture';

const ALL_MIGRATIONS = Object.keys(SQLITE_MIGRATIONS).sort();

function inspect(dbPath: string) {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return {
      journalMode: db.pragma('journal_mode', { simple: true }),
      tables: (db.prepare("select name from sqlite_master where type = 'table' order by name").all() as { name: string }[]).map((r) => r.name),
      migrations: (db.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((r) => r.name),
      indexes: (db.prepare("select sql from sqlite_master where type in ('index', 'table') and sql is not null").all() as { sql: string }[]).map((r) => r.sql),
    };
  } finally {
    db.close();
  }
}

describe('the store is a SQLite file with versioned migrations, WAL, and foreign keys on', () => {
  test('opening a new path creates the directory, the schema and records the migration', async () => {
    const dbPath = path.join(tempDir(), 'nested', 'state.db');
    const store = await openStore(dbPath);
    await store.close();
    const { journalMode, tables, migrations } = inspect(dbPath);
    expect(journalMode).toBe('wal');
    expect(migrations).toEqual(ALL_MIGRATIONS);
    for (const table of ['projects', 'environments', 'release_streams', 'resources', 'registries', 'ci_integrations', 'ci_configs', 'routing_rules', 'promotion_workflows', 'artifacts', 'overrides', 'events', 'api_tokens']) {
      expect(tables).toContain(table);
    }
  });

  test('opening an existing database again applies nothing twice and keeps its state', async () => {
    const fixture = await openFixture();
    const registered = await fixture.service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT' } });
    expect(registered.mode).toBe('CUSTOM');
    const again = await fixture.reopen();
    expect((await again.service.getCiConfig('shop')).config?.registrationType).toBe('ENVIRONMENT');
    expect(inspect(again.dbPath).migrations).toEqual(ALL_MIGRATIONS);
  });

  test('artifacts are unique on (ciName, digest or URI, registration type, registration value), with unrouted as the empty value', async () => {
    const { indexes } = inspect((await openFixture()).dbPath);
    expect(indexes.join('\n')).toMatch(/unique \("ci_name", "identity_key", "registration_type", "registration_key"\)/);
  });

  test('foreign keys are enforced: an artifact cannot name a CI integration that does not exist', async () => {
    const fixture = await openFixture();
    const { artifact } = await (async () => {
      await fixture.service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT' } });
      return fixture.service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image('1.0.0', 1), target: { kind: 'environment', value: 'dev' } });
    })();
    // Matched by code: better-sqlite3's error class comes from the first test file's module registry.
    await expect(fixture.service.store.insertArtifact({ ...artifact, id: 'orphan', ciName: 'no-such-ci-name' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
  });
});

/** A database as an older facetsctl left it: only the migrations up to `last` applied. */
async function databaseAt(dbPath: string, last: string): Promise<void> {
  mkdirSync(path.dirname(dbPath), { recursive: true });
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new BetterSqlite3(dbPath) }) });
  const older = Object.fromEntries(Object.entries(SQLITE_MIGRATIONS).filter(([name]) => name <= last));
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => older } }).migrateToLatest();
  await db.destroy();
  if (error) throw error;
}

/** Rows as 0001's code wrote them: a CI integration and artifacts with their one `tag` column. */
function writeOldRows(dbPath: string, ciName: string): void {
  const db = new BetterSqlite3(dbPath);
  try {
    const at = '2025-01-01T00:00:00.000Z';
    db.prepare('insert into projects (name, synced_at) values (?, ?)').run('shop', at);
    db.prepare("insert into ci_integrations values ('ci_1', 'shop', 'service', 'checkout', ?, 'PROJECT_CI', ?, 'alice')").run(ciName, at);
    const artifact = db.prepare(
      `insert into artifacts (id, ci_name, artifact_uri, digest, tag, artifact_type, registry, registration_type, registration_value, identity_key, registration_key, metadata, promoted, created_at, created_by)
       values (?, ?, ?, ?, ?, ?, 'local', 'ENVIRONMENT', 'dev', ?, 'dev', '{}', 0, ?, 'alice')`,
    );
    artifact.run('art_old1', ciName, image('1.5.0', 1), digest(1), '1.5.0', 'docker_image', digest(1), at);
    artifact.run('art_old2', ciName, 'https://artifacts.example.com/checkout.zip', null, null, 'freestyle', 'https://artifacts.example.com/checkout.zip', at);
  } finally {
    db.close();
  }
}

describe('0003_artifact_tags: a database of the previous schema is migrated, and its artifacts keep their tag', () => {
  test('each artifact of a 0001 database gets its own tag as its first; a new tag of the same digest is added to it', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, '.facets', 'state.db');
    await databaseAt(dbPath, '0001_initial');
    expect(inspect(dbPath).tables).not.toContain('artifact_tags');
    writeOldRows(dbPath, 'shop-checkout-old12345');

    const fixture = await openFixture(SHOP_BLUEPRINT, {}, dir);
    expect(inspect(dbPath).migrations).toEqual(ALL_MIGRATIONS);
    const { service } = fixture;
    expect((await service.getArtifact('shop', 'checkout', 'art_old1')).tags).toEqual(['1.5.0']);
    expect((await service.getArtifact('shop', 'checkout', 'art_old2')).tags).toEqual([]);

    await service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT' } });
    const again = await service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image('2.0.0', 1), target: { kind: 'environment', value: 'dev' } });
    expect(again).toMatchObject({ created: false, artifact: { id: 'art_old1', artifactUri: image('2.0.0', 1), tags: ['1.5.0', '2.0.0'] } });
    expect((await service.listArtifacts('shop', 'checkout')).items.map((a) => [a.id, a.tags])).toEqual([
      ['art_old2', []],
      ['art_old1', ['1.5.0', '2.0.0']],
    ]);
  });
});

describe('0004_revisions_and_claims: CI/CD configurations of every earlier schema get a revision', () => {
  test.each(ALL_MIGRATIONS.slice(0, -1))('a database left at %s: its configuration is at revision 1, the next change writes revision 2', async (last) => {
    const dir = tempDir();
    const dbPath = path.join(dir, '.facets', 'state.db');
    await databaseAt(dbPath, last);
    const db = new BetterSqlite3(dbPath);
    try {
      db.prepare('insert into projects (name, synced_at) values (?, ?)').run('shop', '2025-01-01T00:00:00.000Z');
      db.prepare(
        `insert into ci_configs (project, service, scope, registration_type, ci_strategy, policy, updated_at, updated_by)
         values ('shop', null, '', 'ENVIRONMENT', 'SIMPLE', '{}', '2025-01-01T00:00:00.000Z', 'alice')`,
      ).run();
    } finally {
      db.close();
    }
    const { service } = await openFixture(SHOP_BLUEPRINT, {}, dir);
    expect(inspect(dbPath).migrations).toEqual(ALL_MIGRATIONS);
    expect(await service.store.findStoredCiConfig('shop', null)).toMatchObject({ revision: 1, updatedBy: 'alice', config: { registrationType: 'ENVIRONMENT' } });
    await service.configureCi({ project: 'shop', config: { promotionHierarchy: ['dev', 'staging'] } });
    expect(await service.store.findStoredCiConfig('shop', null)).toMatchObject({ revision: 2, config: { registrationType: 'ENVIRONMENT', promotionHierarchy: ['dev', 'staging'] } });
  });
});

describe('API tokens are stored as hashes only', () => {
  test('createApiToken, findApiTokens and countApiTokens', async () => {
    const store = await openStore(path.join(tempDir(), 'state.db'));
    try {
      expect(await store.countApiTokens()).toBe(0);
      const created = await store.createApiToken('admin', 'bootstrap', 'a'.repeat(64));
      await store.createApiToken('bob', 'ci', 'b'.repeat(64));
      expect(await store.countApiTokens()).toBe(2);
      const found = await store.findApiTokens('admin');
      expect(found).toEqual([created]);
      expect(found[0]).toEqual({ id: expect.any(String), username: 'admin', name: 'bootstrap', tokenHash: 'a'.repeat(64), createdAt: expect.any(String) });
      expect(await store.findApiTokens('nobody')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('the blueprint is the source of truth for the layout; the store mirrors it at open', () => {
  test('environments removed from the blueprint disappear from the mirror on the next open', async () => {
    const fixture = await openFixture();
    const fewer = SHOP_BLUEPRINT.replace('  - {name: staging, releaseStream: QA}\n', '');
    await fixture.close();
    const reopened = await openFixture(fewer, {}, fixture.dir);
    const db = new BetterSqlite3(reopened.dbPath, { readonly: true });
    const names = (db.prepare("select name from environments where project = 'shop' order by name").all() as { name: string }[]).map((r) => r.name);
    db.close();
    expect(names).toEqual(['dev', 'production']);
  });
});
