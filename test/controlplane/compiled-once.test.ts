// Statements built once per dialect and run with each call's values, on both stores in one run (so that each dialect
// gets SQL of its own from the same module-level statement).
import { sql } from 'kysely';
import { compiledOnce, rowInsert } from '../../src/controlplane/store/compiled-once';
import { SqlStore } from '../../src/controlplane/store/sql-store';
import { openStoreOf, STORE_KINDS } from './both-stores';

const insertClaim = rowInsert('claims', { ignoreConflict: true });
const claimedAt = compiledOnce(1, (db, [name]) => db.selectFrom('claims').select('claimed_at').where('name', '=', name));

/** The store's kysely instance, which these statements run on. */
const dbOf = (store: unknown) => (store as { db: ConstructorParameters<typeof SqlStore>[0] }).db;

describe.each(STORE_KINDS)('on %s', (kind) => {
  test('each call runs with its own values; a conflict inserts nothing and says so', async () => {
    const db = dbOf(await openStoreOf(kind));
    expect(await insertClaim(db, { name: 'a', claimed_at: '2026-01-01' })).toBe(true);
    expect(await insertClaim(db, { name: 'b', claimed_at: '2026-01-02' })).toBe(true);
    expect(await insertClaim(db, { name: 'a', claimed_at: '2026-01-03' })).toBe(false);
    expect((await claimedAt(db, ['a'])).rows).toEqual([{ claimed_at: '2026-01-01' }]);
    expect((await claimedAt(db, ['b'])).rows).toEqual([{ claimed_at: '2026-01-02' }]);
    expect((await claimedAt(db, ['c'])).rows).toEqual([]);
  });

  test('a statement that would put a value into its SQL text is refused at its first run', async () => {
    const db = dbOf(await openStoreOf(kind));
    const inlined = compiledOnce(1, (kysely, [name]) => kysely.selectFrom('claims').select(sql.lit(name).as('x')));
    await expect(inlined(db, ['a'])).rejects.toThrow(/must take each of its 1 values as a parameter/);
  });
});
