// What `serve` needs from the domain service: the control plane's methods, typed from this layer's
// request shapes (the service matches them structurally; this layer cannot import src/api).
import type {
  CiIntegration,
  ContainerRegistry,
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
  Artifact,
} from '../../core/model';
import type { AttachRequest, ConfigureCiRequest, Identity, ListQuery, PromoteRequest, PushCredentials, RegisterRequest, RegisterResult, ResetResult } from '../types';

export interface ServedControlPlane {
  whoami(): Promise<Identity>;
  listProjects(): Promise<string[]>;
  getProject(project: string): Promise<Project>;
  listEnvironments(project: string): Promise<Environment[]>;
  listReleaseStreams(project: string): Promise<ReleaseStream[]>;
  listRegistries(project: string): Promise<ContainerRegistry[]>;
  listRepositories(project: string, registry: string): Promise<string[]>;
  listTags(project: string, registry: string, repository: string): Promise<string[]>;
  getPushCredentials(project: string, registry: string, service: string): Promise<PushCredentials | null>;
  ensureCiIntegration(project: string, service: string): Promise<CiIntegration>;
  listCiIntegrations(project: string): Promise<CiIntegration[]>;
  setImageStrategy(project: string, service: string, strategy: ImageStrategy): Promise<CiIntegration>;
  getCiConfig(project: string, service?: string): Promise<EffectiveCiConfig>;
  configureCi(request: ConfigureCiRequest): Promise<EffectiveCiConfig>;
  resetCi(project: string, service?: string): Promise<ResetResult>;
  registerArtifact(request: RegisterRequest): Promise<RegisterResult>;
  listArtifacts(project: string, service: string, query?: ListQuery & { registrationValue?: string }): Promise<Page<Artifact>>;
  promoteArtifact(request: PromoteRequest): Promise<RegisterResult>;
  attachImage(request: AttachRequest): Promise<Override>;
  detachImage(project: string, service: string, environment: string): Promise<Override>;
  getOverride(project: string, service: string, environment: string): Promise<Override | null>;
  history(project: string, service: string, query?: ListQuery & { environment?: string; kinds?: HistoryKind[] }): Promise<Page<HistoryEvent>>;
  resolve(project: string, service: string, environment?: string): Promise<Resolution[]>;
}
