// serve on PostgreSQL: the new artifacts that requests register in one turn of the event loop go in as ONE statement
// (arrays of values, unnested), so they share a round trip and a commit (one WAL flush) instead of paying one each.
// Each artifact still goes in only if its unique key is free, with its tag and event only if it did; the statement
// is atomic, so when it fails as a whole (any row's error, a deadlock with another instance's batch) nothing of it
// was written, and each registration of the batch is run again alone, to get its own answer.
import { CompiledQuery, type Kysely } from 'kysely';
import { insertArtifactRecorded, type ArtifactRow, type EventRow, type TagRow } from './postgres-registration';
import type { Database } from './schema';

/** Rows in one statement at most. */
export const MAX_BATCH = 64;

const ARTIFACT_COLUMNS = [
  'id', 'ci_name', 'artifact_uri', 'digest', 'tag', 'artifact_type', 'registry', 'registration_type', 'registration_value', 'identity_key',
  'registration_key', 'external_id', 'description', 'metadata', 'applied_rule', 'promoted', 'promoted_from', 'created_at', 'created_by',
] as const;
const EVENT_COLUMNS = ['id', 'project', 'resource_name', 'environment', 'kind', 'revision', 'summary', 'details', 'at', 'by'] as const;
const INTEGER_COLUMNS = new Set(['promoted', 'revision']);

/** The input's columns: the artifact's, then its tag's (t_), then its event's (e_). */
const INPUT = [
  ...ARTIFACT_COLUMNS.map((c) => ({ name: c, integer: INTEGER_COLUMNS.has(c) })),
  ...['tag', 'artifact_uri', 'created_at'].map((c) => ({ name: `t_${c}`, integer: false })),
  ...EVENT_COLUMNS.map((c) => ({ name: `e_${c}`, integer: INTEGER_COLUMNS.has(c) })),
];
const q = (name: string) => `"${name}"`;
// Rows go in in key order, so that two batches with keys in common (two instances) wait for each other rather than deadlock.
const STATEMENT = `with "input" as (select * from unnest(${INPUT.map((c, i) => `$${i + 1}::${c.integer ? 'integer' : 'text'}[]`).join(', ')}) as "i"(${INPUT.map((c) => q(c.name)).join(', ')})),
"a" as (insert into "artifacts" (${ARTIFACT_COLUMNS.map(q).join(', ')}) select ${ARTIFACT_COLUMNS.map(q).join(', ')} from "input"
  order by "ci_name", "identity_key", "registration_type", "registration_key" on conflict do nothing returning "id"),
"t" as (insert into "artifact_tags" ("artifact_id", "tag", "artifact_uri", "created_at") select "a"."id", "i"."t_tag", "i"."t_artifact_uri", "i"."t_created_at"
  from "a" join "input" "i" on "i"."id" = "a"."id" where "i"."t_tag" is not null),
"e" as (insert into "events" (${EVENT_COLUMNS.map(q).join(', ')}) select ${EVENT_COLUMNS.map((c) => `"i"."e_${c}"`).join(', ')} from "a" join "input" "i" on "i"."id" = "a"."id")
select "id" from "a"`;

interface Registration {
  artifact: ArtifactRow;
  tag: TagRow | null;
  event: EventRow;
  resolve: (inserted: boolean) => void;
  reject: (reason: unknown) => void;
}

/** The registrations' ids that went in. */
async function insertMany(db: Kysely<Database>, batch: Registration[]): Promise<Set<string>> {
  const columns = INPUT.map((): unknown[] => []);
  for (const { artifact, tag, event } of batch) {
    const values = [
      ...ARTIFACT_COLUMNS.map((c) => artifact[c] ?? null),
      tag?.tag ?? null, tag?.artifact_uri ?? null, tag?.created_at ?? null,
      ...EVENT_COLUMNS.map((c) => event[c] ?? null),
    ];
    values.forEach((value, i) => columns[i].push(value));
  }
  const { rows } = await db.executeQuery<{ id: string }>(CompiledQuery.raw(STATEMENT, columns));
  return new Set(rows.map((r) => r.id));
}

/** serve's insertArtifactRecorded on PostgreSQL outside a transaction: true when the artifact went in. */
export function registrationBatches(db: Kysely<Database>): (artifact: ArtifactRow, tag: TagRow | null, event: EventRow) => Promise<boolean> {
  let pending: Registration[] = [];
  let scheduled = false;

  const alone = (r: Registration) => insertArtifactRecorded(db, r.artifact, r.tag, r.event).then(r.resolve, r.reject);
  const flush = async (batch: Registration[]): Promise<void> => {
    if (batch.length === 1) return alone(batch[0]);
    let inserted: Set<string>;
    try {
      inserted = await insertMany(db, batch);
    } catch {
      await Promise.all(batch.map(alone));
      return;
    }
    for (const r of batch) r.resolve(inserted.has(r.artifact.id));
  };
  const take = (): void => {
    scheduled = false;
    const batch = pending;
    pending = [];
    if (batch.length > 0) void flush(batch);
  };

  return (artifact, tag, event) =>
    new Promise<boolean>((resolve, reject) => {
      pending.push({ artifact, tag, event, resolve, reject });
      if (pending.length >= MAX_BATCH) take();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(take);
      }
    });
}
