// Lets a control plane list a registry's repositories and tags through the OCI distribution API.
import type { ContainerRegistry } from '../core/model';
import type { PushCredentials, RegistryBrowser } from '../controlplane/types';

export interface RegistryBrowserOptions {
  timeoutMs?: number;
  deadlineMs?: number;
  debug?: (line: string) => void;
  /** CA bundle for registries with a private CA. */
  caFile?: string;
}

export function createRegistryBrowser(options: RegistryBrowserOptions = {}): RegistryBrowser {
  const client = (registry: ContainerRegistry, credentials: PushCredentials | null) => {
    const { RegistryClient } = require('../registry/client') as typeof import('../registry/client');
    // The registry host is the first segment of its URI (host[:port][/path]).
    const host = registry.uri.split('/')[0];
    return new RegistryClient({
      host,
      insecure: registry.insecure,
      caFile: options.caFile,
      timeoutMs: options.timeoutMs,
      deadlineMs: options.deadlineMs,
      debug: options.debug,
      auth: credentials ? { username: credentials.username, password: credentials.password } : undefined,
    });
  };
  const prefix = (registry: ContainerRegistry) => registry.uri.split('/').slice(1).join('/');
  return {
    async repositories(registry, credentials) {
      const repos = await client(registry, credentials).catalog();
      const path = prefix(registry);
      return path ? repos.filter((r) => r === path || r.startsWith(`${path}/`)) : repos;
    },
    async tags(registry, repository, credentials) {
      return client(registry, credentials).listTags(repository);
    },
  };
}
