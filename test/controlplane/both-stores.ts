// A store of each kind for tests that run on both: a SQLite file, or a fresh database on the test PostgreSQL; each
// closed (and its database dropped) after the test.
import path from 'node:path';
import { openPostgresStore } from '../../src/controlplane/store/postgres';
import { openStore } from '../../src/controlplane/store/sqlite';
import type { Store } from '../../src/controlplane/store/store';
import { createDatabase, type TestDatabase } from '../support/postgres';
import { tempDir } from './fixture';

export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS: StoreKind[] = ['sqlite', 'postgres'];

let open: { store: Store; database?: TestDatabase } | undefined;

afterEach(async () => {
  await open?.store.close();
  await open?.database?.drop();
  open = undefined;
});

/** A new store of `kind`, closed after the test; onQuery hears each statement it runs. */
export async function openStoreOf(kind: StoreKind, onQuery?: (sql: string) => void): Promise<Store> {
  if (kind === 'sqlite') {
    open = { store: await openStore(path.join(tempDir(), 'state.db'), { onQuery }) };
  } else {
    const database = await createDatabase();
    open = { store: await openPostgresStore(database.url, { onQuery }), database };
  }
  return open.store;
}
