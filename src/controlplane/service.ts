// The control plane's domain service: the ControlPlane interface (src/core/control-plane.ts) over a Store.
import { userInfo } from 'node:os';
import type { ImageStrategy } from '../core/model';
import { bindCiName } from './ci-binding';
import { getArtifact, listArtifacts, promoteArtifact, registerArtifact } from './artifact-operations';
import { configureCi, getCiConfig, resetCi, serviceIntegration, setImageStrategy } from './ci-operations';
import type { ServiceContext } from './context';
import { Layouts } from './layout';
import { attachImage, detachImage, getOverride, history, resolve } from './override-operations';
import { getPushCredentials, listRegistries, listRepositories, listTags } from './registry-operations';
import type { Store } from './store/store';
import type {
  ArtifactQuery,
  AttachRequest,
  ConfigureCiRequest,
  HistoryQuery,
  Identity,
  ProjectLayout,
  PromoteRequest,
  RegisterRequest,
  RegistryBrowser,
  ServeControlPlane,
} from './types';

export interface ControlPlaneServiceOptions {
  store: Store;
  /** The project(s) served, from the blueprint. */
  layout: ProjectLayout | ProjectLayout[];
  /** Who the caller is (embedded default: the OS user). */
  identity?: Identity;
  clock?: () => Date;
  /** Where registry credential references are looked up (default process.env). */
  env?: Record<string, string | undefined>;
  registryBrowser?: RegistryBrowser;
}

/** The OS user, for the embedded control plane where nobody logs in. */
export function osIdentity(): Identity {
  let username = 'unknown';
  try {
    username = userInfo().username || username;
  } catch {
    // No passwd entry (some containers): keep "unknown".
  }
  return { username, name: username };
}

// Return types are the interface's (checked by `implements`); each method hands its call to the operation modules.
export class ControlPlaneService implements ServeControlPlane {
  private readonly ctx: ServiceContext;

  constructor(options: ControlPlaneServiceOptions | ServiceContext) {
    if ('layouts' in options) {
      this.ctx = options;
      return;
    }
    this.ctx = {
      store: options.store,
      layouts: new Layouts(Array.isArray(options.layout) ? options.layout : [options.layout]),
      identity: options.identity ?? osIdentity(),
      clock: options.clock ?? (() => new Date()),
      env: options.env ?? process.env,
      registryBrowser: options.registryBrowser,
    };
  }

  /** The same service acting for another caller (serve: one per authenticated request). */
  forIdentity(identity: Identity): ControlPlaneService {
    return new ControlPlaneService({ ...this.ctx, identity: { ...identity } });
  }

  get store(): Store {
    return this.ctx.store;
  }

  async whoami() {
    return { ...this.ctx.identity };
  }

  async listProjects() {
    return this.ctx.layouts.projectNames;
  }

  async getProject(project: string) {
    return structuredClone(this.ctx.layouts.project(project));
  }

  async listEnvironments(project: string) {
    return structuredClone(this.ctx.layouts.project(project).environments);
  }

  async listReleaseStreams(project: string) {
    return structuredClone(this.ctx.layouts.project(project).releaseStreams);
  }

  async listRegistries(project: string) {
    return listRegistries(this.ctx, project);
  }

  listRepositories(project: string, registry: string) {
    return listRepositories(this.ctx, project, registry);
  }

  listTags(project: string, registry: string, repository: string) {
    return listTags(this.ctx, project, registry, repository);
  }

  async getPushCredentials(project: string, registry: string, service: string) {
    return getPushCredentials(this.ctx, project, registry, service);
  }

  ensureCiIntegration(project: string, service: string) {
    return serviceIntegration(this.ctx, project, service);
  }

  bindCiName(project: string, ciName: string) {
    return bindCiName(this.ctx, project, ciName);
  }

  async listCiIntegrations(project: string) {
    this.ctx.layouts.project(project);
    return this.ctx.store.listIntegrations(project);
  }

  setImageStrategy(project: string, service: string, strategy: ImageStrategy) {
    return setImageStrategy(this.ctx, project, service, strategy);
  }

  getCiConfig(project: string, service?: string) {
    return getCiConfig(this.ctx, project, service);
  }

  configureCi(request: ConfigureCiRequest) {
    return configureCi(this.ctx, request);
  }

  resetCi(project: string, service?: string, expectedRevision?: number) {
    return resetCi(this.ctx, project, service, expectedRevision);
  }

  registerArtifact(request: RegisterRequest) {
    return registerArtifact(this.ctx, request);
  }

  listArtifacts(project: string, service: string, query?: ArtifactQuery) {
    return listArtifacts(this.ctx, project, service, query);
  }

  getArtifact(project: string, service: string, artifactId: string) {
    return getArtifact(this.ctx, project, service, artifactId);
  }

  promoteArtifact(request: PromoteRequest) {
    return promoteArtifact(this.ctx, request);
  }

  attachImage(request: AttachRequest) {
    return attachImage(this.ctx, request);
  }

  detachImage(project: string, service: string, environment: string, expectedRevision?: number) {
    return detachImage(this.ctx, project, service, environment, expectedRevision);
  }

  getOverride(project: string, service: string, environment: string) {
    return getOverride(this.ctx, project, service, environment);
  }

  history(project: string, service: string, query?: HistoryQuery) {
    return history(this.ctx, project, service, query);
  }

  resolve(project: string, service: string, environment?: string) {
    return resolve(this.ctx, project, service, environment);
  }
}
