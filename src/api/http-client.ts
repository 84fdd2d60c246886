// The ControlPlane over HTTP: the Facets paths (facets-api/openapi.yaml) plus serve's /cc-ui/v1/facetsctl
// additions; bodies are mapped by src/controlplane/http/wire.ts, the same module serve uses.
import { FacetsError } from '../core/errors';
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
} from '../core/model';
import {
  fromArtifactCi,
  fromArtifactory,
  fromArtifactWire,
  fromCiCd,
  fromCluster,
  fromOverrideWire,
  fromRegisterResponse,
  fromReleaseStream,
  fromUser,
  toCiCdRequest,
  type ArtifactCiWire,
  type ArtifactWire,
  type ArtifactoryWire,
  type CiCdWire,
  type ClusterWire,
  type OverrideWire,
  type PushCredentialsWire,
  type RegisterResponseWire,
  type ReleaseStreamWire,
  type StackWire,
  type UserWire,
} from '../controlplane/http/wire';
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
} from './control-plane';
import { HttpTransport, p, type HttpCall, type HttpTransportOptions } from './http-transport';

const V1 = '/cc-ui/v1';
const resource = (project: string, service: string) => V1 + p`/facetsctl/stacks/${project}/resources/${service}`;

interface ResetWire {
  deletedRoutingRules: number;
  deletedPromotionWorkflow: boolean;
  previous?: CiCdWire;
}

const isEmpty = (data: unknown) => data === undefined || data === null || data === '';

export class HttpControlPlane implements ControlPlane {
  private readonly transport: HttpTransport;

  constructor(options: HttpTransportOptions) {
    this.transport = new HttpTransport(options);
  }

  get url(): string {
    return this.transport.url;
  }

  private async call<T>(call: HttpCall): Promise<T> {
    return (await this.transport.request<T>(call)).data;
  }

  private get<T>(path: string, query?: HttpCall['query']): Promise<T> {
    return this.call<T>({ method: 'GET', path, query });
  }

  async whoami(): Promise<Identity> {
    return fromUser(await this.get<UserWire>('/api/me'));
  }

  async listProjects(): Promise<string[]> {
    return (await this.get<StackWire[]>(`${V1}/stacks/`)).map((s) => s.name);
  }

  async getProject(project: string): Promise<Project> {
    const stack = await this.get<StackWire>(V1 + p`/stacks/${project}`);
    const [environments, releaseStreams, registries] = await Promise.all([this.listEnvironments(project), this.listReleaseStreams(project), this.listRegistries(project)]);
    const resources = (stack.providedResources ?? []).map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName }));
    return { name: stack.name, environments, releaseStreams, resources, registries };
  }

  async listEnvironments(project: string): Promise<Environment[]> {
    return (await this.get<ClusterWire[]>(V1 + p`/stacks/${project}/clusters`)).map(fromCluster);
  }

  async listReleaseStreams(project: string): Promise<ReleaseStream[]> {
    return (await this.get<ReleaseStreamWire[]>(`${V1}/release-stream`, { stackName: project })).map(fromReleaseStream);
  }

  async listRegistries(project: string): Promise<ContainerRegistry[]> {
    return (await this.get<ArtifactoryWire[]>(V1 + p`/artifactories/stack/${project}`)).map(fromArtifactory);
  }

  listRepositories(project: string, registry: string): Promise<string[]> {
    return this.get<string[]>(V1 + p`/artifactories/name/${registry}/repos`, { stackName: project });
  }

  listTags(project: string, registry: string, repository: string): Promise<string[]> {
    return this.get<string[]>(V1 + p`/artifactories/name/${registry}/tags`, { stackName: project, repo: repository });
  }

  async getPushCredentials(project: string, registry: string, service: string): Promise<PushCredentials | null> {
    const w = await this.call<PushCredentialsWire>({
      method: 'POST',
      path: `${V1}/ci-cd/pushCredentials`,
      body: { applicationName: service, artifactory: registry, blueprintName: project },
      idempotent: true,
    });
    if (!w || !w.username || w.password === undefined) return null;
    return { registry: w.artifactory ?? registry, registryUri: w.artifactoryUri ?? w.repositoryUri ?? '', username: w.username, password: w.password };
  }

  async ensureCiIntegration(project: string, service: string): Promise<CiIntegration> {
    // Idempotent by design (the service re-reads under a unique constraint), so safe to retry.
    return fromArtifactCi(await this.call<ArtifactCiWire>({ method: 'POST', path: `${resource(project, service)}/ci-integration`, idempotent: true }));
  }

  async listCiIntegrations(project: string): Promise<CiIntegration[]> {
    return (await this.get<ArtifactCiWire[]>(V1 + p`/artifacts-ci/blueprint/${project}`)).map(fromArtifactCi);
  }

  async setImageStrategy(project: string, service: string, strategy: ImageStrategy): Promise<CiIntegration> {
    return fromArtifactCi(await this.call<ArtifactCiWire>({ method: 'PUT', path: `${resource(project, service)}/image-strategy`, body: { imageStrategy: strategy }, idempotent: true }));
  }

  async getCiConfig(project: string, service?: string): Promise<EffectiveCiConfig> {
    const path = service === undefined ? V1 + p`/ci-cd/${project}` : `${resource(project, service)}/ci-cd`;
    return fromCiCd(await this.get<CiCdWire>(path));
  }

  async configureCi(request: ConfigureCiRequest): Promise<EffectiveCiConfig> {
    const body = toCiCdRequest(request.project, request.config);
    const path = request.service === undefined ? `${V1}/ci-cd` : `${resource(request.project, request.service)}/ci-cd`;
    const data = await this.call<CiCdWire>({ method: 'POST', path, body });
    return isEmpty(data) ? this.getCiConfig(request.project, request.service) : fromCiCd(data);
  }

  async resetCi(project: string, service?: string): Promise<ResetResult> {
    // Not retried: a repeat would report that it deleted nothing.
    const path = service === undefined ? V1 + p`/ci-cd/${project}` : `${resource(project, service)}/ci-cd`;
    const w = await this.call<ResetWire>({ method: 'DELETE', path });
    if (isEmpty(w)) return { deletedRoutingRules: 0, deletedPromotionWorkflow: false, previous: null };
    return { deletedRoutingRules: w.deletedRoutingRules, deletedPromotionWorkflow: w.deletedPromotionWorkflow, previous: w.previous ? fromCiCd(w.previous).config : null };
  }

  async registerArtifact(request: RegisterRequest): Promise<RegisterResult> {
    const body: Record<string, unknown> = { applicationName: request.service, artifactUri: request.artifactUri, stackName: request.project };
    if (request.registry !== undefined) body.artifactory = request.registry;
    if (request.externalId !== undefined) body.externalId = request.externalId;
    if (request.metadata !== undefined) body.metadata = request.metadata;
    if (request.artifactType !== undefined) body.artifactType = request.artifactType;
    if (request.description !== undefined) body.buildDescription = request.description;
    if (request.requireRoute !== undefined) body.requireRoute = request.requireRoute;
    let path = `${V1}/artifacts/registerV2`;
    if (request.target.kind === 'environment') {
      path = `${V1}/artifacts/register-by-env`;
      body.clusterName = request.target.value;
    } else if (request.target.kind === 'releaseStream') {
      path = `${V1}/artifacts/register-by-release-stream`;
      body.releaseStream = request.target.value;
    }
    // Never retried: a register is a POST.
    const data = await this.call<RegisterResponseWire>({ method: 'POST', path, body });
    if (isEmpty(data)) return this.findRegistered(request);
    const result = fromRegisterResponse(data);
    // A new artifact has the one tag; one registered before may have more, which only serve's own path lists.
    return result.created ? result : this.withAllTags(request.project, request.service, result);
  }

  /**
   * The result with every tag its artifact was registered under, where the control plane says (serve); else as answered:
   * the registration is done, so a control plane without the path (Facets) or a failed lookup does not undo its success.
   */
  private async withAllTags(project: string, service: string, result: RegisterResult): Promise<RegisterResult> {
    let tags: string[];
    try {
      ({ tags } = await this.getArtifact(project, service, result.artifact.id));
    } catch (e) {
      if (e instanceof FacetsError) return result;
      throw e;
    }
    return { ...result, artifact: { ...result.artifact, tags } };
  }

  async getArtifact(project: string, service: string, artifactId: string): Promise<Artifact> {
    return fromArtifactWire(await this.get<ArtifactWire>(`${resource(project, service)}${p`/artifacts/${artifactId}`}`));
  }

  /** A Facets control plane answers a register with no body: find the artifact it stored. */
  private async findRegistered(request: RegisterRequest): Promise<RegisterResult> {
    const ciName = await this.ciNameOf(request.project, request.service);
    const artifacts = (await this.get<ArtifactWire[]>(V1 + p`/artifacts-ci/${ciName}/artifacts`)).map((w) => fromArtifactWire(w, ciName));
    const digest = /@(sha256:[a-f0-9]{64})$/.exec(request.artifactUri)?.[1];
    const wanted = request.target.kind === 'metadata' ? undefined : request.target.value;
    const artifact = artifacts.find(
      (a) => (a.artifactUri === request.artifactUri || (digest !== undefined && a.digest === digest)) && (wanted === undefined || a.registrationValue === wanted),
    );
    if (!artifact) {
      throw new FacetsError('INTERNAL', `the control plane at ${this.url} accepted the registration of ${request.artifactUri} but does not list it for ${ciName}`, 'run `facetsctl artifacts list` to check');
    }
    return { artifact, ciName, created: true, routedTo: artifact.registrationValue, rule: artifact.appliedRule };
  }

  private async ciNameOf(project: string, service: string): Promise<string> {
    const integrations = await this.get<ArtifactCiWire[]>(V1 + p`/artifacts-ci/blueprint/${project}`);
    const found = integrations.find((i) => i.resourceName === service) ?? integrations.find((i) => i.ciName.startsWith(`${project}-${service}-`.toLowerCase()));
    if (!found) throw new FacetsError('NOT_FOUND', `service ${service} of project ${project} has no CI integration yet`, 'register an artifact for it first');
    return found.ciName;
  }

  async listArtifacts(project: string, service: string, query?: ArtifactQuery): Promise<Page<Artifact>> {
    const result = await this.transport.request<ArtifactWire[]>({
      method: 'GET',
      path: `${resource(project, service)}/artifacts`,
      query: { limit: query?.limit, offset: query?.offset, registrationValue: query?.registrationValue },
    });
    const items = result.data.map((w) => fromArtifactWire(w));
    const header = (name: string, fallback: number) => (result.headers[name] !== undefined ? Number(result.headers[name]) : fallback);
    return { items, total: header('x-total-count', items.length), limit: header('x-limit', query?.limit ?? items.length), offset: header('x-offset', query?.offset ?? 0) };
  }

  async promoteArtifact(request: PromoteRequest): Promise<RegisterResult> {
    if (request.artifactId === undefined && request.from === undefined) {
      throw new FacetsError('USAGE', 'promote needs the registration value to promote from, or an artifact id', 'pass --from VALUE (its newest artifact is promoted) or --artifact ID');
    }
    const { ciName } = await this.ensureCiIntegration(request.project, request.service);
    const data = await this.call<RegisterResponseWire>({
      method: 'POST',
      path: `${V1}/artifacts/promote`,
      query: { ciName, artifactId: request.artifactId, from: request.from, to: request.to },
    });
    return this.withAllTags(request.project, request.service, fromRegisterResponse(data));
  }

  async attachImage(request: AttachRequest): Promise<Override> {
    const body: Record<string, unknown> = { resourceName: request.service, blueprintName: request.project, artifactUri: request.image, artifactType: request.artifactType };
    if (request.registry !== undefined) body.artifactory = request.registry;
    if (request.repository !== undefined) body.repositoryName = request.repository;
    if (request.tag !== undefined) body.tag = request.tag;
    if (request.changeLog !== undefined) body.changeLog = request.changeLog;
    const data = await this.call<OverrideWire>({ method: 'POST', path: V1 + p`/clusters/${request.environment}/attach-image`, body });
    if (!isEmpty(data)) return fromOverrideWire(data);
    const override = await this.getOverride(request.project, request.service, request.environment);
    if (!override) throw new FacetsError('INTERNAL', `the control plane at ${this.url} accepted the attach but shows no override for ${request.service} in ${request.environment}`);
    return override;
  }

  async detachImage(project: string, service: string, environment: string): Promise<Override> {
    // Not retried: after a lost answer, a repeat finds nothing to detach.
    const data = await this.call<OverrideWire>({ method: 'DELETE', path: V1 + p`/clusters/${environment}/detachImage`, body: { resourceName: service, blueprintName: project } });
    if (isEmpty(data)) throw new FacetsError('INTERNAL', `the control plane at ${this.url} detached the image but did not say what it removed`);
    return fromOverrideWire(data);
  }

  async getOverride(project: string, service: string, environment: string): Promise<Override | null> {
    const type = 'service';
    const result = await this.transport.request<OverrideWire | ''>({
      method: 'GET',
      path: V1 + p`/clusters/${environment}/resourceType/${type}/resourceName/${service}/overrides`,
      query: { stackName: project },
    });
    return result.status === 204 || isEmpty(result.data) ? null : fromOverrideWire(result.data as OverrideWire);
  }

  history(project: string, service: string, query?: HistoryQuery): Promise<Page<HistoryEvent>> {
    return this.get<Page<HistoryEvent>>(`${resource(project, service)}/history`, {
      limit: query?.limit,
      offset: query?.offset,
      clusterName: query?.environment,
      kinds: query?.kinds?.join(','),
    });
  }

  resolve(project: string, service: string, environment?: string): Promise<Resolution[]> {
    return this.get<Resolution[]>(`${resource(project, service)}/resolve`, { clusterName: environment });
  }
}
