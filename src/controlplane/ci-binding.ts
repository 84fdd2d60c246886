// Binding a CI name that a client generated (Facets createArtifactCI) to the one resource whose generated names it fits.
import { CI_NAME_SUFFIX_LENGTH, ciNamePrefix, isCiNameOf } from '../core/ci-name';
import { FacetsError } from '../core/errors';
import type { CiIntegration, Resource } from '../core/model';
import { newIntegration } from './ci-operations';
import type { ServiceContext } from './context';
import type { CiNameBinding } from './types';

/** A resource whose name has no letters or digits has no generated names, so no CI name fits it. */
function prefixOf(project: string, resource: Resource): string | null {
  try {
    return ciNamePrefix(project, resource.resourceName);
  } catch {
    return null;
  }
}

/** The resource ciName fits; of several whose names fold alike, the one that has no CI name yet. */
function fittingResource(project: string, resources: Resource[], ciName: string, named: CiIntegration[]): Resource {
  const fitting = resources.filter((r) => prefixOf(project, r) !== null && isCiNameOf(ciName, project, r.resourceName));
  const unnamed = fitting.filter((r) => !named.some((i) => i.resourceName === r.resourceName));
  if (fitting.length === 1) return fitting[0];
  if (unnamed.length === 1) return unnamed[0];
  if (unnamed.length > 1) {
    throw new FacetsError(
      'CONFLICT',
      `CI name "${ciName}" fits more than one resource of project ${project}: ${unnamed.map((r) => r.resourceName).join(', ')} (their names fold to the same prefix)`,
      'rename one of them in the blueprint so that their CI-name prefixes differ',
    );
  }
  if (fitting.length > 1) throw alreadyNamed(fitting[0].resourceName, named.find((i) => i.resourceName === fitting[0].resourceName)!);
  const prefixes = resources.map((r) => prefixOf(project, r)).filter((p): p is string => p !== null);
  throw new FacetsError(
    'USAGE',
    `CI name "${ciName}" does not fit any resource of project ${project}: it must be <project>-<resource>- as generated (${prefixes.join(', ') || 'no resource'}) followed by exactly ${CI_NAME_SUFFIX_LENGTH} characters [a-z0-9]`,
    'generate it with the project and resource names (lowercase, accents dropped, other characters folded to "-", shortened to fit 63 characters)',
  );
}

function takenBy(ciName: string, integration: CiIntegration): FacetsError {
  return new FacetsError(
    'CONFLICT',
    `CI name "${ciName}" is already bound to service ${integration.resourceName} of project ${integration.project}`,
    `generate another name, or use ${integration.resourceName}'s own`,
  );
}

function alreadyNamed(service: string, integration: CiIntegration): FacetsError {
  return new FacetsError(
    'CONFLICT',
    `service ${service} of project ${integration.project} already has the CI name "${integration.ciName}"`,
    `use "${integration.ciName}": a service keeps the CI name of its first interaction`,
    { ciName: integration.ciName },
  );
}

/** A name bound before: to a service of the project that it fits, the idempotent answer; to anything else, taken. */
function boundBefore(ctx: ServiceContext, project: string, ciName: string, byName: CiIntegration): CiNameBinding {
  const serves = ctx.layouts.project(project).resources.some((r) => r.resourceName === byName.resourceName);
  if (byName.project === project && serves && isCiNameOf(ciName, project, byName.resourceName)) return { integration: byName, created: false };
  throw takenBy(ciName, byName);
}

/** Binds ciName to its resource of the project; a concurrent binder's row wins and decides the answer. */
export async function bindCiName(ctx: ServiceContext, project: string, ciName: string): Promise<CiNameBinding> {
  const layout = ctx.layouts.project(project);
  const byName = await ctx.store.findIntegrationByCiName(ciName);
  if (byName) return boundBefore(ctx, project, ciName, byName);
  const resource = fittingResource(project, layout.resources, ciName, await ctx.store.listIntegrations(project));
  const service = resource.resourceName;
  return ctx.store.transaction(async (store) => {
    const byService = await store.findIntegration(project, service);
    if (byService) throw alreadyNamed(service, byService);
    const integration = newIntegration(ctx, project, resource, ciName);
    if (await store.insertIntegration(integration, ctx.identity.username)) return { integration, created: true };
    const raced = await store.findIntegrationByCiName(ciName);
    if (raced) return boundBefore(ctx, project, ciName, raced);
    const named = await store.findIntegration(project, service);
    if (named) throw alreadyNamed(service, named);
    throw new FacetsError('INTERNAL', `CI name "${ciName}" was neither stored nor found after a unique-key conflict`);
  });
}
