// The statements one registration runs, on both stores: each is a round trip on PostgreSQL, so their number is the
// floor of a registration's latency there. Counted with the store's own statement hook on real databases.
import path from 'node:path';
import { statSync, writeFileSync } from 'node:fs';
import { loadBlueprint } from '../../src/controlplane/blueprint';
import { startService } from '../../src/controlplane/embedded';
import type { ControlPlaneService } from '../../src/controlplane/service';
import { openPostgresStore } from '../../src/controlplane/store/postgres';
import { openStore } from '../../src/controlplane/store/sqlite';
import type { Store } from '../../src/controlplane/store/store';
import { branchRule } from '../../src/core/routing';
import { createDatabase, type TestDatabase } from '../support/postgres';
import { image, SHOP_BLUEPRINT, tempDir } from './fixture';

let statements: string[] = [];
let store: Store | undefined;
let database: TestDatabase | undefined;

afterEach(async () => {
  await store?.close();
  store = undefined;
  await database?.drop();
  database = undefined;
});

const opens: Record<string, (onQuery: (sql: string) => void) => Promise<Store>> = {
  sqlite: (onQuery) => openStore(path.join(tempDir(), 'state.db'), { onQuery }),
  postgres: async (onQuery) => {
    database = await createDatabase();
    return openPostgresStore(database.url, { onQuery });
  },
};

async function serviceOn(kind: string): Promise<ControlPlaneService> {
  store = await opens[kind]((sql) => statements.push(sql));
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
    const verb = /^(begin immediate|commit|select|insert into|update|delete from)\b/.exec(sql)?.[1] ?? sql;
    const table = /(?:from|into|update) "(\w+)"/.exec(sql)?.[1];
    return table ? `${verb} ${table}` : verb!;
  });
}

/** kysely reports no BEGIN and COMMIT of a PostgreSQL transaction (they are two round trips more there). */
const expected = (kind: string, list: string[]) => (kind === 'sqlite' ? ['begin immediate', ...list, 'commit'] : list);

describe.each(['sqlite', 'postgres'])('on %s', (kind) => {
  const register = (service: ControlPlaneService) =>
    service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image('1.0.0', 1), target: { kind: 'environment', value: 'dev' } });

  test('a new registration reads its integration and its configuration (one statement), then writes the artifact (no read first), its tag and its event', async () => {
    const service = await serviceOn(kind);
    expect(await counted(() => register(service))).toEqual(
      expected(kind, ['select ci_integrations', 'select ci_configs', 'insert into artifacts', 'insert into artifact_tags', 'insert into events']),
    );
  });

  test('the same registration again finds the artifact there, reads it with its tags in one statement, and writes no tag it has', async () => {
    const service = await serviceOn(kind);
    const first = await register(service);
    const run = await counted(async () => expect(await register(service)).toMatchObject({ created: false, artifact: { id: first.artifact.id, tags: ['1.0.0'] } }));
    expect(run).toEqual(expected(kind, ['select ci_integrations', 'select ci_configs', 'insert into artifacts', 'select artifacts']));
  });
});

describe('on sqlite, the same registration again (an unchanged re-push) writes nothing to the database file', () => {
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
