// Registration, artifacts and promotion on the reference operations alone: register-by-env / register-by-release-stream
// / registerV2, artifacts-ci/{ciName}/artifacts (filtered and paged here), and artifacts/promote with an artifactId.
import { artifactTypeOf } from '../../core/artifact-url';
import { FacetsError, notFound } from '../../core/errors';
import type { Artifact, Page } from '../../core/model';
import { nextAfter, validatePromotion } from '../../core/promotion';
import { compareNewestFirst, newestArtifact } from '../../core/resolution';
import { noRouteRefusal } from '../../core/registration';
import { routeArtifact } from '../../core/routing';
import { fromArtifactWire, fromRegisterResponse, type ArtifactWire, type RegisterResponseWire } from '../../controlplane/http/wire';
import type { ArtifactQuery, PromoteRequest, RegisterRequest, RegisterResult } from '../control-plane';
import { p } from '../http-transport';
import { ciNameOf, serviceCiConfig } from './reference-ci';
import { isEmpty, V1, type FacetsSession } from './session';

const DIGEST = /@(sha256:[a-f0-9]{64})$/;

/** CiArtifactResponse / Artifact as Facets sends them: the digest and the type follow from the URI when not stated. */
export function fromReferenceArtifact(w: Partial<ArtifactWire>, ciName: string): Artifact {
  const artifact = fromArtifactWire(w, ciName);
  const uri = artifact.artifactUri;
  return {
    ...artifact,
    digest: artifact.digest ?? DIGEST.exec(uri)?.[1] ?? null,
    artifactType: w.artifactType ?? artifactTypeOf(uri),
  };
}

/** Every artifact of the service's CI name, newest first ([] before it has one). */
export async function allArtifacts(s: FacetsSession, project: string, service: string): Promise<{ ciName: string | null; artifacts: Artifact[] }> {
  const ciName = await ciNameOf(s, project, service, false);
  if (ciName === null) return { ciName, artifacts: [] };
  const wires = await s.get<Partial<ArtifactWire>[]>(V1 + p`/artifacts-ci/${ciName}/artifacts`);
  return { ciName, artifacts: wires.map((w) => fromReferenceArtifact(w, ciName)).sort(compareNewestFirst) };
}

export async function listArtifacts(s: FacetsSession, project: string, service: string, query: ArtifactQuery = {}): Promise<Page<Artifact>> {
  const { artifacts } = await allArtifacts(s, project, service);
  const matching = query.registrationValue === undefined ? artifacts : artifacts.filter((a) => a.registrationValue === query.registrationValue);
  const offset = query.offset ?? 0;
  const limit = query.limit ?? matching.length;
  return { items: matching.slice(offset, offset + limit), total: matching.length, limit, offset };
}

export async function getArtifact(s: FacetsSession, project: string, service: string, artifactId: string): Promise<Artifact> {
  const found = (await allArtifacts(s, project, service)).artifacts.find((a) => a.id === artifactId);
  if (!found) throw notFound(`service ${service} of project ${project} has no artifact ${artifactId}`, `list them with \`facetsctl artifacts list -s ${service}\``);
  return found;
}

function registration(request: RegisterRequest): { path: string; body: Record<string, unknown> } {
  const body: Record<string, unknown> = { applicationName: request.service, artifactUri: request.artifactUri, stackName: request.project };
  if (request.registry !== undefined) body.artifactory = request.registry;
  if (request.externalId !== undefined) body.externalId = request.externalId;
  if (request.description !== undefined) body.description = request.description;
  if (request.target.kind === 'environment') return { path: `${V1}/artifacts/register-by-env`, body: { ...body, clusterName: request.target.value } };
  if (request.target.kind === 'releaseStream') return { path: `${V1}/artifacts/register-by-release-stream`, body: { ...body, releaseStream: request.target.value } };
  return { path: `${V1}/artifacts/registerV2`, body: request.metadata === undefined ? body : { ...body, metadata: request.metadata } };
}

/** The control plane routes by its rules; --require-route is checked here first, as the reference cannot carry it. */
async function checkRoute(s: FacetsSession, request: RegisterRequest): Promise<void> {
  if (!request.requireRoute || request.target.kind !== 'metadata') return;
  const { config } = await serviceCiConfig(s, request.project, request.service);
  if (config && routeArtifact(config.routingRules, request.metadata ?? {}) === null) throw noRouteRefusal(config, request.metadata ?? {});
}

export async function registerArtifact(s: FacetsSession, request: RegisterRequest): Promise<RegisterResult> {
  await checkRoute(s, request);
  const { path, body } = registration(request);
  // Where the answer will be empty (Facets), what was there before tells a new artifact from one registered before.
  const before = s.honorsPrefer === true ? null : (await allArtifacts(s, request.project, request.service)).artifacts;
  // Never retried: a register is a POST.
  const { data } = await s.writeWithHeaders<RegisterResponseWire>({ method: 'POST', path, body });
  if (data) return fromRegisterResponse(data);
  return findRegistered(s, request, before ?? []);
}

/** A Facets control plane answers a register with no body: find the artifact it stored. */
async function findRegistered(s: FacetsSession, request: RegisterRequest, before: Artifact[]): Promise<RegisterResult> {
  const { ciName, artifacts } = await allArtifacts(s, request.project, request.service);
  const digest = DIGEST.exec(request.artifactUri)?.[1];
  const wanted = request.target.kind === 'metadata' ? undefined : request.target.value;
  const matches = (a: Artifact) => (a.artifactUri === request.artifactUri || (digest !== undefined && a.digest === digest)) && (wanted === undefined || a.registrationValue === wanted);
  const artifact = artifacts.find(matches);
  if (!artifact || ciName === null) {
    throw new FacetsError('INTERNAL', `the control plane at ${s.url} accepted the registration of ${request.artifactUri} but does not list it for service ${request.service}`, `run \`facetsctl artifacts list -s ${request.service}\` to check`);
  }
  const created = !before.some((a) => a.id === artifact.id);
  return { artifact, ciName, created, routedTo: artifact.registrationValue, rule: artifact.appliedRule };
}

export async function promoteArtifact(s: FacetsSession, request: PromoteRequest): Promise<RegisterResult> {
  const { project, service } = request;
  const { ciName, artifacts } = await allArtifacts(s, project, service);
  const artifact =
    request.artifactId !== undefined
      ? artifacts.find((a) => a.id === request.artifactId)
      : newestArtifact(artifacts.filter((a) => a.registrationValue === request.from));
  if (!artifact || ciName === null) {
    const what = request.artifactId !== undefined ? `artifact ${request.artifactId}` : `an artifact registered to "${request.from}"`;
    throw notFound(`service ${service} of project ${project} has no ${what} to promote`, `list them with \`facetsctl artifacts list -s ${service}\``);
  }
  if (request.to !== undefined) await checkNextLevel(s, request, artifact);
  const data = await s.call<RegisterResponseWire>({ method: 'POST', path: `${V1}/artifacts/promote`, query: { ciName, artifactId: artifact.id } });
  if (isEmpty(data)) throw new FacetsError('INTERNAL', `the control plane at ${s.url} promoted artifact ${artifact.id} but did not say where to`);
  const promoted = fromReferenceArtifact(data, ciName);
  return { artifact: promoted, ciName, created: data.created ?? true, routedTo: promoted.registrationValue, rule: null };
}

/** The reference promotes to the next level only: --to names that one, or it cannot be done here. */
async function checkNextLevel(s: FacetsSession, request: PromoteRequest, artifact: Artifact): Promise<void> {
  const { config } = await serviceCiConfig(s, request.project, request.service);
  const from = artifact.registrationValue;
  // A promotion that would be refused anyway (downwards, unknown level) says so, as serve would.
  if (config && from !== null && request.to !== undefined) validatePromotion(config.promotionHierarchy, from, request.to);
  let next: string | null = null;
  try {
    next = config && from !== null ? nextAfter(config.promotionHierarchy, from) : null;
  } catch {
    next = null;
  }
  if (next === request.to) return;
  throw s.notOffered(
    `promoting to a level of your choice ("${request.to}")`,
    next ? `the Facets API promotes to the next level: drop --to to promote to "${next}"` : 'the Facets API promotes to the next level of the promotion hierarchy, and this artifact has none',
  );
}
