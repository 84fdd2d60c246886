import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { cachingStatements } from '../../src/controlplane/store/sqlite-statements';
import { openFixture, tempDir } from './fixture';

function scratch(): BetterSqlite3.Database {
  const db = new BetterSqlite3(path.join(tempDir(), 'scratch.db'));
  db.exec('create table t (n integer)');
  db.prepare('insert into t (n) values (1), (2), (3)').run();
  return db;
}

describe('the SQLite store compiles each SQL text once, and keeps a bounded number of them', () => {
  test('the same SQL text is answered with the statement compiled the first time', () => {
    const statements = cachingStatements(scratch());
    const first = statements.prepare('select n from t order by n');
    expect(statements.prepare('select n from t order by n')).toBe(first);
    expect(first.all()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    statements.close();
  });

  test('past the bound the least recently used statement is dropped, and the others are kept', () => {
    const statements = cachingStatements(scratch(), 2);
    const a = statements.prepare('select 1');
    const b = statements.prepare('select 2');
    expect(statements.prepare('select 1')).toBe(a);
    statements.prepare('select 3');
    expect(statements.size).toBe(2);
    expect(statements.prepare('select 1')).toBe(a);
    expect(statements.prepare('select 2')).not.toBe(b);
    statements.close();
  });

  test('a statement still being iterated is not handed out again: the second use gets one of its own', () => {
    const statements = cachingStatements(scratch());
    const sql = 'select n from t order by n';
    const rows = statements.prepare(sql).iterate();
    expect(rows.next().value).toEqual({ n: 1 });
    const again = statements.prepare(sql);
    expect(again.all()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect([...rows]).toEqual([{ n: 2 }, { n: 3 }]);
    statements.close();
  });

  test('statements compiled before another connection changes the schema see the new schema', async () => {
    const fixture = await openFixture();
    const { service } = fixture;
    await service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT' } });
    await service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: '127.0.0.1:5000/shop/checkout:1', target: { kind: 'environment', value: 'dev' } });
    expect((await service.listArtifacts('shop', 'checkout')).total).toBe(1);
    const other = new BetterSqlite3(fixture.dbPath);
    other.exec("alter table artifacts add column later text not null default 'x'; create index artifacts_later on artifacts (later)");
    other.close();
    await service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: '127.0.0.1:5000/shop/checkout:2', target: { kind: 'environment', value: 'dev' } });
    const page = await service.listArtifacts('shop', 'checkout');
    expect(page.items.map((a) => a.tag).sort()).toEqual(['1', '2']);
  });
});
