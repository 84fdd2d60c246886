// Registering, listing and promoting artifacts; each write is one transaction that re-reads inside, but a new image
// registered to a service that has its integration, which one atomic write stores.
import { checkFreestyleUrl } from '../core/artifact-url';
import { registrationTargets } from '../core/ci-config';
import { configureCommand, deliveryCommand } from '../core/delivery';
import { FacetsError } from '../core/errors';
import { formatImageReference, parseImageReference } from '../core/image-reference';
import { ARTIFACT_TYPES, type Artifact, type ArtifactType, type CiConfig, type CiIntegration, type Page, type Project, type RegistrationType } from '../core/model';
import { checkPolicy } from '../core/policy';
import { nextAfter, validatePromotion } from '../core/promotion';
import { registryHolding } from '../core/registry-match';
import { planRegistration, registrationRefusal } from '../core/registration';
import { targetNoun } from '../core/routing';
import { routingIntegration } from './ci-operations';
import { newEvent, now, paging, type ServiceContext } from './context';
import { monotonicId } from './ids';
import { artifactIdentity } from './store/rows';
import type { IntegrationConfig, Store } from './store/store';
import type { ArtifactQuery, PromoteRequest, RegisterRequest, RegisterResult } from './types';

interface ParsedUri {
  artifactUri: string;
  digest: string | null;
  tag: string | null;
  /** registry host/path of a docker image, to find the project's registry by URI */
  repository: string | null;
}

export function parseArtifactUri(uri: string, type: ArtifactType): ParsedUri {
  if (type === 'docker_image') {
    const ref = parseImageReference(uri);
    return { artifactUri: formatImageReference(ref), digest: ref.digest, tag: ref.tag, repository: `${ref.registry}/${ref.repository}` };
  }
  return { artifactUri: checkFreestyleUrl(uri), digest: null, tag: null, repository: null };
}

export function checkArtifactType(type: ArtifactType | undefined): ArtifactType {
  const value = type ?? 'docker_image';
  if (!ARTIFACT_TYPES.includes(value)) throw new FacetsError('USAGE', `artifact type "${String(value)}" is invalid (use ${ARTIFACT_TYPES.join(' or ')})`);
  return value;
}

/** The named registry (must exist), else the project's registry whose URI prefixes the image's repository. */
export function registryFor(ctx: ServiceContext, project: Project, given: string | undefined, repository: string | null): string | null {
  if (given !== undefined) return ctx.layouts.registry(project.name, given).name;
  if (repository === null) return null;
  return registryHolding(project.registries, repository)?.name ?? null;
}

function checkTarget(ctx: ServiceContext, project: string, kind: 'environment' | 'releaseStream', value: string): void {
  if (kind === 'environment') ctx.layouts.environment(project, value);
  else ctx.layouts.releaseStream(project, value);
}

export async function registerArtifact(ctx: ServiceContext, request: RegisterRequest): Promise<RegisterResult> {
  const project = ctx.layouts.project(request.project);
  ctx.layouts.service(request.project, request.service);
  const artifactType = checkArtifactType(request.artifactType);
  const uri = parseArtifactUri(request.artifactUri, artifactType);
  const registry = registryFor(ctx, project, request.registry, uri.repository);
  const metadata = { ...(request.metadata ?? {}) };
  const plan = (routing: { integration: CiIntegration; config: CiConfig }) => plannedRegistration(ctx, request, routing, { uri, artifactType, registry, metadata });

  // The common case needs no transaction: the service's integration exists (serve keeps it in memory with its
  // configuration) and the image is new, so the one write that stores the artifact with its event (atomic by itself)
  // is all there is. A config changed meanwhile routes it as a registration made just before the change would be.
  const known = routingOf(request, await ctx.store.findIntegrationConfig(request.project, request.service));
  if (known) {
    const planned = plan(known);
    const created = await ctx.store.insertArtifactRecorded(planned.artifact, recordedEvent(ctx, request, planned.artifact, planned.event));
    // Registered already: the artifact there gains the tag, if new, in a transaction that reads it.
    const artifact = created
      ? planned.artifact
      : await ctx.store.transaction(async (store) => {
          const existing = await store.findArtifact(artifactKey(planned.artifact));
          return existing && tagRegistered(ctx, store, request, existing, planned.artifact, planned.event.details);
        });
    if (artifact) return { artifact, ciName: known.integration.ciName, created, routedTo: artifact.registrationValue, rule: artifact.appliedRule };
  }
  // Else (no integration yet, or the artifact vanished meanwhile): read again and write in one transaction.
  return ctx.store.transaction(async (store) => {
    const routing = await routingIntegration(ctx, store, request.project, request.service, REGISTER_ACTION);
    const { artifact, event } = plan(routing);
    const stored = await insertRecorded(ctx, store, request, artifact, event);
    const tagged = stored.created ? stored.artifact : await tagRegistered(ctx, store, request, stored.artifact, artifact, event.details);
    return { artifact: tagged, ciName: routing.integration.ciName, created: stored.created, routedTo: tagged.registrationValue, rule: tagged.appliedRule };
  });
}

const REGISTER_ACTION = 'register an artifact';

/** What routingIntegration answers for an integration read already; null for none yet (made in the transaction). */
function routingOf(request: RegisterRequest, found: IntegrationConfig | null): { integration: CiIntegration; config: CiConfig } | null {
  if (!found) return null;
  const refusal = registrationRefusal(request.project, found.integration.resourceName, found.integration.strategy, found.config, REGISTER_ACTION);
  if (refusal) throw refusal;
  return { integration: found.integration, config: found.config! };
}

/** The artifact a registration stores, routed by `routing`, and the details of its history event. */
function plannedRegistration(
  ctx: ServiceContext,
  request: RegisterRequest,
  { integration, config }: { integration: CiIntegration; config: CiConfig },
  given: { uri: ParsedUri; artifactType: ArtifactType; registry: string | null; metadata: Record<string, string> },
) {
  const { uri, metadata } = given;
  if (request.target.kind !== 'metadata') checkTarget(ctx, request.project, request.target.kind, request.target.value);
  const { registrationValue, rule } = planRegistration(config, {
    kind: request.target.kind,
    value: request.target.kind === 'metadata' ? undefined : request.target.value,
    metadata,
    tag: uri.tag,
    requireRoute: request.requireRoute,
  }, { service: request.service, strategy: integration.strategy });
  const artifact: Artifact = {
    id: monotonicId('art'),
    ciName: integration.ciName,
    artifactUri: uri.artifactUri,
    digest: uri.digest,
    tag: uri.tag,
    tags: uri.tag === null ? [] : [uri.tag],
    artifactType: given.artifactType,
    registry: given.registry,
    registrationType: config.registrationType,
    registrationValue,
    externalId: request.externalId ?? null,
    description: request.description ?? null,
    metadata,
    appliedRule: rule,
    promoted: false,
    promotedFrom: null,
    createdAt: now(ctx),
    createdBy: ctx.identity.username,
  };
  const details = { artifactId: artifact.id, ciName: artifact.ciName, registrationType: artifact.registrationType, registrationValue, rule };
  return { artifact, event: { kind: 'REGISTERED' as const, details, summary: (to: string | null) => `registered ${artifact.artifactUri} to ${to ?? 'nowhere (unrouted)'}` } };
}

/**
 * The same image registered again, perhaps under another tag: the existing artifact keeps every tag it was registered
 * under (a new one is recorded in the history), and is answered under the URI and tag this registration named.
 */
async function tagRegistered(
  ctx: ServiceContext,
  store: Store,
  request: { project: string; service: string },
  existing: Artifact,
  named: Artifact,
  details: Record<string, unknown>,
): Promise<Artifact> {
  // A tag the artifact already has (read in this transaction) is not written again: an unchanged re-push writes nothing.
  const added = named.tag !== null && !existing.tags.includes(named.tag) && (await store.addArtifactTag(existing.id, named.tag, named.artifactUri, named.createdAt));
  const answered = { ...existing, artifactUri: named.artifactUri, tag: named.tag };
  if (!added) return answered;
  const place = eventPlace(existing.registrationType, existing.registrationValue);
  await store.insertEvent(
    newEvent(ctx, 'REGISTERED', {
      project: request.project,
      resourceName: request.service,
      environment: place.environment,
      summary: `registered ${named.artifactUri} to ${place.label ?? 'nowhere (unrouted)'}: artifact ${existing.id} (${existing.artifactUri}) gains tag ${named.tag}`,
      details: { ...details, artifactId: existing.id, tagAdded: named.tag, ...place.details },
    }),
  );
  return { ...answered, tags: [...existing.tags, named.tag!] };
}

/**
 * Where a registration or promotion event happened: an ENVIRONMENT value is the event's environment (so `history
 * --environment` lists it); a release stream spans environments, so it is named in the details and the summary instead.
 */
function eventPlace(type: RegistrationType, value: string | null): { environment: string | null; label: string | null; details: { releaseStream?: string } } {
  if (value === null) return { environment: null, label: null, details: {} };
  if (type === 'ENVIRONMENT') return { environment: value, label: value, details: {} };
  return { environment: null, label: `release stream ${value}`, details: { releaseStream: value } };
}

/**
 * A new artifact and the history event of where it went (see eventPlace), written together; the same (ciName, digest or
 * URI, registration) returns the existing artifact instead. The insert goes first and the unique index has the last
 * word: the row is read only when it was there (a registration repeated, or a concurrent one).
 */
const artifactKey = (artifact: Artifact) => ({
  ciName: artifact.ciName,
  identity: artifactIdentity(artifact),
  registrationType: artifact.registrationType,
  registrationValue: artifact.registrationValue,
});

type ArtifactEvent = { kind: 'REGISTERED' | 'PROMOTED'; summary: (where: string | null) => string; details: Record<string, unknown> };

/** The history event of a new artifact, at the place it went (eventPlace). */
function recordedEvent(ctx: ServiceContext, request: { project: string; service: string }, artifact: Artifact, event: ArtifactEvent) {
  const place = eventPlace(artifact.registrationType, artifact.registrationValue);
  return newEvent(ctx, event.kind, {
    project: request.project,
    resourceName: request.service,
    environment: place.environment,
    summary: event.summary(place.label),
    details: { ...event.details, ...place.details },
  });
}

async function insertRecorded(
  ctx: ServiceContext,
  store: Store,
  request: { project: string; service: string },
  artifact: Artifact,
  event: ArtifactEvent,
): Promise<{ artifact: Artifact; created: boolean }> {
  if (await store.insertArtifactRecorded(artifact, recordedEvent(ctx, request, artifact, event))) return { artifact, created: true };
  const winner = await store.findArtifact(artifactKey(artifact));
  if (!winner) throw new FacetsError('INTERNAL', `artifact ${artifact.artifactUri} was neither stored nor found after a unique-key conflict`);
  return { artifact: winner, created: false };
}

export async function listArtifacts(ctx: ServiceContext, project: string, service: string, query?: ArtifactQuery): Promise<Page<Artifact>> {
  ctx.layouts.service(project, service);
  const { limit, offset } = paging(query);
  if (query?.registrationValue) requireRegistrationValue(ctx.layouts.project(project), query.registrationValue);
  const integration = await ctx.store.findIntegration(project, service);
  if (!integration) return { items: [], total: 0, limit, offset };
  const page = await ctx.store.listArtifacts(integration.ciName, { registrationValue: query?.registrationValue, limit, offset });
  return { ...page, limit, offset };
}

export async function getArtifact(ctx: ServiceContext, project: string, service: string, artifactId: string): Promise<Artifact> {
  ctx.layouts.service(project, service);
  const integration = await ctx.store.findIntegration(project, service);
  const artifact = await ctx.store.getArtifact(artifactId);
  if (!integration || !artifact || artifact.ciName !== integration.ciName) throw unknownArtifact(artifactId, service, integration?.ciName);
  return artifact;
}

function unknownArtifact(artifactId: string, service: string, ciName: string | undefined): FacetsError {
  return new FacetsError('NOT_FOUND', `artifact ${artifactId} does not exist for service ${service}${ciName ? ` (${ciName})` : ''}`, `run \`facetsctl artifacts list --service ${service}\` to see its artifacts`);
}

/** A filter that names no environment or release stream would list nothing forever: say so instead. */
function requireRegistrationValue(project: Project, value: string): void {
  const environments = project.environments.map((e) => e.name);
  const streams = project.releaseStreams.map((s) => s.name);
  if (environments.includes(value) || streams.includes(value)) return;
  throw new FacetsError(
    'NOT_FOUND',
    `"${value}" is neither an environment nor a release stream of project ${project.name} (environments: ${environments.join(', ') || 'none'}; release streams: ${streams.join(', ') || 'none'})`,
    'pass one of them as the registration value',
    { registrationValue: value, environments, releaseStreams: streams },
  );
}

export async function promoteArtifact(ctx: ServiceContext, request: PromoteRequest): Promise<RegisterResult> {
  ctx.layouts.service(request.project, request.service);
  if (request.artifactId === undefined && request.from === undefined) {
    throw new FacetsError('USAGE', 'promote needs the registration value to promote from, or an artifact id', 'pass --from VALUE (its newest artifact is promoted) or --artifact ID');
  }
  return ctx.store.transaction(async (store) => {
    const { integration, config } = await routingIntegration(ctx, store, request.project, request.service, 'promote an artifact');
    const targets = registrationTargets(config, ctx.layouts.project(request.project));
    const source = await promotionSource(store, integration, config, request, targets);
    const from = source.registrationValue;
    const to = request.to ?? nextLevel(config, from, configureCommand({ service: request.service, strategy: integration.strategy }, `--promotion ${targets.join(',')}`));
    if (request.to !== undefined) {
      if (config.promotionHierarchy.length > 0 && from !== null) validatePromotion(config.promotionHierarchy, from, to);
      else checkTarget(ctx, request.project, config.registrationType === 'ENVIRONMENT' ? 'environment' : 'releaseStream', to);
    }
    checkPolicy(config.policy, { tag: source.tag, registrationValue: to, promoted: true });
    // Promotions into one environment (or release stream) run one at a time, across instances; others' go on.
    await store.lockEnvironment(request.project, to);
    const artifact: Artifact = {
      ...source,
      id: monotonicId('art'),
      registrationValue: to,
      appliedRule: null,
      promoted: true,
      promotedFrom: source.id,
      createdAt: now(ctx),
      createdBy: ctx.identity.username,
    };
    const stored = await insertRecorded(ctx, store, request, artifact, {
      kind: 'PROMOTED',
      summary: (target) => `promoted ${source.artifactUri} from ${eventPlace(artifact.registrationType, from).label ?? 'unrouted'} to ${target}`,
      details: { artifactId: artifact.id, promotedFrom: source.id, from, to },
    });
    return { artifact: stored.artifact, ciName: integration.ciName, created: stored.created, routedTo: to, rule: null };
  });
}

async function promotionSource(store: Store, integration: CiIntegration, config: CiConfig, request: PromoteRequest, targets: string[]): Promise<Artifact> {
  if (request.artifactId !== undefined) {
    const artifact = await store.getArtifact(request.artifactId);
    if (!artifact || artifact.ciName !== integration.ciName) throw unknownArtifact(request.artifactId, integration.resourceName, integration.ciName);
    if (artifact.registrationType !== config.registrationType) {
      throw new FacetsError('CONFLICT', `artifact ${artifact.id} was registered by ${artifact.registrationType} but the registration type is now ${config.registrationType}`, 'register it again under the current registration type');
    }
    return artifact;
  }
  const from = request.from!;
  const artifact = await store.newestArtifact(integration.ciName, config.registrationType, from);
  if (!artifact) {
    const put = deliveryCommand({ service: integration.resourceName, config, strategy: integration.strategy, targets }, from);
    throw new FacetsError('NOT_FOUND', `no artifact registered to ${targetNoun(config.registrationType)} "${from}" for ${integration.ciName}`, `put one there first: \`${put}\``);
  }
  return artifact;
}

/** `setHierarchy`: the `ci configure` that sets one with the project's own values. */
function nextLevel(config: CiConfig, from: string | null, setHierarchy: string): string {
  if (from === null) throw new FacetsError('USAGE', 'the artifact is unrouted, so there is no next level to promote it to', 'pass --to VALUE');
  if (config.promotionHierarchy.length === 0) {
    throw new FacetsError('USAGE', 'no promotion hierarchy is configured, so the next level is not known', `pass --to VALUE, or set one with \`${setHierarchy}\``);
  }
  const next = nextAfter(config.promotionHierarchy, from);
  if (next === null) throw new FacetsError('USAGE', `"${from}" is the top of the promotion hierarchy (${config.promotionHierarchy.join(' → ')}); there is nothing to promote it to`);
  return next;
}
