// The statements one registration runs, on both stores: each is a round trip on PostgreSQL, so their number is the
// floor of a registration's latency there. Counted with the store's own statement hook on real databases.
import path from 'node:path';
import { statSync, writeFileSync } from 'node:fs';
import { loadBlueprint } from '../../src/controlplane/blueprint';
import { startService } from '../../src/controlplane/embedded';
import type { ControlPlaneService } from '../../src/controlplane/service';
import { openStore } from '../../src/controlplane/store/sqlite';
import type { Store } from '../../src/controlplane/store/store';
import { branchRule } from '../../src/core/routing';
import { openStoreOf, STORE_KINDS, type StoreKind } from './both-stores';
import { image, SHOP_BLUEPRINT, tempDir } from './fixture';

let statements: string[] = [];

async function serviceOn(kind: StoreKind): Promise<ControlPlaneService> {
  const store = await openStoreOf(kind, (sql) => statements.push(sql));
  const file = path.join(tempDir(), 'facets.yaml');
  writeFileSync(file, SHOP_BLUEPRINT);
  const service = await startService(store, loadBlueprint(file), { env: {} });
  await service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT', routingRules: [branchRule('main', 'dev', 1)], promotionHierarchy: ['dev', 'staging'] } });
  // The integration exists from here on, as for every registration but a service's first.
  await service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image('0.9.0', 90), target: { kind: 'environment', value: 'dev' } });
  return service;
}

/** The statements `run` issues, each as its verb and table (SQLite's transaction control included). */
async function counted(run: () => Promise<unknown>): Promise<string[]> {
  statements = [];
  await run();
  return statements.map((sql) => {
    // PostgreSQL's one-statement insert: the tables its WITH clauses and main query write.
    if (sql.startsWith('with ')) return `insert into ${[...sql.matchAll(/insert into "(\w+)"/g)].map((m) => m[1]).join(' + ')}`;
    const verb = /^(begin immediate|commit|select|insert into|update|delete from)\b/.exec(sql)?.[1] ?? sql;
    const table = /(?:from|into|update) "(\w+)"/.exec(sql)?.[1];
    return table ? `${verb} ${table}` : verb!;
  });
}

/**
 * A transaction's statements. kysely reports no BEGIN and COMMIT of a PostgreSQL transaction (two round trips more
 * there); SQLite's one-statement writes are transactions of several statements.
 */
const inTransaction = (kind: string, list: string[]) => (kind === 'sqlite' ? ['begin immediate', ...list, 'commit'] : list);

describe.each(STORE_KINDS)('on %s', (kind) => {
  const register = (service: ControlPlaneService) =>
    service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image('1.0.0', 1), target: { kind: 'environment', value: 'dev' } });

  test('a new registration reads its integration with its configuration (one statement), then writes the artifact (no read first), its tag and its event (one statement on PostgreSQL, no transaction)', async () => {
    const service = await serviceOn(kind);
    const writes = kind === 'postgres' ? ['insert into artifacts + artifact_tags + events'] : ['insert into artifacts', 'insert into artifact_tags', 'insert into events'];
    expect(await counted(() => register(service))).toEqual(['select ci_integrations', ...inTransaction(kind, writes)]);
  });

  test('the same registration again finds the artifact there, reads it with its tags in one statement (in a transaction), and writes no tag it has', async () => {
    const service = await serviceOn(kind);
    const first = await register(service);
    const run = await counted(async () => expect(await register(service)).toMatchObject({ created: false, artifact: { id: first.artifact.id, tags: ['1.0.0'] } }));
    const write = kind === 'postgres' ? 'insert into artifacts + artifact_tags + events' : 'insert into artifacts';
    expect(run).toEqual(['select ci_integrations', ...inTransaction(kind, [write]), ...inTransaction(kind, ['select artifacts'])]);
  });
});

describe('on sqlite, the same registration again (an unchanged re-push) writes nothing to the database file', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  test('its write-ahead log stays empty: no page written, nothing to sync or checkpoint at close', async () => {
    const dbPath = path.join(tempDir(), 'state.db');
    const file = path.join(tempDir(), 'facets.yaml');
    writeFileSync(file, SHOP_BLUEPRINT);
    const registration = { project: 'shop', service: 'checkout', artifactUri: image('1.0.0', 1), target: { kind: 'environment' as const, value: 'dev' } };
    store = await openStore(dbPath);
    const service = await startService(store, loadBlueprint(file), { env: {} });
    await service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT', routingRules: [branchRule('main', 'dev', 1)], promotionHierarchy: ['dev', 'staging'] } });
    const first = await service.registerArtifact(registration);
    // Closing the last connection checkpoints the log into the database and removes it.
    await store.close();
    store = await openStore(dbPath);
    const again = await (await startService(store, loadBlueprint(file), { env: {} })).registerArtifact(registration);
    expect(again).toMatchObject({ created: false, artifact: { id: first.artifact.id, tags: ['1.0.0'] } });
    expect(statSync(`${dbPath}-wal`, { throwIfNoEntry: false })?.size ?? 0).toBe(0);
  });
});
