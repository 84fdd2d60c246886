import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openStore } from '../../src/controlplane';
import { image, openFixture, SHOP_BLUEPRINT, tempDir } from './fixture';

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
    expect(migrations).toEqual(['0001_initial', '0002_query_indexes']);
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
    expect(inspect(again.dbPath).migrations).toEqual(['0001_initial', '0002_query_indexes']);
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
