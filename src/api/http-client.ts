// The ControlPlane over HTTP. Every flow works on the reference operations of facets-api/openapi.yaml (facets/reference);
// where the control plane offers facetsctl's extensions (learnt once per URL), they are used instead (facets/extended).
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
import type {
  ArtifactQuery,
  AttachRequest,
  ConfigureCiRequest,
  ControlPlane,
  ControlPlaneApi,
  HistoryQuery,
  Identity,
  PromoteRequest,
  PushCredentials,
  RegisterRequest,
  RegisterResult,
  ResetResult,
} from './control-plane';
import { CapabilitiesMemory, discover, isMissingRoute, type Capabilities } from './facets/capabilities';
import { ExtendedControlPlane } from './facets/extended';
import { ReferenceControlPlane } from './facets/reference';
import { FacetsSession } from './facets/session';
import type { HttpTransportOptions } from './http-transport';

export interface HttpControlPlaneOptions extends HttpTransportOptions {
  /** Where what each control plane offers is remembered (absent: asked once per process). */
  capabilitiesFile?: string;
}

// A failure of these kinds may mean the server changed (restarted without extensions, replaced): ask again next time.
const ASK_AGAIN: ReadonlySet<string> = new Set(['UNREACHABLE', 'INTERNAL', 'NOT_OFFERED']);

export class HttpControlPlane implements ControlPlane {
  private readonly session: FacetsSession;
  private readonly reference: ReferenceControlPlane;
  private readonly extended: ExtendedControlPlane;
  private readonly memory: CapabilitiesMemory;
  private capabilities: Promise<Capabilities> | null = null;

  constructor(options: HttpControlPlaneOptions) {
    this.session = new FacetsSession(options);
    this.reference = new ReferenceControlPlane(this.session);
    this.extended = new ExtendedControlPlane(this.session);
    this.memory = new CapabilitiesMemory(options.capabilitiesFile);
    this.session.honorsPrefer = this.memory.get(this.url)?.representation;
    this.session.onHonorsPrefer = (representation) => this.memory.set(this.url, { representation });
  }

  get url(): string {
    return this.session.url;
  }

  /** What this control plane offers: remembered, else asked with one request. */
  private offered(fresh = false): Promise<Capabilities> {
    if (fresh || !this.capabilities) {
      const known = fresh ? undefined : this.memory.get(this.url);
      this.capabilities = known
        ? Promise.resolve(known)
        : discover(this.session).then((c) => {
            this.memory.set(this.url, c);
            return c;
          });
      this.capabilities.catch(() => (this.capabilities = null));
    }
    return this.capabilities;
  }

  async api(): Promise<ControlPlaneApi> {
    const { extensions, version } = await this.offered();
    return { name: 'facets', extensions, serverVersion: version };
  }

  /** Runs a flow on the extensions when offered, else on the reference; an extension path gone mid-way falls back. */
  private async use<T>(flow: (cp: ControlPlane) => Promise<T>): Promise<T> {
    const { extensions } = await this.offered();
    try {
      return await flow(extensions ? this.extended : this.reference);
    } catch (e) {
      if (extensions && isMissingRoute(e) && !(await this.offered(true)).extensions) return flow(this.reference);
      this.forgetAfter(e);
      throw e;
    }
  }

  /** Reads the reference has, the same with or without the extensions: no need to know which are offered. */
  private async read<T>(flow: (cp: ControlPlane) => Promise<T>): Promise<T> {
    try {
      return await flow(this.reference);
    } catch (e) {
      this.forgetAfter(e);
      throw e;
    }
  }

  private forgetAfter(e: unknown): void {
    if (isMissingRoute(e) || (e instanceof FacetsError && ASK_AGAIN.has(e.kind))) this.memory.forget(this.url);
  }

  whoami(): Promise<Identity> {
    return this.read((cp) => cp.whoami());
  }
  listProjects(): Promise<string[]> {
    return this.read((cp) => cp.listProjects());
  }
  getProject(project: string): Promise<Project> {
    return this.read((cp) => cp.getProject(project));
  }
  listEnvironments(project: string): Promise<Environment[]> {
    return this.read((cp) => cp.listEnvironments(project));
  }
  listReleaseStreams(project: string): Promise<ReleaseStream[]> {
    return this.read((cp) => cp.listReleaseStreams(project));
  }
  listRegistries(project: string): Promise<ContainerRegistry[]> {
    return this.read((cp) => cp.listRegistries(project));
  }
  listRepositories(project: string, registry: string): Promise<string[]> {
    return this.read((cp) => cp.listRepositories(project, registry));
  }
  listTags(project: string, registry: string, repository: string): Promise<string[]> {
    return this.read((cp) => cp.listTags(project, registry, repository));
  }
  getPushCredentials(project: string, registry: string, service: string): Promise<PushCredentials | null> {
    return this.read((cp) => cp.getPushCredentials(project, registry, service));
  }
  listCiIntegrations(project: string): Promise<CiIntegration[]> {
    return this.read((cp) => cp.listCiIntegrations(project));
  }

  // Fewer round trips, or only possible, with the extensions.
  ensureCiIntegration(project: string, service: string): Promise<CiIntegration> {
    return this.use((cp) => cp.ensureCiIntegration(project, service));
  }
  setImageStrategy(project: string, service: string, strategy: ImageStrategy): Promise<CiIntegration> {
    return this.use((cp) => cp.setImageStrategy(project, service, strategy));
  }
  getCiConfig(project: string, service?: string): Promise<EffectiveCiConfig> {
    return this.use((cp) => cp.getCiConfig(project, service));
  }
  configureCi(request: ConfigureCiRequest): Promise<EffectiveCiConfig> {
    return this.use((cp) => cp.configureCi(request));
  }
  resetCi(project: string, service?: string, expectedRevision?: number): Promise<ResetResult> {
    return this.use((cp) => cp.resetCi(project, service, expectedRevision));
  }
  registerArtifact(request: RegisterRequest): Promise<RegisterResult> {
    return this.use((cp) => cp.registerArtifact(request));
  }
  listArtifacts(project: string, service: string, query?: ArtifactQuery): Promise<Page<Artifact>> {
    return this.use((cp) => cp.listArtifacts(project, service, query));
  }
  getArtifact(project: string, service: string, artifactId: string): Promise<Artifact> {
    return this.use((cp) => cp.getArtifact(project, service, artifactId));
  }
  promoteArtifact(request: PromoteRequest): Promise<RegisterResult> {
    return this.use((cp) => cp.promoteArtifact(request));
  }
  attachImage(request: AttachRequest): Promise<Override> {
    return this.use((cp) => cp.attachImage(request));
  }
  detachImage(project: string, service: string, environment: string, expectedRevision?: number): Promise<Override> {
    return this.use((cp) => cp.detachImage(project, service, environment, expectedRevision));
  }
  getOverride(project: string, service: string, environment: string): Promise<Override | null> {
    return this.use((cp) => cp.getOverride(project, service, environment));
  }
  history(project: string, service: string, query?: HistoryQuery): Promise<Page<HistoryEvent>> {
    return this.use((cp) => cp.history(project, service, query));
  }
  resolve(project: string, service: string, environment?: string): Promise<Resolution[]> {
    return this.use((cp) => cp.resolve(project, service, environment));
  }
}
