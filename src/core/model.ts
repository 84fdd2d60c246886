// The domain's nouns, named as the spec and the Facets API name them. Pure types: no I/O.

export type RegistrationType = 'ENVIRONMENT' | 'RELEASE_STREAM';
export const REGISTRATION_TYPES: readonly RegistrationType[] = ['ENVIRONMENT', 'RELEASE_STREAM'];

/** SIMPLE = branch pattern → target; ADVANCED = criteria on any metadata key with priority. */
export type CiStrategy = 'SIMPLE' | 'ADVANCED';
export const CI_STRATEGIES: readonly CiStrategy[] = ['SIMPLE', 'ADVANCED'];

/** How a service gets its image: inherit the project's CI/CD, its own CI/CD, or manual attach. */
export type ImageStrategy = 'PROJECT_CI' | 'SERVICE_CI' | 'MANUAL';
export const IMAGE_STRATEGIES: readonly ImageStrategy[] = ['PROJECT_CI', 'SERVICE_CI', 'MANUAL'];

export type Operator = 'EQUALS' | 'STARTS_WITH' | 'ENDS_WITH' | 'CONTAINS';
export const OPERATORS: readonly Operator[] = ['EQUALS', 'STARTS_WITH', 'ENDS_WITH', 'CONTAINS'];

export type ArtifactType = 'docker_image' | 'freestyle';
export const ARTIFACT_TYPES: readonly ArtifactType[] = ['docker_image', 'freestyle'];

export type RegistryType =
  | 'ECR'
  | 'AZURE_CONTAINER_REGISTRY'
  | 'GOOGLE_ARTIFACT_REGISTRY'
  | 'GOOGLE_CONTAINER_REGISTRY'
  | 'NEXUS'
  | 'DOCKER_HUB'
  | 'JFROG'
  | 'HARBOR'
  | 'OTHERS';
export const REGISTRY_TYPES: readonly RegistryType[] = [
  'ECR',
  'AZURE_CONTAINER_REGISTRY',
  'GOOGLE_ARTIFACT_REGISTRY',
  'GOOGLE_CONTAINER_REGISTRY',
  'NEXUS',
  'DOCKER_HUB',
  'JFROG',
  'HARBOR',
  'OTHERS',
];

/** The API's Criterion: one routing rule. SIMPLE rules are criteria on BRANCH_NAME. */
export interface Criterion {
  metadataKey: string;
  operator: Operator;
  value: string;
  /** Lower number = checked first. */
  priority: number;
  /** An environment name (ENVIRONMENT) or a release stream name (RELEASE_STREAM). */
  routeTo: string;
}

/** The image version policy services inherit: which tags may be registered, and where. */
export interface ImageVersionPolicy {
  /** A regular expression every registered tag must match (e.g. semver); absent = any tag. */
  tagPattern?: string;
  /** Tags refused outright (e.g. ["latest"]). */
  deniedTags?: string[];
  /** Registration values that take only promoted artifacts (e.g. ["production"]). */
  promotedOnly?: string[];
}

export interface CiConfig {
  registrationType: RegistrationType;
  ciStrategy: CiStrategy;
  routingRules: Criterion[];
  /** Ordered registration values, e.g. ["dev", "staging", "production"]. */
  promotionHierarchy: string[];
  policy: ImageVersionPolicy;
}

/** Where a config came from, as the API's CiCustomCiCdResponse.mode says. */
export type CiConfigMode = 'NONE' | 'INHERITED' | 'CUSTOM';

export interface EffectiveCiConfig {
  project: string;
  /** Absent for the project-level view. */
  service?: string;
  ciName?: string;
  strategy?: ImageStrategy;
  mode: CiConfigMode;
  config: CiConfig | null;
  /** Of the configuration stored at this level (a service's own, even while it inherits; 0 = none): a write names it. */
  revision: number;
}

export interface ReleaseStream {
  name: string;
  prod: boolean;
  description?: string;
}

/** API: cluster. */
export interface Environment {
  id: string;
  name: string;
  releaseStream: string;
}

export interface ContainerRegistry {
  id: string;
  name: string;
  type: RegistryType;
  /** Host[:port][/path], e.g. "127.0.0.1:5000" or "gcr.io/my-project". */
  uri: string;
  /** Internal registries (e.g. facets-config-auto) are never offered for manual attach. */
  internal: boolean;
  /** Allow plain HTTP / unverified TLS to this registry (loopback test set-ups). */
  insecure?: boolean;
}

/** A service resource of the blueprint. */
export interface Resource {
  resourceType: string;
  resourceName: string;
}

export interface Project {
  name: string;
  environments: Environment[];
  releaseStreams: ReleaseStream[];
  resources: Resource[];
  registries: ContainerRegistry[];
}

/** Created on the first interaction with a resource; ciName is then reused forever. */
export interface CiIntegration {
  id: string;
  ciName: string;
  project: string;
  resourceType: string;
  resourceName: string;
  strategy: ImageStrategy;
  /** `${blueprint.self.artifacts.<ciName>}` */
  artifactTemplate: string;
  createdAt: string;
}

export interface Artifact {
  id: string;
  ciName: string;
  /** Pinned: `repo:tag@sha256:…` for docker images; as given for freestyle. */
  artifactUri: string;
  digest: string | null;
  tag: string | null;
  /** Every tag it was registered under, first registration first (the same digest pushed again as 2.0.0 adds "2.0.0"). */
  tags: string[];
  artifactType: ArtifactType;
  registry: string | null;
  registrationType: RegistrationType;
  /** Environment or release stream name; null = stored unrouted. */
  registrationValue: string | null;
  externalId: string | null;
  description: string | null;
  metadata: Record<string, string>;
  /** The routing rule that placed it, when routed by metadata. */
  appliedRule: Criterion | null;
  promoted: boolean;
  promotedFrom: string | null;
  createdAt: string;
  createdBy: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Manual attach: one environment, one resource. */
export interface Override {
  project: string;
  resourceType: string;
  resourceName: string;
  environment: string;
  /** spec.release.image */
  image: string;
  /** metadata.labels: registry, repository, tag, artifact type. */
  labels: { registry?: string; repository?: string; tag?: string; artifactType: ArtifactType };
  revision: number;
  changeLog: string | null;
  updatedAt: string;
  updatedBy: string;
}

export type HistoryKind =
  | 'REGISTERED'
  | 'PROMOTED'
  | 'ATTACHED'
  | 'DETACHED'
  | 'CONFIG_CHANGED'
  | 'CONFIG_RESET'
  | 'STRATEGY_CHANGED';

export interface HistoryEvent {
  id: string;
  kind: HistoryKind;
  project: string;
  resourceName: string | null;
  environment: string | null;
  /** Sync revision for override changes (per environment and resource). */
  revision: number | null;
  summary: string;
  details: Record<string, unknown>;
  at: string;
  by: string;
}

export type ResolutionSource = 'OVERRIDE' | 'ARTIFACT_BY_ENVIRONMENT' | 'ARTIFACT_BY_RELEASE_STREAM';

/** What `${blueprint.self.artifacts.<ciName>}` becomes in one environment, and why. */
export type Resolution =
  | { environment: string; resolved: true; image: string; source: ResolutionSource; artifactId: string | null; revision: number | null; reason: string }
  | { environment: string; resolved: false; image: null; source: null; artifactId: null; revision: null; reason: string };
