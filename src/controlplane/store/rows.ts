// Row <-> domain mapping shared by SQL stores.
import type { Insertable, Selectable } from 'kysely';
import type { Artifact, ArtifactType, CiIntegration, Criterion, HistoryEvent, HistoryKind, ImageStrategy, Operator, Override, RegistrationType } from '../../core/model';
import { formatArtifactTemplate } from '../../core/artifact-template';
import type { Database } from './schema';
import type { ApiToken } from './store';

export type Row<T extends keyof Database> = Selectable<Database[T]>;

export function toIntegration(row: Row<'ci_integrations'>): CiIntegration {
  return {
    id: row.id,
    ciName: row.ci_name,
    project: row.project,
    resourceType: row.resource_type,
    resourceName: row.resource_name,
    strategy: row.strategy as ImageStrategy,
    artifactTemplate: formatArtifactTemplate(row.ci_name),
    createdAt: row.created_at,
  };
}

export function toCriterion(row: Pick<Row<'routing_rules'>, 'metadata_key' | 'operator' | 'value' | 'priority' | 'route_to'>): Criterion {
  return { metadataKey: row.metadata_key, operator: row.operator as Operator, value: row.value, priority: row.priority, routeTo: row.route_to };
}

/** `tags`: the artifact's rows of artifact_tags, in the order they came in. */
export function toArtifact(row: Row<'artifacts'>, tags: string[]): Artifact {
  return {
    id: row.id,
    ciName: row.ci_name,
    artifactUri: row.artifact_uri,
    digest: row.digest,
    tag: row.tag,
    tags,
    artifactType: row.artifact_type as ArtifactType,
    registry: row.registry,
    registrationType: row.registration_type as RegistrationType,
    registrationValue: row.registration_value,
    externalId: row.external_id,
    description: row.description,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    appliedRule: row.applied_rule ? (JSON.parse(row.applied_rule) as Criterion) : null,
    promoted: row.promoted === 1,
    promotedFrom: row.promoted_from,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export function fromArtifact(a: Artifact): Omit<Row<'artifacts'>, 'seq'> {
  return {
    id: a.id,
    ci_name: a.ciName,
    artifact_uri: a.artifactUri,
    digest: a.digest,
    tag: a.tag,
    artifact_type: a.artifactType,
    registry: a.registry,
    registration_type: a.registrationType,
    registration_value: a.registrationValue,
    identity_key: artifactIdentity(a),
    registration_key: a.registrationValue ?? '',
    external_id: a.externalId,
    description: a.description,
    metadata: JSON.stringify(a.metadata),
    applied_rule: a.appliedRule ? JSON.stringify(a.appliedRule) : null,
    promoted: a.promoted ? 1 : 0,
    promoted_from: a.promotedFrom,
    created_at: a.createdAt,
    created_by: a.createdBy,
  };
}

export function fromEvent(e: HistoryEvent): Insertable<Database['events']> {
  return {
    id: e.id,
    project: e.project,
    resource_name: e.resourceName,
    environment: e.environment,
    kind: e.kind,
    revision: e.revision,
    summary: e.summary,
    details: JSON.stringify(e.details),
    at: e.at,
    by: e.by,
  };
}

/** Same digest = same image, whatever the tag; without a digest the URI stands for it. */
export function artifactIdentity(a: { digest: string | null; artifactUri: string }): string {
  return a.digest ?? a.artifactUri;
}

export function toOverride(row: Row<'overrides'>): Override {
  return {
    project: row.project,
    resourceType: row.resource_type,
    resourceName: row.resource_name,
    environment: row.environment,
    image: row.image,
    labels: JSON.parse(row.labels) as Override['labels'],
    revision: row.revision,
    changeLog: row.change_log,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

export function toEvent(row: Row<'events'>): HistoryEvent {
  return {
    id: row.id,
    kind: row.kind as HistoryKind,
    project: row.project,
    resourceName: row.resource_name,
    environment: row.environment,
    revision: row.revision,
    summary: row.summary,
    details: JSON.parse(row.details) as Record<string, unknown>,
    at: row.at,
    by: row.by,
  };
}

export function toApiToken(row: Row<'api_tokens'>): ApiToken {
  return { id: row.id, username: row.username, name: row.name, tokenHash: row.token_hash, createdAt: row.created_at };
}
