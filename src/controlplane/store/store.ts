// What the domain service needs from storage, in domain terms. No SQL dialect leaks through here,
// so a PostgreSQL implementation can follow without touching the service.
import type { Artifact, CiConfig, CiIntegration, HistoryEvent, HistoryKind, ImageStrategy, Override, Project, RegistrationType } from '../../core/model';

export interface ApiToken {
  id: string;
  username: string;
  name: string;
  /** sha256 hex or scrypt string; never the token itself. */
  tokenHash: string;
  createdAt: string;
}

/** The idempotency key of an artifact: same key = same registration. */
export interface ArtifactKey {
  ciName: string;
  /** digest, or the URI when there is no digest */
  identity: string;
  registrationType: RegistrationType;
  /** null = unrouted */
  registrationValue: string | null;
}

export interface DeletedCiConfig {
  deletedRoutingRules: number;
  deletedPromotionWorkflow: boolean;
  previous: CiConfig | null;
}

export interface OverrideState {
  /** The active override, null when never attached or detached. */
  override: Override | null;
  /** Last revision recorded for this environment and resource (0 = never). */
  revision: number;
  /** The last override, active or not (a detach reports what it removed). */
  last: Override | null;
}

export interface EventQuery {
  project: string;
  resourceName: string;
  /** Project-level events (resourceName null) of these kinds are listed with the resource's own. */
  projectLevelKinds?: HistoryKind[];
  environment?: string;
  kinds?: HistoryKind[];
  limit: number;
  offset: number;
}

export interface Store {
  /** Runs `fn` in one write transaction; nested calls join the outer one. */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  /** Mirrors the blueprint's layout into the store (the blueprint is the source of truth for it); writes only when it changed. */
  syncLayout(project: Project, at: string): Promise<void>;
  /** Whether claimInitialCi already answered true for the project (a read: no write lock). */
  initialCiClaimed(project: string): Promise<boolean>;
  /** true the first time only: the blueprint's initial CI/CD is applied once per database. */
  claimInitialCi(project: string, at: string): Promise<boolean>;

  findIntegration(project: string, resourceName: string): Promise<CiIntegration | null>;
  findIntegrationByCiName(ciName: string): Promise<CiIntegration | null>;
  listIntegrations(project: string): Promise<CiIntegration[]>;
  /** false when the resource or the ciName already has an integration (nothing written). */
  insertIntegration(integration: CiIntegration, createdBy: string): Promise<boolean>;
  setIntegrationStrategy(project: string, resourceName: string, strategy: ImageStrategy): Promise<void>;

  /** service null = project level. */
  findCiConfig(project: string, service: string | null): Promise<CiConfig | null>;
  saveCiConfig(project: string, service: string | null, config: CiConfig, at: string, by: string): Promise<void>;
  deleteCiConfig(project: string, service: string | null): Promise<DeletedCiConfig>;

  findArtifact(key: ArtifactKey): Promise<Artifact | null>;
  getArtifact(id: string): Promise<Artifact | null>;
  /** false when an artifact with the same key exists (nothing written); its `tags` are stored with it. */
  insertArtifact(artifact: Artifact): Promise<boolean>;
  /** Records one more tag the artifact was registered under (by `artifactUri`); false when it already had it. */
  addArtifactTag(artifactId: string, tag: string, artifactUri: string, at: string): Promise<boolean>;
  /** Newest first: createdAt desc, then insertion order desc. */
  listArtifacts(ciName: string, query: { registrationValue?: string; limit: number; offset: number }): Promise<{ items: Artifact[]; total: number }>;
  newestArtifact(ciName: string, registrationType: RegistrationType, registrationValue: string): Promise<Artifact | null>;
  countArtifacts(ciName?: string): Promise<number>;

  getOverrideState(project: string, resourceName: string, environment: string): Promise<OverrideState>;
  /** Upserts the active override of (project, resource, environment). */
  saveOverride(override: Override): Promise<void>;
  /** Marks the override detached, keeping the row so revisions keep counting. */
  deactivateOverride(project: string, resourceName: string, environment: string, revision: number, at: string, by: string): Promise<void>;

  insertEvent(event: HistoryEvent): Promise<void>;
  /** Newest first. */
  listEvents(query: EventQuery): Promise<{ items: HistoryEvent[]; total: number }>;

  createApiToken(username: string, name: string, tokenHash: string): Promise<ApiToken>;
  findApiTokens(username: string): Promise<ApiToken[]>;
  countApiTokens(): Promise<number>;

  /** Resolves when the database answers a query; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
