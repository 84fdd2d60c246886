// Shared set-up for registry tests: client options and upload targets for each running registry.
import crypto from 'node:crypto';
import type { RegistryOptions } from '../../src/registry';
import { getInfra } from '../support/infra';
import type { UploadTarget } from '../support/registry-upload';

export type RegistryName = 'open' | 'basic' | 'token' | 'tls';
export const REGISTRY_NAMES: RegistryName[] = ['open', 'basic', 'token', 'tls'];

/** The upload target (with credentials and CA) of one running registry. */
export function uploadTarget(name: RegistryName): UploadTarget {
  const registry = getInfra().registries[name];
  return { url: registry.url, ...('username' in registry ? { username: registry.username, password: registry.password } : {}), ...('caFile' in registry ? { caFile: registry.caFile } : {}) };
}

/** Client options for one running registry, with its credentials and CA; fast retries for tests. */
export function clientOptions(name: RegistryName, overrides: Partial<RegistryOptions> = {}): RegistryOptions {
  const target = uploadTarget(name);
  const auth = target.username ? { username: target.username, password: target.password } : undefined;
  return { host: getInfra().registries[name].host, auth, caFile: target.caFile, retryDelayMs: 10, ...overrides };
}

/** A repository name no other test uses, so tests can share one registry. */
export function uniqueRepository(prefix: string): string {
  return `test/${prefix}-${crypto.randomBytes(4).toString('hex')}`;
}

export const randomLayer = (bytes = 512) => crypto.randomBytes(bytes);
