// The service's request/result shapes. They mirror src/api/control-plane.ts structurally
// (the control plane sits below the api layer, so it cannot import from there).
import type { ArtifactType, Artifact, CiConfig, ContainerRegistry, Criterion, ImageStrategy, Project } from '../core/model';

export interface Identity {
  username: string;
  name: string;
}

export type RegistrationTarget =
  | { kind: 'environment'; value: string }
  | { kind: 'releaseStream'; value: string }
  | { kind: 'metadata' };

export interface RegisterRequest {
  project: string;
  service: string;
  artifactUri: string;
  artifactType?: ArtifactType;
  registry?: string;
  target: RegistrationTarget;
  metadata?: Record<string, string>;
  externalId?: string;
  description?: string;
  requireRoute?: boolean;
}

export interface RegisterResult {
  artifact: Artifact;
  ciName: string;
  created: boolean;
  routedTo: string | null;
  rule: Criterion | null;
}

export interface ConfigureCiRequest {
  project: string;
  service?: string;
  config: Partial<CiConfig>;
}

export interface ResetResult {
  deletedRoutingRules: number;
  deletedPromotionWorkflow: boolean;
  previous: CiConfig | null;
}

export interface PromoteRequest {
  project: string;
  service: string;
  from?: string;
  artifactId?: string;
  to?: string;
}

export interface AttachRequest {
  project: string;
  service: string;
  environment: string;
  image: string;
  artifactType: ArtifactType;
  registry?: string;
  repository?: string;
  tag?: string;
  changeLog?: string;
}

export interface PushCredentials {
  registry: string;
  registryUri: string;
  username: string;
  password: string;
}

export interface ListQuery {
  limit?: number;
  offset?: number;
}

/** How a registry's credentials are found: by env var names, or the user's docker config. Never in clear. */
export type CredentialReference = { fromEnv: { username: string; password: string } } | { dockerConfig: true };

/** The project layout a control plane serves: the blueprint's project and its registries' credential references. */
export interface ProjectLayout {
  project: Project;
  /** By registry name; absent = no credentials configured. */
  credentials: Record<string, CredentialReference>;
}

/** Lists what a registry holds; src/registry provides the real one. */
export interface RegistryBrowser {
  repositories(registry: ContainerRegistry, credentials: PushCredentials | null): Promise<string[]>;
  tags(registry: ContainerRegistry, repository: string, credentials: PushCredentials | null): Promise<string[]>;
}

export type { ImageStrategy };
