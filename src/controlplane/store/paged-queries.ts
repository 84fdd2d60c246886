// Newest-first pages that stay fast as the project grows: each part of a page is one index-ordered query (no OR,
// which would leave SQLite only the project prefix of an index), parts are merged, and totals count index ranges.
import type { Kysely, Selectable, SelectQueryBuilder } from 'kysely';
import { REGISTRATION_TYPES, type HistoryEvent } from '../../core/model';
import { toEvent } from './rows';
import type { Database } from './schema';
import type { EventQuery } from './store';

type Table = 'events' | 'artifacts';
type Part<T extends Table> = SelectQueryBuilder<Database, T, {}>;
type Order<T extends Table> = Array<[keyof Database[T] & string, 'desc']>;

/** Page `offset..offset+limit` of the union of disjoint parts, each read in `order` no deeper than the page's end. */
async function mergedPage<T extends Table, R>(
  parts: Array<Part<T>>,
  order: Order<T>,
  newer: (a: Database[T], b: Database[T]) => number,
  page: { limit: number; offset: number },
  toItem: (row: any) => R,
): Promise<{ items: R[]; total: number }> {
  const depth = page.offset + page.limit;
  let total = 0;
  const rows: Array<Database[T]> = [];
  for (const part of parts) {
    const { n } = await part.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    total += Number(n);
    if (Number(n) === 0) continue;
    let q = part.selectAll() as unknown as SelectQueryBuilder<Database, T, Database[T]>;
    for (const [column, direction] of order) q = q.orderBy(column as any, direction);
    rows.push(...((await q.limit(depth).execute()) as Array<Database[T]>));
  }
  const items = parts.length > 1 ? rows.sort(newer) : rows;
  return { items: items.slice(page.offset, depth).map(toItem), total };
}

/** The resource's own events, and the project-level events of `projectLevelKinds`, newest first. */
export function listEventsPage(db: Kysely<Database>, q: EventQuery): Promise<{ items: HistoryEvent[]; total: number }> {
  const filter = (part: Part<'events'>, kinds: readonly string[] | undefined) => {
    let p = part.where('project', '=', q.project);
    if (q.environment !== undefined) p = p.where('environment', '=', q.environment);
    if (kinds !== undefined) p = p.where('kind', 'in', kinds);
    return p;
  };
  const wanted = q.kinds && q.kinds.length > 0 ? q.kinds : undefined;
  const parts = [filter(db.selectFrom('events').where('resource_name', '=', q.resourceName), wanted)];
  const projectLevel = (q.projectLevelKinds ?? []).filter((k) => wanted === undefined || wanted.includes(k));
  if (projectLevel.length > 0) parts.push(filter(db.selectFrom('events').where('resource_name', 'is', null), projectLevel));
  return mergedPage(parts, [['seq', 'desc']], (a, b) => Number(b.seq) - Number(a.seq), q, toEvent);
}

/** A CI name's artifact rows, optionally of one registration value (of either registration type), newest first. */
export function listArtifactsPage(
  db: Kysely<Database>,
  ciName: string,
  q: { registrationValue?: string; limit: number; offset: number },
): Promise<{ items: Array<Selectable<Database['artifacts']>>; total: number }> {
  const all = db.selectFrom('artifacts').where('ci_name', '=', ciName);
  // With the registration type named, artifacts_by_value is used on its whole prefix, not on ci_name alone.
  const parts =
    q.registrationValue === undefined
      ? [all]
      : REGISTRATION_TYPES.map((type) => all.where('registration_type', '=', type).where('registration_key', '=', q.registrationValue!));
  const newer = (a: Database['artifacts'], b: Database['artifacts']) =>
    a.created_at === b.created_at ? Number(b.seq) - Number(a.seq) : a.created_at < b.created_at ? 1 : -1;
  return mergedPage(parts, [['created_at', 'desc'], ['seq', 'desc']], newer, q, (row: Selectable<Database['artifacts']>) => row);
}
