// What changed between two revisions of an environment's override: its fields side by side, and a unified diff.
import { notFound, usage } from './errors';
import type { HistoryEvent, Override } from './model';

/** An override as one revision left it; image null = nothing attached (revision 0, or detached). */
export interface OverrideRevision {
  revision: number;
  kind: 'NONE' | 'ATTACHED' | 'DETACHED';
  image: string | null;
  labels: Partial<Override['labels']>;
  changeLog: string | null;
  at: string | null;
  by: string | null;
}

export interface FieldChange {
  field: string;
  from: string | null;
  to: string | null;
}

const NOTHING: OverrideRevision = { revision: 0, kind: 'NONE', image: null, labels: {}, changeLog: null, at: null, by: null };

/** The revisions an environment's ATTACHED and DETACHED events made, oldest first, after revision 0 (nothing attached). */
export function overrideRevisions(events: HistoryEvent[]): OverrideRevision[] {
  const revisions = events
    .filter((e) => (e.kind === 'ATTACHED' || e.kind === 'DETACHED') && e.revision !== null)
    .map((e): OverrideRevision => {
      const d = e.details as { image?: string; labels?: Override['labels']; changeLog?: string | null };
      const attached = e.kind === 'ATTACHED';
      return { revision: e.revision!, kind: attached ? 'ATTACHED' : 'DETACHED', image: attached ? (d.image ?? null) : null, labels: attached ? (d.labels ?? {}) : {}, changeLog: attached ? (d.changeLog ?? null) : null, at: e.at, by: e.by };
    })
    .sort((a, b) => a.revision - b.revision);
  return [NOTHING, ...revisions];
}

/** `vA..vB`, `A..B`, or `vB` alone (from the revision before it); absent: the newest revision against the one before. */
export function pickRevisions(revisions: OverrideRevision[], range: string | undefined, where: string): [OverrideRevision, OverrideRevision] {
  const newest = revisions[revisions.length - 1].revision;
  const match = range === undefined ? null : /^v?(\d+)(?:\.\.v?(\d+))?$/.exec(range.trim());
  if (range !== undefined && !match) throw usage(`--diff ${range} is not a revision range`, 'write it as v1..v3 (or 1..3), or v3 for the change revision 3 made');
  const to = match ? Number(match[2] ?? match[1]) : newest;
  const from = match && match[2] !== undefined ? Number(match[1]) : to - 1;
  const find = (n: number) => {
    const found = revisions.find((r) => r.revision === n);
    if (found) return found;
    const known = revisions.map((r) => r.revision).join(', ');
    throw notFound(`${where} has no override revision ${n} (known: ${known}; 0 is before anything was attached)`, `pick two of them, e.g. --diff v${Math.max(0, newest - 1)}..v${newest}`, { revision: n, known: revisions.map((r) => r.revision) });
  };
  if (newest === 0) throw notFound(`${where} has no override revisions: nothing was ever attached there`, 'attach an image first (`facetsctl attach`), then compare its revisions');
  return [find(Math.max(0, from)), find(to)];
}

function fields(r: OverrideRevision): Array<[string, string | null]> {
  const l = r.labels;
  return [
    ['spec.release.image', r.image],
    ['metadata.labels.artifactType', l.artifactType ?? null],
    ['metadata.labels.registry', l.registry ?? null],
    ['metadata.labels.repository', l.repository ?? null],
    ['metadata.labels.tag', l.tag ?? null],
    ['changeLog', r.changeLog],
  ];
}

export function fieldChanges(a: OverrideRevision, b: OverrideRevision): FieldChange[] {
  const after = new Map(fields(b));
  return fields(a)
    .filter(([field, value]) => after.get(field) !== value)
    .map(([field, value]) => ({ field, from: value, to: after.get(field) ?? null }));
}

function lines(r: OverrideRevision): string[] {
  if (r.image === null) return [r.kind === 'DETACHED' ? '# detached: nothing attached' : '# nothing attached'];
  return fields(r)
    .filter(([, value]) => value !== null)
    .map(([field, value]) => `${field}: ${value}`);
}

function header(r: OverrideRevision): string {
  return r.kind === 'NONE' ? 'revision 0 (before anything was attached)' : `revision ${r.revision} (${r.kind.toLowerCase()} ${r.at} by ${r.by})`;
}

/** A unified diff of the two revisions' fields (whole, they are a few lines): "-" only in A, "+" only in B. */
export function overrideDiff(where: string, a: OverrideRevision, b: OverrideRevision): string {
  const x = lines(a);
  const y = lines(b);
  // Longest common subsequence, then walk it: the usual line diff, small inputs.
  const lcs = x.map(() => new Array<number>(y.length + 1).fill(0));
  lcs.push(new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) for (let j = y.length - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out = [`--- ${where}, ${header(a)}`, `+++ ${where}, ${header(b)}`, `@@ -1,${x.length} +1,${y.length} @@`];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      out.push(` ${x[i]}`);
      i++;
      j++;
    } else if (i < x.length && (j === y.length || lcs[i + 1][j] >= lcs[i][j + 1])) out.push(`-${x[i++]}`);
    else out.push(`+${y[j++]}`);
  }
  return out.join('\n');
}
