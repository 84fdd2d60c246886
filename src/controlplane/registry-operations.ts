// Container registries: listing, push credentials (resolved from references, never stored), browsing.
import { FacetsError } from '../core/errors';
import type { ContainerRegistry } from '../core/model';
import type { ServiceContext } from './context';
import type { PushCredentials } from './types';

export function listRegistries(ctx: ServiceContext, project: string): ContainerRegistry[] {
  return ctx.layouts.project(project).registries.map((r) => ({ ...r }));
}

export function getPushCredentials(ctx: ServiceContext, project: string, registry: string, service: string): PushCredentials | null {
  ctx.layouts.service(project, service);
  return credentialsFor(ctx, project, ctx.layouts.registry(project, registry));
}

function credentialsFor(ctx: ServiceContext, project: string, registry: ContainerRegistry): PushCredentials | null {
  const reference = ctx.layouts.layout(project).credentials[registry.name];
  if (!reference || 'dockerConfig' in reference) return null;
  const { username: userVar, password: passwordVar } = reference.fromEnv;
  const username = ctx.env[userVar];
  const password = ctx.env[passwordVar];
  const missing = [username ? null : userVar, password ? null : passwordVar].filter((v): v is string => v !== null);
  if (missing.length > 0) {
    // Missing credentials are an AUTH failure (exit 3), whichever control plane lacks them.
    throw new FacetsError(
      'AUTH',
      `credentials of container registry "${registry.name}" come from ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not set where the control plane runs`,
      `export ${missing.join(' and ')} for the control plane (facetsctl, or \`facetsctl serve\`), or use credentials: {dockerConfig: true} in the blueprint`,
      { registry: registry.name, missing },
    );
  }
  return { registry: registry.name, registryUri: registry.uri, username: username!, password: password! };
}

function browser(ctx: ServiceContext) {
  if (!ctx.registryBrowser) {
    throw new FacetsError('REGISTRY', 'this control plane was started without a registry client, so it cannot list repositories or tags', 'list them from the registry directly, or use a control plane that can reach the registry');
  }
  return ctx.registryBrowser;
}

export async function listRepositories(ctx: ServiceContext, project: string, registry: string): Promise<string[]> {
  const reg = ctx.layouts.registry(project, registry);
  return browser(ctx).repositories(reg, credentialsFor(ctx, project, reg));
}

export async function listTags(ctx: ServiceContext, project: string, registry: string, repository: string): Promise<string[]> {
  const reg = ctx.layouts.registry(project, registry);
  if (repository.trim() === '') throw new FacetsError('USAGE', 'repository name is empty', 'pass a repository, e.g. from `facetsctl registries repos NAME`');
  return browser(ctx).tags(reg, repository, credentialsFor(ctx, project, reg));
}
