import type { HistoryEvent } from '../../src/core/model';
import { fieldChanges, overrideDiff, overrideRevisions, pickRevisions } from '../../src/core/override-diff';

const event = (kind: HistoryEvent['kind'], revision: number, details: Record<string, unknown>): HistoryEvent => ({
  id: `ev${revision}`,
  kind,
  project: 'shop',
  resourceName: 'checkout',
  environment: 'production',
  revision,
  summary: '',
  details,
  at: `2026-01-0${revision}T00:00:00Z`,
  by: 'admin',
});
const labels = (tag: string) => ({ artifactType: 'docker_image', registry: 'local', repository: 'shop/checkout', tag });
// Newest first, as history lists them; a REGISTERED event has no override revision and is left out.
const EVENTS = [
  event('DETACHED', 3, { image: 'r/shop/checkout:2.0.0@sha256:b', labels: labels('2.0.0') }),
  event('ATTACHED', 2, { image: 'r/shop/checkout:2.0.0@sha256:b', labels: labels('2.0.0'), changeLog: 'hotfix' }),
  { ...event('REGISTERED', 9, {}), revision: null },
  event('ATTACHED', 1, { image: 'r/shop/checkout:1.0.0@sha256:a', labels: labels('1.0.0'), changeLog: null }),
];
const revisions = overrideRevisions(EVENTS);
const where = 'checkout in production';

describe('an override revision is what an ATTACHED or DETACHED event left, after revision 0 (nothing attached)', () => {
  test('oldest first, detached as nothing attached', () => {
    expect(revisions.map((r) => [r.revision, r.kind, r.image])).toEqual([
      [0, 'NONE', null],
      [1, 'ATTACHED', 'r/shop/checkout:1.0.0@sha256:a'],
      [2, 'ATTACHED', 'r/shop/checkout:2.0.0@sha256:b'],
      [3, 'DETACHED', null],
    ]);
  });
});

describe('--diff picks the revisions: vA..vB, A..B, vB alone (against the one before), or the newest two', () => {
  test.each([
    [undefined, [2, 3]],
    ['v1..v2', [1, 2]],
    ['1..3', [1, 3]],
    ['v2', [1, 2]],
    ['1', [0, 1]],
    ['v3..v1', [3, 1]],
  ] as Array<[string | undefined, number[]]>)('%s -> %j', (range, expected) => {
    expect(pickRevisions(revisions, range, where).map((r) => r.revision)).toEqual(expected);
  });

  test.each([
    ['v1..v9', 'NOT_FOUND', 'checkout in production has no override revision 9 (known: 0, 1, 2, 3; 0 is before anything was attached)'],
    ['v1...v2', 'USAGE', '--diff v1...v2 is not a revision range'],
    ['latest', 'USAGE', '--diff latest is not a revision range'],
  ])('%s is refused (%s)', (range, kind, message) => {
    expect(() => pickRevisions(revisions, range, where)).toThrow(expect.objectContaining({ kind, message }));
  });

  test('an environment nothing was ever attached to has nothing to compare (NOT_FOUND)', () => {
    expect(() => pickRevisions(overrideRevisions([]), undefined, where)).toThrow(expect.objectContaining({ kind: 'NOT_FOUND', message: 'checkout in production has no override revisions: nothing was ever attached there' }));
  });
});

describe('the diff shows what changed: the fields, and a unified diff', () => {
  test('a re-attach: image and tag replaced, the change log added', () => {
    const [a, b] = pickRevisions(revisions, 'v1..v2', where);
    expect(fieldChanges(a, b)).toEqual([
      { field: 'spec.release.image', from: 'r/shop/checkout:1.0.0@sha256:a', to: 'r/shop/checkout:2.0.0@sha256:b' },
      { field: 'metadata.labels.tag', from: '1.0.0', to: '2.0.0' },
      { field: 'changeLog', from: null, to: 'hotfix' },
    ]);
    expect(overrideDiff(where, a, b).split('\n')).toEqual([
      '--- checkout in production, revision 1 (attached 2026-01-01T00:00:00Z by admin)',
      '+++ checkout in production, revision 2 (attached 2026-01-02T00:00:00Z by admin)',
      '@@ -1,5 +1,6 @@',
      '-spec.release.image: r/shop/checkout:1.0.0@sha256:a',
      '+spec.release.image: r/shop/checkout:2.0.0@sha256:b',
      ' metadata.labels.artifactType: docker_image',
      ' metadata.labels.registry: local',
      ' metadata.labels.repository: shop/checkout',
      '-metadata.labels.tag: 1.0.0',
      '+metadata.labels.tag: 2.0.0',
      '+changeLog: hotfix',
    ]);
  });

  test('a detach removes every line; from revision 0 every line is added', () => {
    const [a, b] = pickRevisions(revisions, undefined, where);
    expect(overrideDiff(where, a, b).split('\n').slice(3)).toEqual(['-spec.release.image: r/shop/checkout:2.0.0@sha256:b', '-metadata.labels.artifactType: docker_image', '-metadata.labels.registry: local', '-metadata.labels.repository: shop/checkout', '-metadata.labels.tag: 2.0.0', '-changeLog: hotfix', '+# detached: nothing attached']);
    const [zero, one] = pickRevisions(revisions, 'v0..v1', where);
    expect(overrideDiff(where, zero, one).split('\n')[0]).toBe('--- checkout in production, revision 0 (before anything was attached)');
    expect(fieldChanges(zero, one).map((c) => c.field)).toEqual(['spec.release.image', 'metadata.labels.artifactType', 'metadata.labels.registry', 'metadata.labels.repository', 'metadata.labels.tag']);
  });

  test('the same revision twice: no change, every line context', () => {
    const [a, b] = pickRevisions(revisions, 'v2..v2', where);
    expect(fieldChanges(a, b)).toEqual([]);
    expect(overrideDiff(where, a, b).split('\n').slice(3).every((l) => l.startsWith(' '))).toBe(true);
  });
});
