// The ControlPlane on the reference operations of facets-api/openapi.yaml alone: what a Facets control plane offers.
import type {
  Artifact,
  CiIntegration,
  ContainerRegistry,
  EffectiveCiConfig,
  Environment,
  HistoryEvent,
  ImageStrategy,
  Override,
  Page,
  Project,
  ReleaseStream,
  Resolution,
} from '../../core/model';
import { fromArtifactory, fromUser, type ArtifactoryWire, type PushCredentialsWire, type StackWire, type UserWire } from '../../controlplane/http/wire';
import type {
  ArtifactQuery,
  AttachRequest,
  ConfigureCiRequest,
  ControlPlane,
  HistoryQuery,
  Identity,
  PromoteRequest,
  PushCredentials,
  RegisterRequest,
  RegisterResult,
  ResetResult,
} from '../control-plane';
import { p } from '../http-transport';
import * as artifacts from './reference-artifacts';
import * as ci from './reference-ci';
import * as overrides from './reference-overrides';
import { V1, type FacetsSession } from './session';

export class ReferenceControlPlane implements ControlPlane {
  constructor(protected readonly s: FacetsSession) {}

  async whoami(): Promise<Identity> {
    return fromUser(await this.s.get<UserWire>('/api/me'));
  }

  async listProjects(): Promise<string[]> {
    return (await this.s.get<StackWire[]>(`${V1}/stacks/`)).map((stack) => stack.name);
  }

  async getProject(project: string): Promise<Project> {
    const stack = await this.s.get<StackWire>(V1 + p`/stacks/${project}`);
    const [environments, releaseStreams, registries] = await Promise.all([this.listEnvironments(project), this.listReleaseStreams(project), this.listRegistries(project)]);
    const resources = (stack.providedResources ?? []).map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName }));
    return { name: stack.name, environments, releaseStreams, resources, registries };
  }

  listEnvironments(project: string): Promise<Environment[]> {
    return overrides.environments(this.s, project);
  }

  listReleaseStreams(project: string): Promise<ReleaseStream[]> {
    return overrides.releaseStreams(this.s, project);
  }

  async listRegistries(project: string): Promise<ContainerRegistry[]> {
    return (await this.s.get<ArtifactoryWire[]>(V1 + p`/artifactories/stack/${project}`)).map(fromArtifactory);
  }

  /** Registries are the account's in Facets: found by name, without a project. */
  listRepositories(_project: string, registry: string): Promise<string[]> {
    return this.s.get<string[]>(V1 + p`/artifactories/name/${registry}/repos`);
  }

  listTags(_project: string, registry: string, repository: string): Promise<string[]> {
    return this.s.get<string[]>(V1 + p`/artifactories/name/${registry}/tags`, { repo: repository });
  }

  async getPushCredentials(project: string, registry: string, service: string): Promise<PushCredentials | null> {
    const w = await this.s.call<PushCredentialsWire>({
      method: 'POST',
      path: `${V1}/ci-cd/pushCredentials`,
      body: { applicationName: service, artifactory: registry, blueprintName: project },
      idempotent: true,
    });
    if (!w || !w.username || w.password === undefined) return null;
    return { registry: w.artifactory ?? registry, registryUri: w.artifactoryUri ?? w.repositoryUri ?? '', username: w.username, password: w.password };
  }

  ensureCiIntegration(project: string, service: string): Promise<CiIntegration> {
    return ci.ensureCiIntegration(this.s, project, service);
  }

  listCiIntegrations(project: string): Promise<CiIntegration[]> {
    return ci.listCiIntegrations(this.s, project);
  }

  setImageStrategy(project: string, service: string, strategy: ImageStrategy): Promise<CiIntegration> {
    return ci.setImageStrategy(this.s, project, service, strategy);
  }

  getCiConfig(project: string, service?: string): Promise<EffectiveCiConfig> {
    return service === undefined ? ci.projectCiConfig(this.s, project) : ci.serviceCiConfig(this.s, project, service);
  }

  configureCi(request: ConfigureCiRequest): Promise<EffectiveCiConfig> {
    return ci.configureCi(this.s, request);
  }

  resetCi(project: string, service?: string, expectedRevision?: number): Promise<ResetResult> {
    return ci.resetCi(this.s, project, service, expectedRevision);
  }

  registerArtifact(request: RegisterRequest): Promise<RegisterResult> {
    return artifacts.registerArtifact(this.s, request);
  }

  listArtifacts(project: string, service: string, query?: ArtifactQuery): Promise<Page<Artifact>> {
    return artifacts.listArtifacts(this.s, project, service, query);
  }

  getArtifact(project: string, service: string, artifactId: string): Promise<Artifact> {
    return artifacts.getArtifact(this.s, project, service, artifactId);
  }

  promoteArtifact(request: PromoteRequest): Promise<RegisterResult> {
    return artifacts.promoteArtifact(this.s, request);
  }

  attachImage(request: AttachRequest): Promise<Override> {
    return overrides.attachImage(this.s, request);
  }

  detachImage(project: string, service: string, environment: string, expectedRevision?: number): Promise<Override> {
    return overrides.detachImage(this.s, project, service, environment, expectedRevision);
  }

  getOverride(project: string, service: string, environment: string): Promise<Override | null> {
    return overrides.getOverride(this.s, project, service, environment);
  }

  async history(_project: string, service: string, _query?: HistoryQuery): Promise<Page<HistoryEvent>> {
    throw this.s.notOffered(
      'the history of a service',
      `see its artifacts with \`facetsctl artifacts list -s ${service}\` and what each environment runs with \`facetsctl resolve -s ${service} --all\``,
    );
  }

  resolve(project: string, service: string, environment?: string): Promise<Resolution[]> {
    return overrides.resolve(this.s, project, service, environment);
  }
}
