// Manual attach (per-environment overrides with revisions), history, and resolution per environment.
import { FacetsError } from '../core/errors';
import type { Artifact, HistoryEvent, HistoryKind, Override, Page, Project, Resolution } from '../core/model';
import { registriesHolding } from '../core/registry-match';
import { registrationTargets } from '../core/ci-config';
import { resolveArtifact } from '../core/resolution';
import { checkArtifactType, parseArtifactUri, registryFor } from './artifact-operations';
import { effectiveCiConfig, ensureIntegration } from './ci-operations';
import { newEvent, now, paging, type ServiceContext } from './context';
import { staleWrite } from './stale-write';
import type { OverrideState, Store } from './store/store';
import type { AttachRequest, HistoryQuery } from './types';

const HISTORY_KINDS: readonly HistoryKind[] = ['REGISTERED', 'PROMOTED', 'ATTACHED', 'DETACHED', 'CONFIG_CHANGED', 'CONFIG_RESET', 'STRATEGY_CHANGED'];
/** Project-level configuration changes are listed in every service's history (none has an environment, so --environment leaves them out). */
const PROJECT_CONFIG_KINDS: HistoryKind[] = ['CONFIG_CHANGED', 'CONFIG_RESET'];

/** Internal registries (e.g. facets-config-auto) are refused whether named with --registry or reached by the image's URI. */
function refuseInternalRegistry(project: Project, named: string | undefined, uri: { artifactUri: string; repository: string | null }): void {
  const hint = `use one of: ${project.registries.filter((r) => !r.internal).map((r) => `${r.name} (${r.uri})`).join(', ') || 'none'} (\`facetsctl registries list\`)`;
  const byName = named === undefined ? undefined : project.registries.find((r) => r.name === named);
  if (byName?.internal) throw new FacetsError('USAGE', `container registry "${byName.name}" is internal and is not offered for manual attach`, hint);
  const byUri = uri.repository === null ? undefined : registriesHolding(project.registries, uri.repository).find((r) => r.internal);
  if (byUri) {
    throw new FacetsError('USAGE', `container registry "${byUri.name}" is internal and is not offered for manual attach (image ${uri.artifactUri} is under its URI ${byUri.uri})`, hint);
  }
}

const sameLabels = (a: Override['labels'], b: Override['labels']) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/** The refusal of an attach or detach after another writer recorded a revision of the same override since `read`. */
async function staleOverride(store: Store, project: string, service: string, environment: string, read: number): Promise<FacetsError> {
  const { override, revision, last } = await store.getOverrideState(project, service, environment);
  const did = override ? `attached ${override.image}` : `detached ${last?.image ?? 'the image'}`;
  const now = last && { revision, by: last.updatedBy, at: last.updatedAt, did };
  return staleWrite(`the image attached to service ${service} in environment ${environment} of project ${project}`, read, now);
}

/** A write that names the override's revision it read (0 = none attached) is refused when another one is stored now. */
async function requireOverrideRevision(store: Store, project: string, service: string, environment: string, state: OverrideState, expected: number | undefined): Promise<void> {
  if (expected === undefined || expected === (state.override?.revision ?? 0)) return;
  throw await staleOverride(store, project, service, environment, expected);
}

export async function attachImage(ctx: ServiceContext, request: AttachRequest): Promise<Override> {
  const project = ctx.layouts.project(request.project);
  const resource = ctx.layouts.service(request.project, request.service);
  ctx.layouts.environment(request.project, request.environment);
  const artifactType = checkArtifactType(request.artifactType);
  const uri = parseArtifactUri(request.image, artifactType);
  const registry = registryFor(ctx, project, request.registry, uri.repository);
  refuseInternalRegistry(project, request.registry, uri);
  const ref = artifactType === 'docker_image' ? uri.repository : null;
  const labels: Override['labels'] = { artifactType };
  if (registry !== null) labels.registry = registry;
  const repository = request.repository ?? (ref !== null ? ref.slice(ref.indexOf('/') + 1) : undefined);
  if (repository !== undefined) labels.repository = repository;
  const tag = request.tag ?? uri.tag ?? undefined;
  if (tag !== undefined) labels.tag = tag;

  return ctx.store.transaction(async (store) => {
    await ensureIntegration(ctx, store, request.project, request.service);
    const state = await store.getOverrideState(request.project, request.service, request.environment);
    await requireOverrideRevision(store, request.project, request.service, request.environment, state, request.expectedRevision);
    // The same image with the same labels again: a new revision would change nothing that deploys.
    if (state.override && state.override.image === uri.artifactUri && sameLabels(state.override.labels, labels)) return state.override;
    const override: Override = {
      project: request.project,
      resourceType: resource.resourceType,
      resourceName: request.service,
      environment: request.environment,
      image: uri.artifactUri,
      labels,
      revision: state.revision + 1,
      changeLog: request.changeLog ?? null,
      updatedAt: now(ctx),
      updatedBy: ctx.identity.username,
    };
    if (!(await store.saveOverride(override))) throw await staleOverride(store, request.project, request.service, request.environment, state.revision);
    const verb = state.override ? 're-attached' : 'attached';
    await store.insertEvent(
      newEvent(ctx, 'ATTACHED', {
        project: request.project,
        resourceName: request.service,
        environment: request.environment,
        revision: override.revision,
        summary: `${verb} ${override.image} to environment ${request.environment} (revision ${override.revision})`,
        details: { image: override.image, labels, previousImage: state.override?.image ?? null, changeLog: override.changeLog },
      }),
    );
    return override;
  });
}

export async function detachImage(ctx: ServiceContext, project: string, service: string, environment: string, expectedRevision?: number): Promise<Override> {
  ctx.layouts.service(project, service);
  ctx.layouts.environment(project, environment);
  return ctx.store.transaction(async (store) => {
    const state = await store.getOverrideState(project, service, environment);
    await requireOverrideRevision(store, project, service, environment, state, expectedRevision);
    if (!state.override) {
      throw new FacetsError('NOT_FOUND', `service ${service} has no image attached in environment ${environment}`, `run \`facetsctl attach --service ${service} --environment ${environment} ...\` to attach one`);
    }
    const revision = state.revision + 1;
    const at = now(ctx);
    if (!(await store.deactivateOverride(project, service, environment, revision, at, ctx.identity.username))) throw await staleOverride(store, project, service, environment, state.revision);
    await store.insertEvent(
      newEvent(ctx, 'DETACHED', {
        project,
        resourceName: service,
        environment,
        revision,
        summary: `detached ${state.override.image} from environment ${environment} (revision ${revision})`,
        details: { image: state.override.image, labels: state.override.labels },
      }),
    );
    return { ...state.override, revision, updatedAt: at, updatedBy: ctx.identity.username };
  });
}

export async function getOverride(ctx: ServiceContext, project: string, service: string, environment: string): Promise<Override | null> {
  ctx.layouts.service(project, service);
  ctx.layouts.environment(project, environment);
  return (await ctx.store.getOverrideState(project, service, environment)).override;
}

export async function history(
  ctx: ServiceContext,
  project: string,
  service: string,
  query?: HistoryQuery,
): Promise<Page<HistoryEvent>> {
  ctx.layouts.service(project, service);
  if (query?.environment !== undefined) ctx.layouts.environment(project, query.environment);
  for (const kind of query?.kinds ?? []) {
    if (!HISTORY_KINDS.includes(kind)) throw new FacetsError('USAGE', `history kind "${String(kind)}" is invalid (use ${HISTORY_KINDS.join(', ')})`);
  }
  const { limit, offset } = paging(query);
  const page = await ctx.store.listEvents({ project, resourceName: service, projectLevelKinds: PROJECT_CONFIG_KINDS, environment: query?.environment, kinds: query?.kinds, limit, offset });
  return { items: page.items, total: page.total, limit, offset };
}

export async function resolve(ctx: ServiceContext, project: string, service: string, environment?: string): Promise<Resolution[]> {
  const layout = ctx.layouts.project(project);
  ctx.layouts.service(project, service);
  const environments = environment === undefined ? layout.environments : [ctx.layouts.environment(project, environment)];
  const store = ctx.store;
  {
    const integration = await store.findIntegration(project, service);
    // Without an integration the service will inherit the project's configuration: hints follow it.
    const config = integration ? (await effectiveCiConfig(ctx, store, project, integration)).config : await store.findCiConfig(project, null);
    const results: Resolution[] = [];
    for (const env of environments) {
      const { override } = await store.getOverrideState(project, service, env.name);
      const artifacts: Artifact[] = [];
      if (integration) {
        const byEnvironment = await store.newestArtifact(integration.ciName, 'ENVIRONMENT', env.name);
        const byStream = await store.newestArtifact(integration.ciName, 'RELEASE_STREAM', env.releaseStream);
        for (const a of [byEnvironment, byStream]) if (a) artifacts.push(a);
      }
      results.push(
        resolveArtifact({
          environment: env,
          service,
          ciName: integration?.ciName ?? null,
          strategy: integration?.strategy ?? null,
          config,
          targets: config ? registrationTargets(config, layout) : undefined,
          override,
          artifacts,
        }),
      );
    }
    return results;
  }
}
