// Manual attach and resolution on the reference operations alone: clusters/{clusterId}/attach-image, detachImage and
// .../overrides by the environment's id; resolve is computed here with core's rules from what those answers say.
import { FacetsError, notFound } from '../../core/errors';
import type { Environment, Override, ReleaseStream, Resolution } from '../../core/model';
import { registrationTargets } from '../../core/ci-config';
import { resolveArtifact } from '../../core/resolution';
import { fromCluster, fromReleaseStream, type ClusterWire, type OverrideWire, type ReleaseStreamWire } from '../../controlplane/http/wire';
import type { AttachRequest } from '../control-plane';
import { p } from '../http-transport';
import { allArtifacts } from './reference-artifacts';
import { projectCiConfig, resourceOf, serviceCiConfig } from './reference-ci';
import { refuseChanged } from './reference-revision';
import { V1, type FacetsSession } from './session';

export function environments(s: FacetsSession, project: string): Promise<Environment[]> {
  return s.memo(`environments ${project}`, async () => (await s.get<ClusterWire[]>(V1 + p`/stacks/${project}/clusters`)).map(fromCluster));
}

export async function releaseStreams(s: FacetsSession, project: string): Promise<ReleaseStream[]> {
  return (await s.get<ReleaseStreamWire[]>(`${V1}/release-stream`, { stackName: project })).map(fromReleaseStream);
}

async function environmentOf(s: FacetsSession, project: string, name: string): Promise<Environment> {
  const all = await environments(s, project);
  const found = all.find((e) => e.name === name) ?? all.find((e) => e.id === name);
  if (found) return found;
  const known = all.map((e) => e.name);
  throw notFound(`environment "${name}" does not exist in project ${project} (known: ${known.join(', ') || 'none'})`, 'pass --environment with one of the known environments', { environment: name, known });
}

/** OverrideObject as either side sends it: without an image in spec.release, there is no override. */
type OverrideAnswer = Partial<Omit<OverrideWire, 'overrides'>> & { overrides?: { spec?: { release?: { image?: string } }; metadata?: { labels?: Override['labels'] } }; versioningKey?: string };

function fromOverrideAnswer(w: OverrideAnswer | '' | undefined, project: string, service: string, environment: string): Override | null {
  const image = w ? w.overrides?.spec?.release?.image : undefined;
  if (!w || !image) return null;
  return {
    project,
    resourceType: w.resourceType ?? 'service',
    resourceName: service,
    environment,
    image,
    labels: w.overrides?.metadata?.labels ?? { artifactType: 'docker_image' },
    revision: w.revision ?? 0,
    changeLog: w.changeLog ?? null,
    updatedAt: w.lastModifiedDate ?? '',
    updatedBy: w.lastModifiedBy ?? '',
  };
}

async function target(s: FacetsSession, project: string, service: string, environment: string) {
  const [env, resource] = await Promise.all([environmentOf(s, project, environment), resourceOf(s, project, service)]);
  return { clusterId: env.id, resourceType: resource.resourceType };
}

export async function getOverride(s: FacetsSession, project: string, service: string, environment: string): Promise<Override | null> {
  const { clusterId, resourceType } = await target(s, project, service, environment);
  const answer = await s.get<OverrideAnswer | ''>(V1 + p`/clusters/${clusterId}/resourceType/${resourceType}/resourceName/${service}/overrides`);
  return fromOverrideAnswer(answer, project, service, environment);
}

export async function attachImage(s: FacetsSession, request: AttachRequest): Promise<Override> {
  const { project, service, environment } = request;
  if (request.changeLog !== undefined) {
    throw s.notOffered('a change log on attach (--change-log)', 'attach without --change-log; the Facets attach-image operation records none');
  }
  if (request.expectedRevision !== undefined) refuseChangedOverride(request.expectedRevision, await getOverride(s, project, service, environment), request);
  const { clusterId, resourceType } = await target(s, project, service, environment);
  const body: Record<string, unknown> = { resourceName: service, resourceType, blueprintName: project, artifactUri: request.image, artifactType: request.artifactType };
  if (request.registry !== undefined) body.artifactory = request.registry;
  if (request.repository !== undefined) body.repositoryName = request.repository;
  if (request.tag !== undefined) body.tag = request.tag;
  const data = await s.write<OverrideAnswer>({ method: 'POST', path: V1 + p`/clusters/${clusterId}/attach-image`, body });
  const override = fromOverrideAnswer(data, project, service, environment) ?? (await getOverride(s, project, service, environment));
  if (!override) throw new FacetsError('INTERNAL', `the control plane at ${s.url} accepted the attach but shows no override for ${service} in ${environment}`);
  return override;
}

/** The override re-read just before the write is not the one the command read (its revision, 0 = none attached). */
function refuseChangedOverride(expected: number | undefined, now: Override | null, at: { project: string; service: string; environment: string }): void {
  const subject = `the image attached to service ${at.service} in environment ${at.environment} of project ${at.project}`;
  refuseChanged(subject, expected, now?.revision ?? 0, now ? `attached ${now.image}` : 'detached it');
}

export async function detachImage(s: FacetsSession, project: string, service: string, environment: string, expectedRevision?: number): Promise<Override> {
  const current = await getOverride(s, project, service, environment);
  refuseChangedOverride(expectedRevision, current, { project, service, environment });
  if (!current) {
    throw notFound(`service ${service} has no image attached in environment ${environment}: nothing to detach`, `see what it resolves to with \`facetsctl resolve -s ${service} -e ${environment}\``);
  }
  const { clusterId, resourceType } = await target(s, project, service, environment);
  // Not retried: after a lost answer, a repeat finds nothing to detach.
  const data = await s.write<OverrideAnswer>({ method: 'DELETE', path: V1 + p`/clusters/${clusterId}/detachImage`, body: { resourceName: service, resourceType, blueprintName: project } });
  return fromOverrideAnswer(data, project, service, environment) ?? current;
}

/** What each environment resolves to, from the same answers a Facets control plane gives, by core's rules. */
export async function resolve(s: FacetsSession, project: string, service: string, environment?: string): Promise<Resolution[]> {
  const all = await environments(s, project);
  const chosen = environment === undefined ? all : [await environmentOf(s, project, environment)];
  const [{ ciName, artifacts }, effective, projectLevel, streams] = await Promise.all([
    allArtifacts(s, project, service),
    serviceCiConfig(s, project, service, false),
    projectCiConfig(s, project),
    releaseStreams(s, project),
  ]);
  const config = ciName === null ? projectLevel.config : effective.config;
  const layout = { environments: all, releaseStreams: streams };
  const overrides = await Promise.all(chosen.map((env) => getOverride(s, project, service, env.name)));
  return chosen.map((env, i) =>
    resolveArtifact({
      environment: env,
      service,
      ciName,
      strategy: ciName === null ? null : (effective.strategy ?? null),
      config,
      targets: config ? registrationTargets(config, layout) : undefined,
      override: overrides[i],
      artifacts,
    }),
  );
}
