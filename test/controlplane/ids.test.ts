import { monotonicId } from '../../src/controlplane/ids';

describe('ids sort in creation order and end in 8 random hex digits', () => {
  test('ids made one after another, across many refills of the random pool, sort in that order and never repeat', () => {
    const ids = Array.from({ length: 5000 }, () => monotonicId('art'));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^art_[0-9a-z]{13}[0-9a-f]{8}$/);
  });

  test('the random part differs from one id to the next (it is not the pool read twice)', () => {
    const tails = Array.from({ length: 2000 }, () => monotonicId('ev').slice(-8));
    expect(new Set(tails).size).toBeGreaterThan(1990);
  });
});
