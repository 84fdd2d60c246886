// The Facets wire shapes (facets-api/openapi.yaml field names) and their mapping to the domain model.
// Shared by `serve` (model -> wire) and the HTTP client (wire -> model); absent fields stand for null.
import type { CiIntegration, ContainerRegistry, Environment, ImageStrategy, Project, RegistrationType, RegistryType, ReleaseStream } from '../../core/model';
import { defined } from './wire-defined';

export * from './wire-ci';
export * from './wire-artifacts';

export interface UserWire {
  userId: string;
  name: string;
}

export interface FacetsResourceWire {
  resourceType: string;
  resourceName: string;
}

export interface StackWire {
  name: string;
  artifactories: string[];
  providedResources: FacetsResourceWire[];
}

export interface ClusterWire {
  id: string;
  name: string;
  releaseStream: string;
  stackName: string;
  tz: string;
}

export interface ReleaseStreamWire {
  name: string;
  prod: boolean;
  builtIn: boolean;
  mappedClusterNames: string[];
  description?: string;
}

export interface ArtifactoryWire {
  id: string;
  name: string;
  artifactoryType: RegistryType;
  uri: string;
  systemDefined: boolean;
  stacksAssociated: string[];
  insecure?: boolean;
}

export interface ArtifactCiWire {
  id: string;
  ciName: string;
  stackName: string;
  creationDate: string;
  resourceType: string;
  resourceName: string;
  imageStrategy: ImageStrategy;
  artifactTemplate: string;
  /** Required by Facets' clients: the registration type the CI registers with. */
  registrationType?: RegistrationType;
  /** Facets' SDK requires it; a CI that registers through the API is EXTERNAL. */
  integrationType?: 'EXTERNAL';
}

export interface PushCredentialsWire {
  artifactory: string;
  artifactoryUri: string;
  repositoryUri?: string;
  username?: string;
  password?: string;
}

export const toUser = (identity: { username: string; name: string }): UserWire => ({ userId: identity.username, name: identity.name });
export const fromUser = (w: Partial<UserWire> & { email?: string }): { username: string; name: string } => {
  const username = w.userId ?? w.email ?? w.name ?? '';
  return { username, name: w.name ?? username };
};

export const toStack = (p: Project): StackWire => ({
  name: p.name,
  artifactories: p.registries.map((r) => r.name),
  providedResources: p.resources.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName })),
});

export const toCluster = (project: string, e: Environment): ClusterWire => ({ id: e.id, name: e.name, releaseStream: e.releaseStream, stackName: project, tz: 'UTC' });
export const fromCluster = (w: ClusterWire): Environment => ({ id: String(w.id), name: w.name, releaseStream: w.releaseStream });

export const toReleaseStream = (s: ReleaseStream, environments: Environment[]): ReleaseStreamWire =>
  defined({
    name: s.name,
    prod: s.prod,
    builtIn: false,
    mappedClusterNames: environments.filter((e) => e.releaseStream === s.name).map((e) => e.name),
    description: s.description,
  });
export const fromReleaseStream = (w: ReleaseStreamWire): ReleaseStream =>
  w.description === undefined ? { name: w.name, prod: Boolean(w.prod) } : { name: w.name, prod: Boolean(w.prod), description: w.description };

export const toArtifactory = (project: string, r: ContainerRegistry): ArtifactoryWire =>
  defined({ id: r.id, name: r.name, artifactoryType: r.type, uri: r.uri, systemDefined: r.internal, stacksAssociated: [project], insecure: r.insecure });
export function fromArtifactory(w: ArtifactoryWire): ContainerRegistry {
  const registry: ContainerRegistry = { id: String(w.id), name: w.name, type: w.artifactoryType ?? 'OTHERS', uri: w.uri, internal: Boolean(w.systemDefined) };
  if (w.insecure !== undefined) registry.insecure = w.insecure;
  return registry;
}

export const toArtifactCi = (i: CiIntegration, registrationType: RegistrationType): ArtifactCiWire => ({
  id: i.id,
  ciName: i.ciName,
  stackName: i.project,
  creationDate: i.createdAt,
  resourceType: i.resourceType,
  resourceName: i.resourceName,
  imageStrategy: i.strategy,
  artifactTemplate: i.artifactTemplate,
  registrationType,
  integrationType: 'EXTERNAL',
});
export const fromArtifactCi = (w: ArtifactCiWire): CiIntegration => ({
  id: String(w.id),
  ciName: w.ciName,
  project: w.stackName,
  resourceType: w.resourceType,
  resourceName: w.resourceName,
  strategy: w.imageStrategy,
  artifactTemplate: w.artifactTemplate,
  createdAt: w.creationDate,
});
