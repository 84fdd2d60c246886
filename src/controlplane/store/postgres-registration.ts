// On PostgreSQL a new artifact, its tag and the history event that records it go in as one statement (data-modifying
// WITH clauses): one round trip instead of three. The tag and the event are inserted from the artifact's own insert,
// so nothing at all is written when the artifact's unique key is taken.
import { sql, type Insertable, type Kysely } from 'kysely';
import { byShape, compiledOnce } from './compiled-once';
import type { Database } from './schema';

export type ArtifactRow = Insertable<Database['artifacts']>;
export type TagRow = Omit<Insertable<Database['artifact_tags']>, 'artifact_id'>;
export type EventRow = Insertable<Database['events']>;

const TAG_COLUMNS = ['tag', 'artifact_uri', 'created_at'] as const;
const EVENT_COLUMNS = ['id', 'project', 'resource_name', 'environment', 'kind', 'revision', 'summary', 'details', 'at', 'by'] as const;
/** Selected from the artifact's insert, parameters have no type PostgreSQL can infer: each is cast to its column's. */
const EVENT_TYPES: Record<(typeof EVENT_COLUMNS)[number], 'text' | 'integer'> = {
  id: 'text', project: 'text', resource_name: 'text', environment: 'text', kind: 'text', revision: 'integer', summary: 'text', details: 'text', at: 'text', by: 'text',
};

/** Statements by the artifact row's columns and whether a tag goes in. */
const statementFor = byShape<ReturnType<typeof build>>();

function build(artifactColumns: string[], tagged: boolean) {
  const typed = (value: string, type: 'text' | 'integer') => (type === 'integer' ? sql`cast(${value} as integer)` : sql`cast(${value} as text)`);
  const count = artifactColumns.length + (tagged ? TAG_COLUMNS.length : 0) + EVENT_COLUMNS.length;
  return compiledOnce(count, (db, markers) => {
    const artifact = Object.fromEntries(artifactColumns.map((c, i) => [c, markers[i]]));
    const tag = markers.slice(artifactColumns.length, artifactColumns.length + (tagged ? TAG_COLUMNS.length : 0));
    const event = markers.slice(markers.length - EVENT_COLUMNS.length);
    const withArtifact = db.with('a', (w) => w.insertInto('artifacts').values(artifact as never).onConflict((oc) => oc.doNothing()).returning('id'));
    // Nothing later reads the tag's WITH clause: its type is left out.
    const withTag = (
      tagged
        ? withArtifact.with('t', (w) =>
            w.insertInto('artifact_tags').columns(['artifact_id', ...TAG_COLUMNS]).expression((eb) =>
              eb.selectFrom('a').select(['a.id', ...TAG_COLUMNS.map((c, i) => typed(tag[i], 'text').as(c))]),
            ),
          )
        : withArtifact
    ) as typeof withArtifact;
    return withTag
      .with('e', (w) =>
        w.insertInto('events').columns([...EVENT_COLUMNS]).expression((eb) => eb.selectFrom('a').select(EVENT_COLUMNS.map((c, i) => typed(event[i], EVENT_TYPES[c]).as(c)))),
      )
      .selectFrom('a')
      .select(sql<number>`count(*)::int`.as('inserted'));
  });
}

/** Inserts the artifact with its tag (if any) and its event; false, and nothing written, when the artifact was there. */
export async function insertArtifactRecorded(db: Kysely<Database>, artifact: ArtifactRow, tag: TagRow | null, event: EventRow): Promise<boolean> {
  const columns = Object.keys(artifact);
  const statement = statementFor(`${columns.join(',')}|${tag ? 'tagged' : ''}`, () => build(columns, tag !== null));
  const values = [...Object.values(artifact), ...(tag ? TAG_COLUMNS.map((c) => tag[c]) : []), ...EVENT_COLUMNS.map((c) => event[c])];
  const { rows } = await statement(db, values);
  return rows[0]?.inserted === 1;
}
