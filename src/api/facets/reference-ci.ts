// CI names and CI/CD configuration on the reference operations alone: the blueprint's resources say which CI name a
// service has (resources-info), artifacts-ci makes one, ci-cd/{stack} and ci-cd/ci/{ciName}[/custom] hold the settings.
import { formatArtifactTemplate } from '../../core/artifact-template';
import { mergeCiConfig } from '../../core/ci-config';
import { generateCiName } from '../../core/ci-name';
import { FacetsError, notFound } from '../../core/errors';
import type { CiConfig, CiIntegration, EffectiveCiConfig, ImageStrategy, RegistrationType } from '../../core/model';
import { fromCiCd, toCiCdRequest, type CiCdWire } from '../../controlplane/http/wire';
import type { ConfigureCiRequest, ResetResult } from '../control-plane';
import { p } from '../http-transport';
import { refuseChanged, revisionOf } from './reference-revision';
import { V1, type FacetsSession } from './session';

/** BlueprintFile: one resource of the project's blueprint, with the CI names its fields use. */
export interface BlueprintFileWire {
  resourceName: string;
  resourceType: string;
  stackName?: string;
  ciNames?: string[];
}

/** ArtifactCI: the reference has no resource; serve adds it (and the image strategy). */
interface ArtifactCiRefWire {
  id?: string;
  ciName: string;
  stackName?: string;
  registrationType?: RegistrationType;
  creationDate?: string;
  imageStrategy?: ImageStrategy;
}

export function projectResources(s: FacetsSession, project: string): Promise<BlueprintFileWire[]> {
  return s.memo(`resources ${project}`, () => s.get<BlueprintFileWire[]>(V1 + p`/dropdown/stack/${project}/resources-info`));
}

export async function resourceOf(s: FacetsSession, project: string, service: string): Promise<BlueprintFileWire> {
  const resources = await projectResources(s, project);
  const found = resources.find((r) => r.resourceName === service);
  if (found) return found;
  const known = resources.map((r) => r.resourceName);
  throw notFound(`service "${service}" does not exist in project ${project} (known: ${known.join(', ') || 'none'})`, 'pass --service with one of them', { service, known });
}

/** The project-level configuration as the control plane states it (mode NONE: nothing configured). */
export async function projectCiConfig(s: FacetsSession, project: string): Promise<EffectiveCiConfig> {
  return levelCiConfig(await s.get<CiCdWire>(V1 + p`/ci-cd/${project}`), project);
}

/** A CiCdDto with the revision of the configuration stored at its level (its own, CUSTOM; none while it inherits). */
function levelCiConfig(w: CiCdWire, project: string): EffectiveCiConfig {
  const effective = fromCiCd(w);
  return { ...effective, project, revision: revisionOf(w.revision, effective.mode === 'CUSTOM' ? effective.config : null) };
}

const configSubject = (project: string, service?: string) => `the CI/CD configuration of ${service === undefined ? '' : `service ${service} of `}project ${project}`;
const refuseChangedConfig = (project: string, service: string | undefined, expected: number | undefined, now: EffectiveCiConfig) =>
  refuseChanged(configSubject(project, service), expected, now.revision, now.revision === 0 ? 'reset it' : 'saved it');

const registrationTypeOf = async (s: FacetsSession, project: string): Promise<RegistrationType> =>
  (await projectCiConfig(s, project)).config?.registrationType ?? 'ENVIRONMENT';

/** The service's CI name; on first interaction (create) one is made with the spec's pattern, as Facets' UI does. */
export async function ciNameOf(s: FacetsSession, project: string, service: string, create: boolean): Promise<string | null> {
  const resource = await resourceOf(s, project, service);
  const existing = resource.ciNames?.[0];
  if (existing || !create) return existing ?? null;
  const body = { ciName: generateCiName(project, service), stackName: project, registrationType: await registrationTypeOf(s, project) };
  let refused: FacetsError | null = null;
  try {
    await s.call<ArtifactCiRefWire>({ method: 'POST', path: `${V1}/artifacts-ci`, body });
  } catch (e) {
    // Another command may have named the service first (then its name is taken below); else the refusal stands.
    if (!(e instanceof FacetsError && e.kind === 'CONFLICT')) throw e;
    refused = e;
  }
  s.forget(`resources ${project}`);
  const made = (await resourceOf(s, project, service)).ciNames?.[0];
  if (made) return made;
  throw refused ?? new FacetsError('INTERNAL', `the control plane at ${s.url} accepted CI name ${body.ciName} but does not show it on service ${service}`);
}

async function requireCiName(s: FacetsSession, project: string, service: string): Promise<string> {
  return (await ciNameOf(s, project, service, true)) as string;
}

/** CUSTOM is the service's own CI/CD, INHERITED the project's; NONE with a project configuration left is manual. */
function strategyOf(w: { imageStrategy?: ImageStrategy; mode?: string }, projectConfigured: () => Promise<boolean>): Promise<ImageStrategy> | ImageStrategy {
  if (w.imageStrategy) return w.imageStrategy;
  if (w.mode === 'CUSTOM') return 'SERVICE_CI';
  if (w.mode === 'INHERITED') return 'PROJECT_CI';
  return projectConfigured().then((configured) => (configured ? 'MANUAL' : 'PROJECT_CI'));
}

const projectConfigured = (s: FacetsSession, project: string) => async () => (await projectCiConfig(s, project)).config !== null;

export async function serviceCiConfig(s: FacetsSession, project: string, service: string, create = true): Promise<EffectiveCiConfig> {
  const ciName = await ciNameOf(s, project, service, create);
  if (ciName === null) return { project, service, mode: 'NONE', config: (await projectCiConfig(s, project)).config, revision: 0 };
  const w = await s.get<CiCdWire>(V1 + p`/ci-cd/ci/${ciName}`);
  return { ...levelCiConfig(w, project), service, ciName, strategy: await strategyOf(w, projectConfigured(s, project)) };
}

export async function ensureCiIntegration(s: FacetsSession, project: string, service: string): Promise<CiIntegration> {
  const resource = await resourceOf(s, project, service);
  const ciName = await requireCiName(s, project, service);
  const w = await s.get<ArtifactCiRefWire>(V1 + p`/artifacts-ci/name/${ciName}`);
  const strategy = w.imageStrategy ?? (await serviceCiConfig(s, project, service)).strategy ?? 'PROJECT_CI';
  return {
    id: String(w.id ?? ciName),
    ciName,
    project,
    resourceType: resource.resourceType,
    resourceName: service,
    strategy,
    artifactTemplate: formatArtifactTemplate(ciName),
    createdAt: w.creationDate ?? '',
  };
}

export async function listCiIntegrations(s: FacetsSession, project: string): Promise<CiIntegration[]> {
  const [cis, resources] = await Promise.all([s.get<ArtifactCiRefWire[]>(V1 + p`/artifacts-ci/blueprint/${project}`), projectResources(s, project)]);
  return cis.flatMap((w) => {
    const resource = resources.find((r) => r.ciNames?.includes(w.ciName));
    if (!resource) return [];
    return [{ id: String(w.id ?? w.ciName), ciName: w.ciName, project, resourceType: resource.resourceType, resourceName: resource.resourceName, strategy: w.imageStrategy ?? 'PROJECT_CI', artifactTemplate: formatArtifactTemplate(w.ciName), createdAt: w.creationDate ?? '' }];
  });
}

/** The reference's CiCdDto has no image version policy: only the extensions store one. */
function withoutPolicy(s: FacetsSession, change: Partial<CiConfig>): Partial<CiConfig> {
  const { policy, ...rest } = change;
  if (policy && Object.values(policy).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0))) {
    throw s.notOffered('an image version policy (--tag-pattern, --deny-tag, --promoted-only)', 'configure the routing rules and promotion without the policy flags; Facets has no image version policy');
  }
  return rest;
}

const fullBody = (project: string, config: CiConfig) => toCiCdRequest(project, { ...config, policy: undefined });

export async function configureCi(s: FacetsSession, request: ConfigureCiRequest): Promise<EffectiveCiConfig> {
  const { project, service } = request;
  const change = withoutPolicy(s, request.config);
  if (service === undefined) {
    const current = await projectCiConfig(s, project);
    refuseChangedConfig(project, service, request.expectedRevision, current);
    const merged = mergeCiConfig(current.config, change);
    const data = await s.write<CiCdWire>({ method: 'POST', path: `${V1}/ci-cd`, body: fullBody(project, merged) });
    return data ? levelCiConfig(data, project) : projectCiConfig(s, project);
  }
  const ciName = await requireCiName(s, project, service);
  const current = levelCiConfig(await s.get<CiCdWire>(V1 + p`/ci-cd/ci/${ciName}`), project);
  refuseChangedConfig(project, service, request.expectedRevision, current);
  const merged = mergeCiConfig(current.mode === 'CUSTOM' ? current.config : null, change);
  const data = await s.call<CiCdWire | ''>({ method: 'POST', path: V1 + p`/ci-cd/ci/${ciName}/custom`, body: fullBody(project, merged) });
  if (data === '' || data === undefined || data === null) return serviceCiConfig(s, project, service);
  return { ...levelCiConfig(data, project), service, ciName, strategy: 'SERVICE_CI' };
}

/** What serve says a reset deleted (its representation of resetCiCdDetails, and its extensions' reset). */
export interface ResetWire {
  deletedRoutingRules: number;
  deletedPromotionWorkflow: boolean;
  previous?: CiCdWire;
}

export const fromResetWire = (w: ResetWire): ResetResult => ({
  deletedRoutingRules: w.deletedRoutingRules,
  deletedPromotionWorkflow: w.deletedPromotionWorkflow,
  previous: w.previous ? fromCiCd(w.previous).config : null,
});

export async function resetCi(s: FacetsSession, project: string, service?: string, expectedRevision?: number): Promise<ResetResult> {
  if (service !== undefined) {
    throw s.notOffered(
      "resetting a service's own CI/CD",
      `switch the service back to the project's CI/CD with \`facetsctl ci configure --service ${service} --strategy project\`, or give it new settings with \`facetsctl ci configure --service ${service} ...\``,
    );
  }
  const read = await projectCiConfig(s, project);
  refuseChangedConfig(project, service, expectedRevision, read);
  const previous = read.config;
  const w = await s.write<ResetWire>({ method: 'DELETE', path: V1 + p`/ci-cd/${project}` });
  if (w) return fromResetWire(w);
  return { deletedRoutingRules: previous?.routingRules.length ?? 0, deletedPromotionWorkflow: (previous?.promotionHierarchy.length ?? 0) > 0, previous };
}

/** PROJECT_CI attaches the project's rules and workflow to the CI, MANUAL detaches them; SERVICE_CI needs settings. */
export async function setImageStrategy(s: FacetsSession, project: string, service: string, strategy: ImageStrategy): Promise<CiIntegration> {
  const ciName = await requireCiName(s, project, service);
  if (strategy === 'SERVICE_CI') {
    if ((await serviceCiConfig(s, project, service)).mode !== 'CUSTOM') {
      throw s.notOffered(
        "switching a service to its own CI/CD without giving it settings",
        `give the service its settings in the same command: \`facetsctl ci configure --service ${service} --registration-type ENVIRONMENT|RELEASE_STREAM ...\``,
      );
    }
  } else {
    const body = { blueprintName: project, ciName, registrationType: await registrationTypeOf(s, project) };
    await s.write({ method: 'PUT', path: `${V1}/ci-cd/${strategy === 'PROJECT_CI' ? 'attach' : 'detach'}`, body, idempotent: true });
  }
  return ensureCiIntegration(s, project, service);
}
