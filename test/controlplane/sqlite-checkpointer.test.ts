// serve's SQLite checkpoints run in a worker thread: what commits leave in the WAL reaches the database file with no
// further write, and the store closes with its data whole. On real database files.
import path from 'node:path';
import { statSync, writeFileSync } from 'node:fs';
import { loadBlueprint } from '../../src/controlplane/blueprint';
import { startService } from '../../src/controlplane/embedded';
import { openStore } from '../../src/controlplane/store/sqlite';
import type { Store } from '../../src/controlplane/store/store';
import { branchRule } from '../../src/core/routing';
import { image, SHOP_BLUEPRINT, tempDir } from './fixture';

let store: Store | undefined;

afterEach(async () => {
  await store?.close();
  store = undefined;
});

const REGISTRATIONS = 40;

/** A store on a new file with REGISTRATIONS artifacts registered: few enough WAL pages that no commit checkpoints. */
async function registered(options: Parameters<typeof openStore>[1]) {
  const dir = tempDir();
  const file = path.join(dir, 'state.db');
  store = await openStore(file, options);
  const blueprint = path.join(dir, 'facets.yaml');
  writeFileSync(blueprint, SHOP_BLUEPRINT);
  const service = await startService(store, loadBlueprint(blueprint), { env: {} });
  await service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT', routingRules: [branchRule('main', 'dev', 1)] } });
  const before = statSync(file).size;
  for (let n = 0; n < REGISTRATIONS; n++) {
    await service.registerArtifact({ project: 'shop', service: 'checkout', artifactUri: image(`1.0.${n}`, n + 1), target: { kind: 'environment', value: 'dev' } });
  }
  return { file, before };
}

/** Polls until the database file has grown past `size`, or `ms` have passed; the size it ends at. */
async function grownPast(file: string, size: number, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  while (statSync(file).size <= size && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return statSync(file).size;
}

test('with background checkpoints, the commits reach the database file with no further write', async () => {
  const failures: string[] = [];
  const { file, before } = await registered({ checkpointInBackground: (f) => failures.push(f) });
  expect(await grownPast(file, before, 10_000)).toBeGreaterThan(before);
  expect(failures).toEqual([]);
});

test('without them (a command\'s store), the same commits stay in the WAL until a checkpoint', async () => {
  const { file, before } = await registered({});
  expect(await grownPast(file, before, 500)).toBe(before);
});

test('closing stops the worker and keeps every artifact; the file opens again', async () => {
  const { file } = await registered({ checkpointInBackground: () => undefined });
  await store!.close();
  store = await openStore(file);
  const ciName = (await store.findIntegration('shop', 'checkout'))!.ciName;
  expect(await store.countArtifacts(ciName)).toBe(REGISTRATIONS);
});
