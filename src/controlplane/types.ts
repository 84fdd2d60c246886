// The service's request/result shapes are the ControlPlane interface's (src/core/control-plane.ts); what only the
// control plane needs (credential references, the project layout, the registry browser) is declared here.
import type { ControlPlane, PushCredentials } from '../core/control-plane';
import type { CiIntegration, ContainerRegistry, ImageStrategy, Project } from '../core/model';

export type * from '../core/control-plane';

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

/** A CI name bound to its service: created false when that binding existed before. */
export interface CiNameBinding {
  integration: CiIntegration;
  created: boolean;
}

/** What serve offers beyond the client's interface: a CI name the client generated, bound to its service (createArtifactCI). */
export interface ServeControlPlane extends ControlPlane {
  bindCiName(project: string, ciName: string): Promise<CiNameBinding>;
}
