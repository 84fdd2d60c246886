// What the registration workflow needs from its caller (the CLI's factory has this shape) and what it reports back.
import type { ContainerRegistry } from '../core/model';
import type { PushProgressEvent } from '../docker/push-stream';
import type { RegistryAuth } from '../registry/auth';
import type { RegistryOptions } from '../registry/client';
import type { PlatformConfigs } from './fast-path';

export type { RegistryAuth };

/** What the workflow and the commands read from a container registry (src/registry's RegistryClient has this shape). */
export interface RegistryReader {
  ping(): Promise<void>;
  headManifest(repository: string, reference: string): Promise<{ digest: string; mediaType: string; size: number }>;
  listTags(repository: string, opts?: { pageSize?: number }): Promise<string[]>;
  catalog(opts?: { pageSize?: number }): Promise<string[]>;
  /** The image config's `created` (ISO 8601), or null when it has none. */
  imageCreated(repository: string, reference: string): Promise<string | null>;
}

/** What push also reads: the tag's manifest digest and image config digest (the local image ID of an engine-built image). */
export interface RegistryImageReader extends RegistryReader {
  imageConfigDigest(repository: string, reference: string): Promise<{ digest: string; mediaType: string; size: number; configDigest: string | null }>;
  /** An index's entries with their image config digests; null when the reference is one image. */
  indexConfigDigests(repository: string, reference: string): Promise<{ digest: string; platforms: PlatformConfigs } | null>;
}

/** The invocation's environment and clients; the workflow asks for nothing else. */
export interface WorkflowContext {
  env: Record<string, string | undefined>;
  cwd: string;
  homedir: string;
  registryClient(registry: ContainerRegistry, auth?: RegistryAuth): RegistryImageReader;
  /** Host, TLS and credentials of `registry`, for the native push's own connections. */
  registryOptions(registry: ContainerRegistry, auth?: RegistryAuth): RegistryOptions;
  debug(message: string): void;
}

/** What the workflow is doing, for the caller to show (spinner, progress lines, warnings) or ignore. */
export type WorkflowEvent =
  | { kind: 'verify-started'; image: string; registry: string }
  | { kind: 'verify-ended' }
  | { kind: 'unverified'; image: string }
  | { kind: 'push-skipped'; image: string; digest: string }
  | { kind: 'push-started'; image: string; layers: number }
  | { kind: 'push-progress'; image: string; layers: number; progress: PushProgressEvent }
  | { kind: 'push-retry'; attempt: number; delayMs: number; error: Error }
  | { kind: 'push-ended' }
  | { kind: 'pushed'; image: string; digest: string; attempts: number }
  | { kind: 'untag-failed'; image: string; error: Error };

export type OnWorkflowEvent = (event: WorkflowEvent) => void;
