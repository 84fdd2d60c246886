// The Store over kysely's query builder (portable SQL); opening and transactions are per dialect.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Artifact, CiConfig, CiIntegration, HistoryEvent, ImageStrategy, Override, Project, RegistrationType } from '../../core/model';
import { rowInsert } from './compiled-once';
import { deleteCiConfig, findIntegrationConfig, findStoredCiConfig, saveCiConfig } from './ci-configs';
import { artifactInsert, environmentLockName, isPostgres, lockForTransaction } from './dialect';
import { layoutIsStored, writeLayout } from './layout-mirror';
import { listArtifactsPage, listEventsPage } from './paged-queries';
import { insertArtifactRecorded, type ArtifactRow as ArtifactInsert, type EventRow, type TagRow } from './postgres-registration';
import type { ReadCache } from './read-cache';
import { artifactIdentity, fromArtifact, fromEvent, toApiToken, toArtifact, toIntegration, toOverride } from './rows';
import type { Database } from './schema';
import type { ApiToken, ArtifactKey, DeletedCiConfig, EventQuery, IntegrationConfig, OverrideState, Store, StoredCiConfig } from './store';

type ArtifactRow = Selectable<Database['artifacts']>;

// What every registration writes, built once (compiled-once.ts).
const insertArtifactRow = rowInsert('artifacts', { build: artifactInsert });
const insertTagRow = rowInsert('artifact_tags', { ignoreConflict: true });
const insertEventRow = rowInsert('events');

/** Runs `fn` inside one transaction on a connection of its own. */
export type TransactionRunner = <T>(fn: (db: Kysely<Database>) => Promise<T>) => Promise<T>;

export interface SqlStoreOptions {
  onClose?: () => Promise<void>;
  /** serve's (read-cache.ts); inside a transaction, the view that keeps only what it read before its own writes. */
  cache?: ReadCache;
  /** serve's on PostgreSQL (postgres-registration-batches.ts): new artifacts registered outside a transaction. */
  registrations?: (artifact: ArtifactInsert, tag: TagRow | null, event: EventRow) => Promise<boolean>;
}

export class SqlStore implements Store {
  constructor(
    protected readonly db: Kysely<Database>,
    /** null inside a transaction: nested calls join it. */
    private readonly runTransaction: TransactionRunner | null,
    private readonly options: SqlStoreOptions = {},
  ) {}

  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    if (!this.runTransaction) return fn(this);
    return this.runTransaction((trx) => fn(new SqlStore(trx, null, { cache: this.options.cache?.inTransaction() })));
  }

  async syncLayout(project: Project, at: string): Promise<void> {
    // Every run of the CLI opens the store: an unchanged layout costs reads only, no write lock.
    if (await layoutIsStored(this.db, project)) return;
    await this.transaction(async (s) => {
      // writeLayout upserts the project's row first, which locks it: of many first runs at once, one writes the layout
      // while the others wait for it, then find it stored (or write the same rows again after it, never beside it).
      if (!(await layoutIsStored((s as SqlStore).db, project))) await writeLayout((s as SqlStore).db, project, at);
    });
  }

  async initialCiClaimed(project: string): Promise<boolean> {
    const row = await this.db.selectFrom('projects').select('initial_ci_applied_at').where('name', '=', project).executeTakeFirst();
    return Boolean(row?.initial_ci_applied_at);
  }

  async claimInitialCi(project: string, at: string): Promise<boolean> {
    const result = await this.db.updateTable('projects').set({ initial_ci_applied_at: at }).where('name', '=', project).where('initial_ci_applied_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async claim(name: string, at: string): Promise<boolean> {
    const result = await this.db.insertInto('claims').values({ name, claimed_at: at }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  lockEnvironment(project: string, environment: string): Promise<void> {
    return lockForTransaction(this.db, environmentLockName(project, environment));
  }

  async findIntegration(project: string, resourceName: string): Promise<CiIntegration | null> {
    const row = await this.db.selectFrom('ci_integrations').selectAll().where('project', '=', project).where('resource_name', '=', resourceName).executeTakeFirst();
    return row ? toIntegration(row) : null;
  }

  findIntegrationConfig(project: string, resourceName: string): Promise<IntegrationConfig | null> {
    const read = () => findIntegrationConfig(this.db, project, resourceName);
    return this.options.cache ? this.options.cache.read(`integration\0${project}\0${resourceName}`, read) : read();
  }

  async findIntegrationByCiName(ciName: string): Promise<CiIntegration | null> {
    const row = await this.db.selectFrom('ci_integrations').selectAll().where('ci_name', '=', ciName).executeTakeFirst();
    return row ? toIntegration(row) : null;
  }

  async listIntegrations(project: string): Promise<CiIntegration[]> {
    const rows = await this.db.selectFrom('ci_integrations').selectAll().where('project', '=', project).orderBy('resource_name').execute();
    return rows.map(toIntegration);
  }

  async insertIntegration(i: CiIntegration, createdBy: string): Promise<boolean> {
    const result = await this.db
      .insertInto('ci_integrations')
      .values({
        id: i.id,
        project: i.project,
        resource_type: i.resourceType,
        resource_name: i.resourceName,
        ci_name: i.ciName,
        strategy: i.strategy,
        created_at: i.createdAt,
        created_by: createdBy,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async setIntegrationStrategy(project: string, resourceName: string, from: ImageStrategy, to: ImageStrategy): Promise<boolean> {
    const result = await this.db
      .updateTable('ci_integrations')
      .set({ strategy: to })
      .where('project', '=', project)
      .where('resource_name', '=', resourceName)
      .where('strategy', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async findCiConfig(project: string, service: string | null): Promise<CiConfig | null> {
    return (await this.findStoredCiConfig(project, service))?.config ?? null;
  }

  findStoredCiConfig(project: string, service: string | null): Promise<StoredCiConfig | null> {
    return findStoredCiConfig(this.db, project, service);
  }

  saveCiConfig(project: string, service: string | null, config: CiConfig, at: string, by: string, read: StoredCiConfig | null): Promise<boolean> {
    return this.transaction((s) => saveCiConfig((s as SqlStore).db, project, service, config, at, by, read));
  }

  deleteCiConfig(_project: string, _service: string | null, read: StoredCiConfig): Promise<DeletedCiConfig | null> {
    return this.transaction((s) => deleteCiConfig((s as SqlStore).db, read));
  }

  async findArtifact(key: ArtifactKey): Promise<Artifact | null> {
    // The row with its tags in one statement: one row per tag (a tagless artifact is one row whose tag is null).
    const rows = await this.db
      .selectFrom('artifacts as a')
      .leftJoin('artifact_tags as t', 't.artifact_id', 'a.id')
      .selectAll('a')
      .select('t.tag as registered_tag')
      .where('a.ci_name', '=', key.ciName)
      .where('a.identity_key', '=', key.identity)
      .where('a.registration_type', '=', key.registrationType)
      .where('a.registration_key', '=', key.registrationValue ?? '')
      .orderBy('t.seq')
      .execute();
    if (rows.length === 0) return null;
    return toArtifact(rows[0], rows.flatMap((r) => (r.registered_tag === null ? [] : [r.registered_tag])));
  }

  async getArtifact(id: string): Promise<Artifact | null> {
    const row = await this.db.selectFrom('artifacts').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.withTags(row) : null;
  }

  async insertArtifact(artifact: Artifact): Promise<boolean> {
    return this.transaction(async (s) => {
      const db = (s as SqlStore).db;
      if (!(await insertArtifactRow(db, fromArtifact(artifact)))) return false;
      for (const tag of artifact.tags) await s.addArtifactTag(artifact.id, tag, artifact.artifactUri, artifact.createdAt);
      return true;
    });
  }

  async insertArtifactRecorded(artifact: Artifact, event: HistoryEvent): Promise<boolean> {
    if (isPostgres(this.db) && artifact.tags.length <= 1) {
      const tag = artifact.tags.length === 1 ? { tag: artifact.tags[0], artifact_uri: artifact.artifactUri, created_at: artifact.createdAt } : null;
      const [row, recorded] = [fromArtifact(artifact), fromEvent(event)];
      return this.options.registrations ? this.options.registrations(row, tag, recorded) : insertArtifactRecorded(this.db, row, tag, recorded);
    }
    return this.transaction(async (s) => {
      if (!(await s.insertArtifact(artifact))) return false;
      await s.insertEvent(event);
      return true;
    });
  }

  async addArtifactTag(artifactId: string, tag: string, artifactUri: string, at: string): Promise<boolean> {
    return insertTagRow(this.db, { artifact_id: artifactId, tag, artifact_uri: artifactUri, created_at: at });
  }

  /** The rows as artifacts, each with its tags (one query for them all). */
  private async withTags(row: ArtifactRow): Promise<Artifact>;
  private async withTags(rows: ArtifactRow[]): Promise<Artifact[]>;
  private async withTags(rows: ArtifactRow | ArtifactRow[]): Promise<Artifact | Artifact[]> {
    const list = Array.isArray(rows) ? rows : [rows];
    const tags = new Map<string, string[]>(list.map((r) => [r.id, []]));
    if (list.length > 0) {
      const tagRows = await this.db.selectFrom('artifact_tags').select(['artifact_id', 'tag']).where('artifact_id', 'in', [...tags.keys()]).orderBy('seq').execute();
      for (const t of tagRows) tags.get(t.artifact_id)!.push(t.tag);
    }
    const artifacts = list.map((r) => toArtifact(r, tags.get(r.id)!));
    return Array.isArray(rows) ? artifacts : artifacts[0];
  }

  async listArtifacts(ciName: string, query: { registrationValue?: string; limit: number; offset: number }): Promise<{ items: Artifact[]; total: number }> {
    const page = await listArtifactsPage(this.db, ciName, query);
    return { items: await this.withTags(page.items), total: page.total };
  }

  async newestArtifact(ciName: string, registrationType: RegistrationType, registrationValue: string): Promise<Artifact | null> {
    const row = await this.db
      .selectFrom('artifacts')
      .selectAll()
      .where('ci_name', '=', ciName)
      .where('registration_type', '=', registrationType)
      .where('registration_key', '=', registrationValue)
      .orderBy('created_at', 'desc')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? this.withTags(row) : null;
  }

  async countArtifacts(ciName?: string): Promise<number> {
    let q = this.db.selectFrom('artifacts').select((eb) => eb.fn.countAll<number>().as('n'));
    if (ciName !== undefined) q = q.where('ci_name', '=', ciName);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  async getOverrideState(project: string, resourceName: string, environment: string): Promise<OverrideState> {
    const row = await this.db
      .selectFrom('overrides')
      .selectAll()
      .where('project', '=', project)
      .where('resource_name', '=', resourceName)
      .where('environment', '=', environment)
      .executeTakeFirst();
    if (!row) return { override: null, revision: 0, last: null };
    const last = toOverride(row);
    return { override: row.active === 1 ? last : null, revision: row.revision, last };
  }

  async saveOverride(o: Override): Promise<boolean> {
    const values = {
      resource_type: o.resourceType,
      active: 1,
      image: o.image,
      labels: JSON.stringify(o.labels),
      revision: o.revision,
      change_log: o.changeLog,
      updated_at: o.updatedAt,
      updated_by: o.updatedBy,
    };
    // Revision 1 is the row's first: made only if nobody made it meanwhile; later ones follow the revision read.
    const result =
      o.revision === 1
        ? await this.db
            .insertInto('overrides')
            .values({ project: o.project, resource_name: o.resourceName, environment: o.environment, ...values })
            .onConflict((oc) => oc.doNothing())
            .executeTakeFirst()
            .then((r) => Number(r.numInsertedOrUpdatedRows ?? 0))
        : await this.overrideAt(o.project, o.resourceName, o.environment, o.revision - 1)
            .set(values)
            .executeTakeFirst()
            .then((r) => Number(r.numUpdatedRows));
    return result === 1;
  }

  async deactivateOverride(project: string, resourceName: string, environment: string, revision: number, at: string, by: string): Promise<boolean> {
    const result = await this.overrideAt(project, resourceName, environment, revision - 1)
      .set({ active: 0, revision, updated_at: at, updated_by: by })
      .where('active', '=', 1)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** An update of the override of (project, resource, environment) while it is still at `revision`. */
  private overrideAt(project: string, resourceName: string, environment: string, revision: number) {
    return this.db
      .updateTable('overrides')
      .where('project', '=', project)
      .where('resource_name', '=', resourceName)
      .where('environment', '=', environment)
      .where('revision', '=', revision);
  }

  async insertEvent(e: HistoryEvent): Promise<void> {
    await insertEventRow(this.db, fromEvent(e));
  }

  listEvents(q: EventQuery): Promise<{ items: HistoryEvent[]; total: number }> {
    return listEventsPage(this.db, q);
  }

  async createApiToken(username: string, name: string, tokenHash: string): Promise<ApiToken> {
    const row = { id: randomUUID(), username, name, token_hash: tokenHash, created_at: new Date().toISOString() };
    await this.db.insertInto('api_tokens').values(row).execute();
    return toApiToken(row);
  }

  findApiTokens(username: string): Promise<ApiToken[]> {
    const read = async () => (await this.db.selectFrom('api_tokens').selectAll().where('username', '=', username).orderBy('created_at').execute()).map(toApiToken);
    return this.options.cache ? this.options.cache.read(`tokens\0${username}`, read) : read();
  }

  async countApiTokens(): Promise<number> {
    return Number((await this.db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  close(): Promise<void> {
    return this.options.onClose?.() ?? Promise.resolve();
  }
}

export { artifactIdentity };
