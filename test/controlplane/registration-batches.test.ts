// serve's new registrations on PostgreSQL go in together (postgres-registration-batches.ts), on a real database: many
// at once share statements; the same artifact registered many times at once goes in once, with one tag and one event;
// a row that the database refuses fails alone.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadBlueprint } from '../../src/controlplane/blueprint';
import { startService } from '../../src/controlplane/embedded';
import { monotonicId } from '../../src/controlplane/ids';
import { openPostgresStore } from '../../src/controlplane/store/postgres';
import type { Store } from '../../src/controlplane/store/store';
import type { Artifact, HistoryEvent } from '../../src/core/model';
import { createDatabase, type TestDatabase } from '../support/postgres';
import { digest, SHOP_BLUEPRINT, tempDir } from './fixture';

let store: Store | undefined;
let database: TestDatabase | undefined;
const statements: string[] = [];

afterEach(async () => {
  await store?.close();
  await database?.drop();
  store = undefined;
  database = undefined;
  statements.length = 0;
});

/** serve's store on a new database, with the checkout service's CI name made; that name. */
async function served(): Promise<string> {
  database = await createDatabase();
  store = await openPostgresStore(database.url, { batchRegistrations: true, onQuery: (sql) => statements.push(sql) });
  const file = path.join(tempDir(), 'facets.yaml');
  writeFileSync(file, SHOP_BLUEPRINT);
  const service = await startService(store, loadBlueprint(file), { env: {} });
  return (await service.ensureCiIntegration('shop', 'checkout')).ciName;
}

function registration(ciName: string, n: number, tag = `1.0.${n}`): [Artifact, HistoryEvent] {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
  const artifact: Artifact = {
    id: monotonicId('art'), ciName, artifactUri: `127.0.0.1:5000/shop/checkout:${tag}@${digest(n)}`, digest: digest(n), tag, tags: [tag],
    artifactType: 'docker_image', registry: null, registrationType: 'ENVIRONMENT', registrationValue: 'dev', externalId: null, description: null,
    metadata: { n: String(n) }, appliedRule: null, promoted: false, promotedFrom: null, createdAt: at, createdBy: 'ci',
  };
  const event: HistoryEvent = { id: monotonicId('ev'), kind: 'REGISTERED', project: 'shop', resourceName: 'checkout', environment: 'dev', revision: null, summary: `registered ${n}`, details: { artifactId: artifact.id }, at, by: 'ci' };
  return [artifact, event];
}

const count = async (table: string) => Number((await database!.query<{ n: string }>(`select count(*) as n from ${table}`))[0].n);
const batched = () => statements.filter((sql) => sql.includes('unnest(')).length;

test('50 registrations at once: every one stored with its tag and event, in fewer statements than registrations', async () => {
  const ciName = await served();
  const inserted = await Promise.all(Array.from({ length: 50 }, (_, n) => store!.insertArtifactRecorded(...registration(ciName, n))));
  expect(inserted.every(Boolean)).toBe(true);
  expect([await count('artifacts'), await count('artifact_tags'), await count('events')]).toEqual([50, 50, 50]);
  expect(batched()).toBeGreaterThan(0);
  expect(batched()).toBeLessThan(50);
  const stored = await store!.findArtifact({ ciName, identity: digest(7), registrationType: 'ENVIRONMENT', registrationValue: 'dev' });
  expect(stored).toMatchObject({ tags: ['1.0.7'], metadata: { n: '7' }, createdBy: 'ci', promoted: false });
});

test('the same artifact 20 times at once, in one batch: stored once, with one tag and one event; one call is told so', async () => {
  const ciName = await served();
  const inserted = await Promise.all(Array.from({ length: 20 }, () => store!.insertArtifactRecorded(...registration(ciName, 3, 'same'))));
  expect(inserted.filter(Boolean)).toHaveLength(1);
  expect([await count('artifacts'), await count('artifact_tags'), await count('events')]).toEqual([1, 1, 1]);
});

test('a row the database refuses (unknown CI name) fails alone; the rest of its batch is stored', async () => {
  const ciName = await served();
  const calls = Array.from({ length: 10 }, (_, n) => store!.insertArtifactRecorded(...registration(n === 4 ? 'no-such-ci-name' : ciName, n)));
  const results = await Promise.allSettled(calls);
  expect(results.map((r) => r.status)).toEqual(Array.from({ length: 10 }, (_, n) => (n === 4 ? 'rejected' : 'fulfilled')));
  expect(String((results[4] as PromiseRejectedResult).reason)).toMatch(/foreign key/i);
  expect([await count('artifacts'), await count('events')]).toEqual([9, 9]);
});
