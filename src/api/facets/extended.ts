// The ControlPlane with serve's extensions (/cc-ui/v1/facetsctl/...): one round trip where the reference needs several,
// and what the reference lacks (image strategy, history, a service's reset, policies, promote --to, change logs).
import type { Artifact, CiIntegration, EffectiveCiConfig, HistoryEvent, ImageStrategy, Override, Page, Resolution } from '../../core/model';
import {
  fromArtifactCi,
  fromArtifactWire,
  fromCiCd,
  fromOverrideWire,
  fromRegisterResponse,
  toCiCdRequest,
  type ArtifactCiWire,
  type ArtifactWire,
  type CiCdWire,
  type OverrideWire,
  type RegisterResponseWire,
} from '../../controlplane/http/wire';
import type { ArtifactQuery, AttachRequest, ConfigureCiRequest, HistoryQuery, PromoteRequest, RegisterRequest, RegisterResult, ResetResult } from '../control-plane';
import { p } from '../http-transport';
import { ReferenceControlPlane } from './reference';
import { fromResetWire, type ResetWire } from './reference-ci';
import { isEmpty, V1 } from './session';
import { revisionTag } from '../../controlplane/http/revision-header';

const stack = (project: string) => V1 + p`/facetsctl/stacks/${project}`;
const resource = (project: string, service: string) => stack(project) + p`/resources/${service}`;
const ciCdOf = (project: string, service?: string) => (service === undefined ? `${stack(project)}/ci-cd` : `${resource(project, service)}/ci-cd`);
/** The revision the command read, as HTTP's If-Match; none: no check. */
const ifMatch = (revision?: number) => (revision === undefined ? undefined : { 'if-match': revisionTag(revision) });
const overrideOf = (project: string, service: string, environment: string) => resource(project, service) + p`/environments/${environment}/override`;

export class ExtendedControlPlane extends ReferenceControlPlane {
  override async ensureCiIntegration(project: string, service: string): Promise<CiIntegration> {
    // Idempotent by design (the service re-reads under a unique constraint), so safe to retry.
    return fromArtifactCi(await this.s.call<ArtifactCiWire>({ method: 'POST', path: `${resource(project, service)}/ci-integration`, idempotent: true }));
  }

  override async setImageStrategy(project: string, service: string, strategy: ImageStrategy): Promise<CiIntegration> {
    const path = `${resource(project, service)}/image-strategy`;
    return fromArtifactCi(await this.s.call<ArtifactCiWire>({ method: 'PUT', path, body: { imageStrategy: strategy }, idempotent: true }));
  }

  override async getCiConfig(project: string, service?: string): Promise<EffectiveCiConfig> {
    return fromCiCd(await this.s.get<CiCdWire>(ciCdOf(project, service)));
  }

  override async configureCi(request: ConfigureCiRequest): Promise<EffectiveCiConfig> {
    const body = toCiCdRequest(request.project, request.config);
    return fromCiCd(await this.s.call<CiCdWire>({ method: 'POST', path: ciCdOf(request.project, request.service), body, headers: ifMatch(request.expectedRevision) }));
  }

  override async resetCi(project: string, service?: string, expectedRevision?: number): Promise<ResetResult> {
    // Not retried: a repeat would report that it deleted nothing.
    return fromResetWire(await this.s.call<ResetWire>({ method: 'DELETE', path: ciCdOf(project, service), headers: ifMatch(expectedRevision) }));
  }

  override async registerArtifact(request: RegisterRequest): Promise<RegisterResult> {
    const { project, service, artifactUri, artifactType, registry, target, metadata, externalId, description, requireRoute } = request;
    const body = { artifactUri, artifactType, artifactory: registry, target, metadata, externalId, description, requireRoute };
    // Never retried: a register is a POST.
    return fromRegisterResponse(await this.s.call<RegisterResponseWire>({ method: 'POST', path: `${resource(project, service)}/register`, body }));
  }

  override async listArtifacts(project: string, service: string, query?: ArtifactQuery): Promise<Page<Artifact>> {
    const result = await this.s.request<ArtifactWire[]>({
      method: 'GET',
      path: `${resource(project, service)}/artifacts`,
      query: { limit: query?.limit, offset: query?.offset, registrationValue: query?.registrationValue },
    });
    const items = result.data.map((w) => fromArtifactWire(w));
    const header = (name: string, fallback: number) => (result.headers[name] !== undefined ? Number(result.headers[name]) : fallback);
    return { items, total: header('x-total-count', items.length), limit: header('x-limit', query?.limit ?? items.length), offset: header('x-offset', query?.offset ?? 0) };
  }

  override async getArtifact(project: string, service: string, artifactId: string): Promise<Artifact> {
    return fromArtifactWire(await this.s.get<ArtifactWire>(resource(project, service) + p`/artifacts/${artifactId}`));
  }

  override async promoteArtifact(request: PromoteRequest): Promise<RegisterResult> {
    const body = { artifactId: request.artifactId, from: request.from, to: request.to };
    return fromRegisterResponse(await this.s.call<RegisterResponseWire>({ method: 'POST', path: `${resource(request.project, request.service)}/promote`, body }));
  }

  override async attachImage(request: AttachRequest): Promise<Override> {
    const body = { artifactUri: request.image, artifactType: request.artifactType, artifactory: request.registry, repositoryName: request.repository, tag: request.tag, changeLog: request.changeLog };
    const path = overrideOf(request.project, request.service, request.environment);
    return fromOverrideWire(await this.s.call<OverrideWire>({ method: 'POST', path, body, headers: ifMatch(request.expectedRevision) }));
  }

  override async detachImage(project: string, service: string, environment: string, expectedRevision?: number): Promise<Override> {
    // Not retried: after a lost answer, a repeat finds nothing to detach.
    return fromOverrideWire(await this.s.call<OverrideWire>({ method: 'DELETE', path: overrideOf(project, service, environment), headers: ifMatch(expectedRevision) }));
  }

  override async getOverride(project: string, service: string, environment: string): Promise<Override | null> {
    const result = await this.s.request<OverrideWire | ''>({ method: 'GET', path: overrideOf(project, service, environment) });
    return result.status === 204 || isEmpty(result.data) ? null : fromOverrideWire(result.data as OverrideWire);
  }

  override history(project: string, service: string, query?: HistoryQuery): Promise<Page<HistoryEvent>> {
    return this.s.get<Page<HistoryEvent>>(`${resource(project, service)}/history`, {
      limit: query?.limit,
      offset: query?.offset,
      clusterName: query?.environment,
      kinds: query?.kinds?.join(','),
    });
  }

  override resolve(project: string, service: string, environment?: string): Promise<Resolution[]> {
    return this.s.get<Resolution[]>(`${resource(project, service)}/resolve`, { clusterName: environment });
  }
}
