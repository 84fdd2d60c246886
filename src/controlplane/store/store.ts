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

/** A service's integration and the configuration it routes by: its own (SERVICE_CI), the project's (PROJECT_CI), none (MANUAL). */
export interface IntegrationConfig {
  integration: CiIntegration;
  config: CiConfig | null;
}

/** A stored CI/CD configuration and what it is at: a write names the `id` and `revision` it read. */
export interface StoredCiConfig {
  config: CiConfig;
  /** A configuration deleted and made again gets a new id, so an old revision number never matches it. */
  id: number;
  revision: number;
  updatedAt: string;
  updatedBy: string;
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
  /** true for the first caller only, across every process on the database (a row only one insert gets). */
  claim(name: string, at: string): Promise<boolean>;
  /**
   * Holds (project, environment) until the transaction ends, so that promotions into one environment run one at a
   * time while other environments' go on: an advisory lock on PostgreSQL; nothing on SQLite, whose writes already do.
   */
  lockEnvironment(project: string, environment: string): Promise<void>;

  findIntegration(project: string, resourceName: string): Promise<CiIntegration | null>;
  /** The integration with the configuration it routes by, in one read; null when the service has no integration yet. */
  findIntegrationConfig(project: string, resourceName: string): Promise<IntegrationConfig | null>;
  findIntegrationByCiName(ciName: string): Promise<CiIntegration | null>;
  listIntegrations(project: string): Promise<CiIntegration[]>;
  /** false when the resource or the ciName already has an integration (nothing written). */
  insertIntegration(integration: CiIntegration, createdBy: string): Promise<boolean>;
  /** Sets the strategy if it is still `from`; false (nothing written) when another writer changed it meanwhile. */
  setIntegrationStrategy(project: string, resourceName: string, from: ImageStrategy, to: ImageStrategy): Promise<boolean>;

  /** service null = project level. */
  findCiConfig(project: string, service: string | null): Promise<CiConfig | null>;
  findStoredCiConfig(project: string, service: string | null): Promise<StoredCiConfig | null>;
  /**
   * Writes the configuration over `read` (null: none existed); false, and nothing written, when the stored one is no
   * longer `read` (another writer changed, made or deleted it meanwhile).
   */
  saveCiConfig(project: string, service: string | null, config: CiConfig, at: string, by: string, read: StoredCiConfig | null): Promise<boolean>;
  /** Deletes `read` with its rules and workflow; null, and nothing deleted, when the stored one is no longer `read`. */
  deleteCiConfig(project: string, service: string | null, read: StoredCiConfig): Promise<DeletedCiConfig | null>;

  findArtifact(key: ArtifactKey): Promise<Artifact | null>;
  getArtifact(id: string): Promise<Artifact | null>;
  /** false when an artifact with the same key exists (nothing written); its `tags` are stored with it. */
  insertArtifact(artifact: Artifact): Promise<boolean>;
  /** insertArtifact, and the event that records it; false (nothing written) when an artifact with the same key exists. */
  insertArtifactRecorded(artifact: Artifact, event: HistoryEvent): Promise<boolean>;
  /** Records one more tag the artifact was registered under (by `artifactUri`); false when it already had it. */
  addArtifactTag(artifactId: string, tag: string, artifactUri: string, at: string): Promise<boolean>;
  /** Newest first: createdAt desc, then insertion order desc. */
  listArtifacts(ciName: string, query: { registrationValue?: string; limit: number; offset: number }): Promise<{ items: Artifact[]; total: number }>;
  newestArtifact(ciName: string, registrationType: RegistrationType, registrationValue: string): Promise<Artifact | null>;
  countArtifacts(ciName?: string): Promise<number>;

  getOverrideState(project: string, resourceName: string, environment: string): Promise<OverrideState>;
  /**
   * Stores `override` as the active one, its revision following `override.revision - 1` as read; false, and nothing
   * written, when another writer recorded a revision meanwhile.
   */
  saveOverride(override: Override): Promise<boolean>;
  /** Marks the active override detached at `revision` (the read one + 1), keeping the row so revisions keep counting; false as saveOverride. */
  deactivateOverride(project: string, resourceName: string, environment: string, revision: number, at: string, by: string): Promise<boolean>;

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
