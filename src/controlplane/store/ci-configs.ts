// CI/CD configurations (a row, its routing rules, its promotion workflow) written with optimistic concurrency: a write
// names the id and revision it read, and finds nothing to write when another writer changed the row meanwhile.
import { sql, type Kysely } from 'kysely';
import type { CiConfig, CiStrategy, ImageVersionPolicy, RegistrationType } from '../../core/model';
import { compiledOnce } from './compiled-once';
import { toCriterion, toIntegration, type Row } from './rows';
import type { Database } from './schema';
import type { DeletedCiConfig, IntegrationConfig, StoredCiConfig } from './store';

/**
 * The configuration as one revision wrote it: its row, workflow and rules in one statement (one row per rule), which
 * reads one snapshot on both databases, so a writer committing meanwhile can never mix two revisions.
 */
export async function findStoredCiConfig(db: Kysely<Database>, project: string, service: string | null): Promise<StoredCiConfig | null> {
  const rows = await db
    .selectFrom('ci_configs as c')
    .leftJoin('promotion_workflows as w', 'w.config_id', 'c.id')
    .leftJoin('routing_rules as r', 'r.config_id', 'c.id')
    .select(CONFIG_COLUMNS)
    .select(RULE_COLUMNS)
    .where('c.project', '=', project)
    .where('c.scope', '=', service ?? '')
    .orderBy('r.position')
    .execute();
  return rows.length === 0 ? null : storedFrom(rows);
}

/**
 * A service's integration with the configuration it routes by (its own for SERVICE_CI, else the project's; none for
 * MANUAL) in one statement: what a registration reads first, one round trip instead of two. Null: no integration yet.
 */
export async function findIntegrationConfig(db: Kysely<Database>, project: string, service: string): Promise<IntegrationConfig | null> {
  const { rows } = await integrationConfigQuery(db, [project, service]);
  if (rows.length === 0) return null;
  const integration = toIntegration(rows[0]);
  return { integration, config: rows[0].config_id === null ? null : storedFrom(rows as ConfigRow[]).config };
}

/** The first statement of every registration, built once (compiled-once.ts). */
const integrationConfigQuery = compiledOnce(2, (db, [project, service]) =>
  db
    .selectFrom('ci_integrations as i')
    .leftJoin('ci_configs as c', (join) =>
      join.onRef('c.project', '=', 'i.project').on(sql<boolean>`"c"."scope" = case "i"."strategy" when 'SERVICE_CI' then "i"."resource_name" when 'PROJECT_CI' then '' end`))
    .leftJoin('promotion_workflows as w', 'w.config_id', 'c.id')
    .leftJoin('routing_rules as r', 'r.config_id', 'c.id')
    .selectAll('i')
    .select(CONFIG_COLUMNS)
    .select(RULE_COLUMNS)
    .where('i.project', '=', project)
    .where('i.resource_name', '=', service)
    .orderBy('r.position'),
);

/** The configuration's id is config_id: joined with an integration, `id` is the integration's. */
const CONFIG_COLUMNS = ['c.id as config_id', 'c.revision', 'c.registration_type', 'c.ci_strategy', 'c.policy', 'c.updated_at', 'c.updated_by', 'w.hierarchy'] as const;
const RULE_COLUMNS = ['r.position', 'r.metadata_key', 'r.operator', 'r.value', 'r.priority', 'r.route_to'] as const;

type RuleColumns = Pick<Row<'routing_rules'>, 'metadata_key' | 'operator' | 'value' | 'priority' | 'route_to'>;
/** A left join's row: the rule columns are null for a configuration without rules. */
type ConfigRow = { config_id: number } & Pick<Row<'ci_configs'>, 'revision' | 'registration_type' | 'ci_strategy' | 'policy' | 'updated_at' | 'updated_by'> & {
  hierarchy: string | null;
  position: number | null;
} & { [K in keyof RuleColumns]: RuleColumns[K] | null };

/** A configuration from its joined rows: one per rule, or one whose rule columns are null when it has none. */
function storedFrom(rows: ConfigRow[]): StoredCiConfig {
  const [row] = rows;
  const config: CiConfig = {
    registrationType: row.registration_type as RegistrationType,
    ciStrategy: row.ci_strategy as CiStrategy,
    routingRules: rows.filter((r): r is ConfigRow & RuleColumns => r.position !== null).map(toCriterion),
    promotionHierarchy: row.hierarchy ? (JSON.parse(row.hierarchy) as string[]) : [],
    policy: JSON.parse(row.policy) as ImageVersionPolicy,
  };
  return { config, id: row.config_id, revision: row.revision, updatedAt: row.updated_at, updatedBy: row.updated_by };
}

/** Call inside a transaction: the row is written first (a conditional insert or update), which locks it for the rest. */
export async function saveCiConfig(db: Kysely<Database>, project: string, service: string | null, config: CiConfig, at: string, by: string, read: StoredCiConfig | null): Promise<boolean> {
  const values = { registration_type: config.registrationType, ci_strategy: config.ciStrategy, policy: JSON.stringify(config.policy), updated_at: at, updated_by: by };
  let id: number;
  if (read === null) {
    const made = await db
      .insertInto('ci_configs')
      .values({ project, service, scope: service ?? '', revision: 1, ...values })
      .onConflict((oc) => oc.columns(['project', 'scope']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!made) return false;
    id = made.id;
  } else {
    const changed = await db.updateTable('ci_configs').set({ ...values, revision: read.revision + 1 }).where('id', '=', read.id).where('revision', '=', read.revision).executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) return false;
    id = read.id;
  }
  await db.deleteFrom('routing_rules').where('config_id', '=', id).execute();
  await db.deleteFrom('promotion_workflows').where('config_id', '=', id).execute();
  for (const [position, c] of config.routingRules.entries()) {
    await db
      .insertInto('routing_rules')
      .values({ config_id: id, position, metadata_key: c.metadataKey, operator: c.operator, value: c.value, priority: c.priority, route_to: c.routeTo })
      .execute();
  }
  if (config.promotionHierarchy.length > 0) {
    await db.insertInto('promotion_workflows').values({ config_id: id, hierarchy: JSON.stringify(config.promotionHierarchy) }).execute();
  }
  return true;
}

/** Call inside a transaction: the row goes first, on its revision; its rules and workflow after it. */
export async function deleteCiConfig(db: Kysely<Database>, read: StoredCiConfig): Promise<DeletedCiConfig | null> {
  const gone = await db.deleteFrom('ci_configs').where('id', '=', read.id).where('revision', '=', read.revision).executeTakeFirst();
  if (Number(gone.numDeletedRows) !== 1) return null;
  // The foreign keys cascade; deleting explicitly keeps a database whose foreign keys are off clean too.
  await db.deleteFrom('routing_rules').where('config_id', '=', read.id).execute();
  await db.deleteFrom('promotion_workflows').where('config_id', '=', read.id).execute();
  const previous = read.config;
  return { deletedRoutingRules: previous.routingRules.length, deletedPromotionWorkflow: previous.promotionHierarchy.length > 0, previous };
}
