// CI integrations (ciName), image strategies, and project/service CI/CD configuration.
import { formatArtifactTemplate } from '../core/artifact-template';
import { mergeCiConfig, sameCiConfig, validateCiConfig } from '../core/ci-config';
import { registrationRefusal } from '../core/registration';
import { generateCiName } from '../core/ci-name';
import { FacetsError } from '../core/errors';
import { IMAGE_STRATEGIES, type CiConfig, type CiIntegration, type EffectiveCiConfig, type ImageStrategy, type Resource } from '../core/model';
import { newEvent, now, type ServiceContext } from './context';
import { monotonicId } from './ids';
import { staleWrite } from './stale-write';
import type { Store, StoredCiConfig } from './store/store';
import type { ConfigureCiRequest, ResetResult } from './types';

const CI_NAME_ATTEMPTS = 5;

/** A new integration of the resource under ciName: it starts on the project's CI/CD (PROJECT_CI). */
export function newIntegration(ctx: ServiceContext, project: string, resource: Resource, ciName: string): CiIntegration {
  return {
    id: monotonicId('ci'),
    ciName,
    project,
    resourceType: resource.resourceType,
    resourceName: resource.resourceName,
    strategy: 'PROJECT_CI',
    artifactTemplate: formatArtifactTemplate(ciName),
    createdAt: now(ctx),
  };
}

/** Creates the integration on first interaction; a concurrent creator's row wins and is returned. */
export async function ensureIntegration(ctx: ServiceContext, store: Store, project: string, service: string): Promise<CiIntegration> {
  const resource = ctx.layouts.service(project, service);
  const existing = await store.findIntegration(project, service);
  if (existing) return existing;
  for (let attempt = 0; attempt < CI_NAME_ATTEMPTS; attempt++) {
    const integration = newIntegration(ctx, project, resource, generateCiName(project, service));
    if (await store.insertIntegration(integration, ctx.identity.username)) return integration;
    const raced = await store.findIntegration(project, service);
    if (raced) return raced;
    // Otherwise the random ciName collided with another resource's: draw again.
  }
  throw new FacetsError('INTERNAL', `could not generate a unique CI name for ${project}/${service} after ${CI_NAME_ATTEMPTS} attempts`);
}

/** The service's integration, created on first interaction: once it exists, a read that takes no write lock. */
export async function serviceIntegration(ctx: ServiceContext, project: string, service: string): Promise<CiIntegration> {
  ctx.layouts.service(project, service);
  return (await ctx.store.findIntegration(project, service)) ?? ctx.store.transaction((store) => ensureIntegration(ctx, store, project, service));
}

/** The config a service runs on: its own (SERVICE_CI), the project's, live (PROJECT_CI), or none (MANUAL). */
export async function effectiveCiConfig(ctx: ServiceContext, store: Store, project: string, integration: CiIntegration): Promise<Omit<EffectiveCiConfig, 'revision'>> {
  const base = { project, service: integration.resourceName, ciName: integration.ciName, strategy: integration.strategy };
  if (integration.strategy === 'MANUAL') return { ...base, mode: 'NONE', config: null };
  if (integration.strategy === 'SERVICE_CI') {
    const config = await store.findCiConfig(project, integration.resourceName);
    return { ...base, mode: config ? 'CUSTOM' : 'NONE', config };
  }
  const config = await store.findCiConfig(project, null);
  return { ...base, mode: config ? 'INHERITED' : 'NONE', config };
}

/** The effective config with the revision of the configuration stored at its level, which a write there names (If-Match). */
async function ciConfigView(ctx: ServiceContext, store: Store, project: string, service?: string): Promise<EffectiveCiConfig> {
  if (service === undefined) {
    const stored = await store.findStoredCiConfig(project, null);
    return { project, mode: stored ? 'CUSTOM' : 'NONE', config: stored?.config ?? null, revision: stored?.revision ?? 0 };
  }
  const integration = await ensureIntegration(ctx, store, project, service);
  const effective = await effectiveCiConfig(ctx, store, project, integration);
  return { ...effective, revision: (await store.findStoredCiConfig(project, service))?.revision ?? 0 };
}

export async function getCiConfig(ctx: ServiceContext, project: string, service?: string): Promise<EffectiveCiConfig> {
  ctx.layouts.project(project);
  if (service !== undefined) await serviceIntegration(ctx, project, service);
  return ciConfigView(ctx, ctx.store, project, service);
}

/** A write that names the revision it read (expectedRevision, from If-Match) is refused when the stored one differs. */
async function requireRevision(store: Store, project: string, service: string | undefined, read: StoredCiConfig | null, expected: number | undefined): Promise<void> {
  if (expected === undefined || expected === (read?.revision ?? 0)) return;
  throw await staleCiConfig(store, project, service, read, expected);
}

export async function configureCi(ctx: ServiceContext, request: ConfigureCiRequest): Promise<EffectiveCiConfig> {
  const { project, service, config: change, expectedRevision } = request;
  const layout = ctx.layouts.project(project);
  if (service !== undefined) ctx.layouts.service(project, service);
  return ctx.store.transaction(async (store) => {
    const read = await store.findStoredCiConfig(project, service ?? null);
    await requireRevision(store, project, service, read, expectedRevision);
    const current = read?.config ?? null;
    const merged = mergeCiConfig(current, change);
    validateCiConfig(merged, layout);
    if (!sameCiConfig(current, merged)) {
      if (!(await store.saveCiConfig(project, service ?? null, merged, now(ctx), ctx.identity.username, read))) throw await staleCiConfig(store, project, service, read);
      await store.insertEvent(
        newEvent(ctx, 'CONFIG_CHANGED', {
          project,
          resourceName: service ?? null,
          summary: `CI/CD configuration of ${configLevel(service)} ${current ? 'changed' : 'created'} (${merged.registrationType}, ${merged.ciStrategy})${projectLevelNote(service)}`,
          details: { previous: current, config: merged },
        }),
      );
    }
    if (service !== undefined) await switchStrategy(ctx, store, project, service, 'SERVICE_CI');
    return ciConfigView(ctx, store, project, service);
  });
}

export async function resetCi(ctx: ServiceContext, project: string, service?: string, expectedRevision?: number): Promise<ResetResult> {
  ctx.layouts.project(project);
  if (service !== undefined) ctx.layouts.service(project, service);
  return ctx.store.transaction(async (store) => {
    const read = await store.findStoredCiConfig(project, service ?? null);
    await requireRevision(store, project, service, read, expectedRevision);
    if (!read) return { deletedRoutingRules: 0, deletedPromotionWorkflow: false, previous: null };
    const deleted = await store.deleteCiConfig(project, service ?? null, read);
    if (!deleted) throw await staleCiConfig(store, project, service, read);
    await store.insertEvent(
      newEvent(ctx, 'CONFIG_RESET', {
        project,
        resourceName: service ?? null,
        summary: `CI/CD configuration of ${configLevel(service)} reset: ${deleted.deletedRoutingRules} routing rule(s) and ${deleted.deletedPromotionWorkflow ? 'the' : 'no'} promotion workflow deleted${projectLevelNote(service)}`,
        details: { ...deleted },
      }),
    );
    return deleted;
  });
}

/** The refusal of a CI/CD write whose configuration another writer saved, made or reset after `read`. */
async function staleCiConfig(store: Store, project: string, service: string | undefined, read: StoredCiConfig | null, readRevision = read?.revision ?? 0): Promise<FacetsError> {
  const now = await store.findStoredCiConfig(project, service ?? null);
  const did = readRevision === 0 ? 'made it' : read && now?.id === read.id && now.revision > readRevision ? 'saved it' : 'reset it and made it anew';
  const current = now && { revision: now.revision, by: now.updatedBy, at: now.updatedAt, did };
  return staleWrite(`the CI/CD configuration of ${service === undefined ? '' : `service ${service} of `}project ${project}`, readRevision, current);
}

const configLevel = (service?: string) => (service === undefined ? 'project' : `service ${service}`);
// Project-level events are listed in every service's history, so their summary says whom they concern.
const projectLevelNote = (service?: string) => (service === undefined ? '; applies to every service on PROJECT_CI' : '');

export async function setImageStrategy(ctx: ServiceContext, project: string, service: string, strategy: ImageStrategy): Promise<CiIntegration> {
  if (!IMAGE_STRATEGIES.includes(strategy)) {
    throw new FacetsError('USAGE', `image strategy "${String(strategy)}" is invalid (use ${IMAGE_STRATEGIES.join(', ')})`, 'pass --strategy PROJECT_CI, SERVICE_CI or MANUAL');
  }
  return ctx.store.transaction((store) => switchStrategy(ctx, store, project, service, strategy));
}

async function switchStrategy(ctx: ServiceContext, store: Store, project: string, service: string, strategy: ImageStrategy): Promise<CiIntegration> {
  let integration = await ensureIntegration(ctx, store, project, service);
  // Set only over the strategy read: when another writer changed it meanwhile, start again from theirs.
  while (integration.strategy !== strategy && !(await store.setIntegrationStrategy(project, service, integration.strategy, strategy))) {
    integration = await ensureIntegration(ctx, store, project, service);
  }
  if (integration.strategy === strategy) return integration;
  await store.insertEvent(
    newEvent(ctx, 'STRATEGY_CHANGED', {
      project,
      resourceName: service,
      summary: `image strategy changed from ${integration.strategy} to ${strategy}`,
      details: { previous: integration.strategy, strategy },
    }),
  );
  return { ...integration, strategy };
}

/**
 * The service's integration (made on first use) and the config registrations route with, read in one statement once
 * the integration exists; refuses MANUAL services and services with no config.
 */
export async function routingIntegration(ctx: ServiceContext, store: Store, project: string, service: string, action: string): Promise<{ integration: CiIntegration; config: CiConfig }> {
  const found = await store.findIntegrationConfig(project, service);
  const integration = found?.integration ?? (await ensureIntegration(ctx, store, project, service));
  const config = found ? found.config : (await effectiveCiConfig(ctx, store, project, integration)).config;
  const refusal = registrationRefusal(project, integration.resourceName, integration.strategy, config, action);
  if (refusal) throw refusal;
  return { integration, config: config! };
}
