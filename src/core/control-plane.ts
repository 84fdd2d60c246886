// The control plane's interface and its request/result shapes, types only: src/api's clients implement it,
// src/controlplane's domain service implements it, and `serve` maps the Facets paths onto it.
import type {
  Artifact,
  ArtifactType,
  CiConfig,
  CiIntegration,
  ContainerRegistry,
  Criterion,
  EffectiveCiConfig,
  Environment,
  HistoryEvent,
  HistoryKind,
  ImageStrategy,
  Override,
  Page,
  Project,
  ReleaseStream,
  Resolution,
} from './model';

export interface Identity {
  username: string;
  name: string;
}

/** Where an artifact goes: a named environment, a named release stream, or the routing rules. */
export type RegistrationTarget =
  | { kind: 'environment'; value: string }
  | { kind: 'releaseStream'; value: string }
  | { kind: 'metadata' };

export interface RegisterRequest {
  project: string;
  service: string;
  /** Pinned URI (`repo:tag@sha256:…`) for docker images, an https/http/s3/gs/az/oci URL for freestyle. */
  artifactUri: string;
  artifactType?: ArtifactType;
  registry?: string;
  target: RegistrationTarget;
  /** BRANCH_NAME and any other keys the routing rules look at. */
  metadata?: Record<string, string>;
  externalId?: string;
  description?: string;
  /** Refuse (POLICY) instead of storing unrouted when no rule matches. */
  requireRoute?: boolean;
}

export interface RegisterResult {
  /** Answered under the URI and tag the request named: the same digest registered before as 1.5.0, now as 2.0.0, says 2.0.0. */
  artifact: Artifact;
  ciName: string;
  /** false when the same (ciName, digest, registrationValue) was registered before. */
  created: boolean;
  /** null = stored unrouted. */
  routedTo: string | null;
  /** The rule that routed it (metadata registration only). */
  rule: Criterion | null;
}

export interface ConfigureCiRequest {
  project: string;
  /** Absent = project level. */
  service?: string;
  /** Partial: unspecified fields keep their current value (or defaults when new). */
  config: Partial<CiConfig>;
  /** The revision read (EffectiveCiConfig.revision, 0 = none stored): a stored one that differs is a stale write (CONFLICT). Absent: no check. */
  expectedRevision?: number;
}

export interface ResetResult {
  /** What the reset deleted, to tell the user. */
  deletedRoutingRules: number;
  deletedPromotionWorkflow: boolean;
  previous: CiConfig | null;
}

export interface PromoteRequest {
  project: string;
  service: string;
  /** The registration value to promote from (its newest artifact), or an explicit artifact. */
  from?: string;
  artifactId?: string;
  /** Defaults to the next level of the promotion hierarchy. */
  to?: string;
}

export interface AttachRequest {
  project: string;
  service: string;
  environment: string;
  /** spec.release.image: pinned for docker images (the CLI verifies with the registry first). */
  image: string;
  artifactType: ArtifactType;
  registry?: string;
  repository?: string;
  tag?: string;
  changeLog?: string;
  /** The override's revision read (0 = none attached): another revision stored meanwhile is a stale write (CONFLICT). Absent: no check. */
  expectedRevision?: number;
}

export interface PushCredentials {
  registry: string;
  /** Registry host[:port][/path] to push to. */
  registryUri: string;
  username: string;
  password: string;
}

export interface ListQuery {
  limit?: number;
  offset?: number;
}

/** listArtifacts: a page, optionally of one registration value (environment or release stream). */
export type ArtifactQuery = ListQuery & { registrationValue?: string };

/** history: a page, optionally of one environment and of some kinds. */
export type HistoryQuery = ListQuery & { environment?: string; kinds?: HistoryKind[] };

/** Which API a control plane speaks: Facets' reference, with or without facetsctl's extensions. */
export interface ControlPlaneApi {
  name: 'facets' | 'in-process';
  extensions: boolean;
  /** serve's version when it says; null for Facets and in-process. */
  serverVersion: string | null;
}

export interface ControlPlane {
  whoami(): Promise<Identity>;
  /** Remote control planes say which API they speak (one request at most, remembered). */
  api?(): Promise<ControlPlaneApi>;

  listProjects(): Promise<string[]>;
  getProject(project: string): Promise<Project>;
  listEnvironments(project: string): Promise<Environment[]>;
  listReleaseStreams(project: string): Promise<ReleaseStream[]>;
  listRegistries(project: string): Promise<ContainerRegistry[]>;
  listRepositories(project: string, registry: string): Promise<string[]>;
  listTags(project: string, registry: string, repository: string): Promise<string[]>;
  /** The registry's configured credentials for pushing (null = none configured: use docker config). */
  getPushCredentials(project: string, registry: string, service: string): Promise<PushCredentials | null>;

  /** Creates the CI integration (and its ciName) on first interaction, then returns the same one. */
  ensureCiIntegration(project: string, service: string): Promise<CiIntegration>;
  listCiIntegrations(project: string): Promise<CiIntegration[]>;
  setImageStrategy(project: string, service: string, strategy: ImageStrategy): Promise<CiIntegration>;
  getCiConfig(project: string, service?: string): Promise<EffectiveCiConfig>;
  configureCi(request: ConfigureCiRequest): Promise<EffectiveCiConfig>;
  /** expectedRevision as ConfigureCiRequest's. */
  resetCi(project: string, service?: string, expectedRevision?: number): Promise<ResetResult>;

  registerArtifact(request: RegisterRequest): Promise<RegisterResult>;
  listArtifacts(project: string, service: string, query?: ArtifactQuery): Promise<Page<Artifact>>;
  /** One artifact of the service (NOT_FOUND when it has no such artifact). */
  getArtifact(project: string, service: string, artifactId: string): Promise<Artifact>;
  promoteArtifact(request: PromoteRequest): Promise<RegisterResult>;

  attachImage(request: AttachRequest): Promise<Override>;
  /** expectedRevision as AttachRequest's. */
  detachImage(project: string, service: string, environment: string, expectedRevision?: number): Promise<Override>;
  getOverride(project: string, service: string, environment: string): Promise<Override | null>;
  history(project: string, service: string, query?: HistoryQuery): Promise<Page<HistoryEvent>>;

  /** Resolution for one environment, or every environment of the project when absent. */
  resolve(project: string, service: string, environment?: string): Promise<Resolution[]>;
}
