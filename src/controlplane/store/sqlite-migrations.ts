// Versioned schema of the store, SQLite and PostgreSQL alike (dialect.ts holds the differences), applied in order when
// the store opens (migrate.ts). Never change what a shipped migration does: add one.
import { sql, type Kysely, type Migration } from 'kysely';
import { autoKey, isPostgres } from './dialect';
import { NOTIFY_FUNCTION, notifyTrigger } from './change-notifications';
import { WATCHED_TABLES } from './read-cache';

const initial: Migration = {
  async up(db: Kysely<any>) {
    const key = autoKey(db);
    await db.schema.createTable('projects').addColumn('name', 'text', (c) => c.primaryKey()).addColumn('synced_at', 'text', (c) => c.notNull())
      .addColumn('initial_ci_applied_at', 'text')
      .execute();
    await db.schema
      .createTable('release_streams')
      .addColumn('project', 'text', (c) => c.notNull().references('projects.name').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('prod', 'integer', (c) => c.notNull())
      .addColumn('description', 'text')
      .addPrimaryKeyConstraint('release_streams_pk', ['project', 'name'])
      .execute();
    await db.schema
      .createTable('environments')
      .addColumn('project', 'text', (c) => c.notNull().references('projects.name').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('release_stream', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('environments_pk', ['project', 'name'])
      .execute();
    await db.schema
      .createTable('resources')
      .addColumn('project', 'text', (c) => c.notNull().references('projects.name').onDelete('cascade'))
      .addColumn('resource_type', 'text', (c) => c.notNull())
      .addColumn('resource_name', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('resources_pk', ['project', 'resource_name'])
      .execute();
    await db.schema
      .createTable('registries')
      .addColumn('project', 'text', (c) => c.notNull().references('projects.name').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('uri', 'text', (c) => c.notNull())
      .addColumn('internal', 'integer', (c) => c.notNull())
      .addColumn('insecure', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('registries_pk', ['project', 'name'])
      .execute();
    await db.schema
      .createTable('ci_integrations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project', 'text', (c) => c.notNull().references('projects.name'))
      .addColumn('resource_type', 'text', (c) => c.notNull())
      .addColumn('resource_name', 'text', (c) => c.notNull())
      .addColumn('ci_name', 'text', (c) => c.notNull().unique())
      .addColumn('strategy', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addUniqueConstraint('ci_integrations_resource_unique', ['project', 'resource_name'])
      .execute();
    await db.schema
      .createTable('ci_configs')
      .addColumn('id', key.type, key.build)
      .addColumn('project', 'text', (c) => c.notNull().references('projects.name'))
      .addColumn('service', 'text')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('registration_type', 'text', (c) => c.notNull())
      .addColumn('ci_strategy', 'text', (c) => c.notNull())
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addUniqueConstraint('ci_configs_scope_unique', ['project', 'scope'])
      .execute();
    await db.schema
      .createTable('routing_rules')
      .addColumn('id', key.type, key.build)
      .addColumn('config_id', 'integer', (c) => c.notNull().references('ci_configs.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('metadata_key', 'text', (c) => c.notNull())
      .addColumn('operator', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('route_to', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('routing_rules_config').on('routing_rules').columns(['config_id', 'position']).execute();
    await db.schema
      .createTable('promotion_workflows')
      .addColumn('id', key.type, key.build)
      .addColumn('config_id', 'integer', (c) => c.notNull().unique().references('ci_configs.id').onDelete('cascade'))
      .addColumn('hierarchy', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('artifacts')
      .addColumn('seq', key.type, key.build)
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('ci_name', 'text', (c) => c.notNull().references('ci_integrations.ci_name'))
      .addColumn('artifact_uri', 'text', (c) => c.notNull())
      .addColumn('digest', 'text')
      .addColumn('tag', 'text')
      .addColumn('artifact_type', 'text', (c) => c.notNull())
      .addColumn('registry', 'text')
      .addColumn('registration_type', 'text', (c) => c.notNull())
      .addColumn('registration_value', 'text')
      .addColumn('identity_key', 'text', (c) => c.notNull())
      .addColumn('registration_key', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text')
      .addColumn('description', 'text')
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('applied_rule', 'text')
      .addColumn('promoted', 'integer', (c) => c.notNull())
      .addColumn('promoted_from', 'text', (c) => c.references('artifacts.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addUniqueConstraint('artifacts_identity_unique', ['ci_name', 'identity_key', 'registration_type', 'registration_key'])
      .execute();
    await db.schema.createIndex('artifacts_by_value').on('artifacts').columns(['ci_name', 'registration_type', 'registration_key', 'created_at', 'seq']).execute();
    await db.schema.createIndex('artifacts_by_time').on('artifacts').columns(['ci_name', 'created_at', 'seq']).execute();
    await db.schema
      .createTable('overrides')
      .addColumn('project', 'text', (c) => c.notNull().references('projects.name'))
      .addColumn('resource_type', 'text', (c) => c.notNull())
      .addColumn('resource_name', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('image', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('change_log', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('overrides_pk', ['project', 'resource_name', 'environment'])
      .execute();
    await db.schema
      .createTable('events')
      .addColumn('seq', key.type, key.build)
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('resource_name', 'text')
      .addColumn('environment', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer')
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('by', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('events_by_resource').on('events').columns(['project', 'resource_name', 'seq']).execute();
    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('api_tokens_by_user').on('api_tokens').column('username').execute();
  },
};

/** history -e: the resource's events of one environment, in order, without reading its other events. */
const queryIndexes: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('events_by_environment').on('events').columns(['project', 'resource_name', 'environment', 'seq']).execute();
  },
};

/** An artifact knows every tag it was registered under; each artifact's own tag is carried over. */
const artifactTags: Migration = {
  async up(db: Kysely<any>) {
    const key = autoKey(db);
    await db.schema
      .createTable('artifact_tags')
      .addColumn('seq', key.type, key.build)
      .addColumn('artifact_id', 'text', (c) => c.notNull().references('artifacts.id').onDelete('cascade'))
      .addColumn('tag', 'text', (c) => c.notNull())
      .addColumn('artifact_uri', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('artifact_tags_unique', ['artifact_id', 'tag'])
      .execute();
    await sql`insert into artifact_tags (artifact_id, tag, artifact_uri, created_at)
      select id, tag, artifact_uri, created_at from artifacts where tag is not null order by seq`.execute(db);
  },
};

/**
 * Writes made safe by the database itself, not by one lock for every write: a CI/CD configuration carries a revision
 * that a write must still find (optimistic concurrency), and a claim is a row that only its first inserter gets.
 */
const revisionsAndClaims: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('ci_configs').addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    await db.schema.createTable('claims').addColumn('name', 'text', (c) => c.primaryKey()).addColumn('claimed_at', 'text', (c) => c.notNull()).execute();
  },
};

/**
 * serve's read cache (read-cache.ts) on PostgreSQL: every statement that writes a table it reads from notifies the
 * other instances on commit. SQLite needs nothing stored: each connection makes temp triggers of its own.
 */
const changeNotifications: Migration = {
  async up(db: Kysely<any>) {
    if (!isPostgres(db)) return;
    await sql.raw(NOTIFY_FUNCTION).execute(db);
    for (const table of WATCHED_TABLES) await sql.raw(notifyTrigger(table)).execute(db);
  },
};

/** By name, in the order they apply; tests open a database with a prefix of them to build an older schema. */
export const SQLITE_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_initial': initial,
  '0002_query_indexes': queryIndexes,
  '0003_artifact_tags': artifactTags,
  '0004_revisions_and_claims': revisionsAndClaims,
  '0005_change_notifications': changeNotifications,
};
