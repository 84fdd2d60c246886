// Facets operations addressed by CI name or id: createArtifactCI (a client-generated ciName bound to its service),
// attach/detach of the project's rules and workflow (image strategy PROJECT_CI / MANUAL), and promotion by path.
import { FacetsError } from '../../../core/errors';
import type { CiIntegration, ImageStrategy, RegistrationType } from '../../../core/model';
import type { ServeControlPlane } from '../../types';
import { integrationByCiName, projectOf, registrationTypeOf, type RouteSpec } from '../route';
import { ArtifactCI, RegisterResponse } from '../schemas';
import { ArtifactCIRequest, AttachDetachCiRequest } from '../schemas-ci-names';
import { toArtifactCi, toRegisterResponse } from '../wire';

interface ArtifactCiBody {
  ciName: string;
  registrationType: RegistrationType | 'HYBRID';
  stackName?: string;
}

interface AttachDetachBody {
  blueprintName: string;
  ciName: string;
  registrationType: RegistrationType | 'HYBRID';
}

/** serve registers by one type per configuration; Facets' HYBRID has no counterpart here. */
function supportedRegistrationType(value: ArtifactCiBody['registrationType']): void {
  if (value === 'HYBRID') throw new FacetsError('USAGE', 'registrationType HYBRID is not supported by this control plane (use ENVIRONMENT or RELEASE_STREAM)');
}

/** ArtifactCI as Facets' clients read it: the registration type of its CI/CD configuration, else the project's, else ENVIRONMENT. */
export async function artifactCiAnswer(cp: ServeControlPlane, integration: CiIntegration) {
  return toArtifactCi(integration, await registrationTypeOf(cp, integration));
}

/** The CI named in an attach/detach body, which must be of the project the body names. */
async function boundIntegration(cp: ServeControlPlane, body: AttachDetachBody, createMissing: boolean): Promise<CiIntegration> {
  supportedRegistrationType(body.registrationType);
  let integration: CiIntegration;
  try {
    integration = await integrationByCiName(cp, body.ciName);
  } catch (e) {
    // Facets: for attach, the CI "must exist or will be created for the project".
    if (!createMissing || !(e instanceof FacetsError) || e.kind !== 'NOT_FOUND') throw e;
    integration = (await cp.bindCiName(body.blueprintName, body.ciName)).integration;
  }
  if (integration.project !== body.blueprintName) {
    throw new FacetsError('USAGE', `CI name "${body.ciName}" belongs to project ${integration.project}, not ${body.blueprintName}`, `send blueprintName ${integration.project}`);
  }
  return integration;
}

const strategyRoute = (verb: 'attach' | 'detach', strategy: ImageStrategy, operationId: string, summary: string): RouteSpec => ({
  method: 'PUT',
  path: `/cc-ui/v1/ci-cd/${verb}`,
  operationId,
  facetsBodyless: true,
  summary,
  body: AttachDetachCiRequest,
  response: { description: 'The CI integration with its new image strategy (the body only with Prefer: return=representation)', schema: ArtifactCI },
  handler: async ({ body }, { cp }) => {
    const integration = await boundIntegration(cp, body as AttachDetachBody, verb === 'attach');
    return artifactCiAnswer(cp, await cp.setImageStrategy(integration.project, integration.resourceName, strategy));
  },
});

/** A CI by its integration id, else by its ciName. */
async function integrationById(cp: ServeControlPlane, ciId: string): Promise<CiIntegration> {
  const all = (await Promise.all((await cp.listProjects()).map((p) => cp.listCiIntegrations(p)))).flat();
  return all.find((i) => i.id === ciId) ?? integrationByCiName(cp, ciId);
}

export const artifactCiRoutes: RouteSpec[] = [
  {
    method: 'POST',
    path: '/cc-ui/v1/artifacts-ci',
    operationId: 'createArtifactCI',
    summary:
      'Bind a client-generated ciName (<project>-<resource>- as generated, then exactly 8 [a-z0-9]) to the one resource of the project it fits; the same binding again is answered as before',
    body: ArtifactCIRequest,
    response: { description: 'The CI integration', schema: ArtifactCI },
    handler: async ({ body }, { cp }) => {
      const b = body as ArtifactCiBody;
      supportedRegistrationType(b.registrationType);
      const project = await projectOf(cp, b.stackName);
      return artifactCiAnswer(cp, (await cp.bindCiName(project, b.ciName)).integration);
    },
  },
  strategyRoute('attach', 'PROJECT_CI', 'attachRuleAndWorkflow', "The CI follows the project's routing rules and promotion workflow (image strategy PROJECT_CI); an unknown ciName is bound first"),
  strategyRoute('detach', 'MANUAL', 'detachRuleAndWorkflow', 'The CI has no routing rules or promotion workflow (image strategy MANUAL): images are attached by hand'),
  {
    method: 'POST',
    path: '/cc-ui/v1/artifacts/{ciId}/promote/{artifactId}',
    operationId: 'promoteArtifact',
    summary: 'Promote an artifact of the CI to the next level of its promotion hierarchy',
    pathParams: { ciId: 'CI integration id (or ciName)', artifactId: 'artifact id' },
    response: { description: 'The promoted artifact', schema: RegisterResponse },
    handler: async ({ params }, { cp }) => {
      const integration = await integrationById(cp, params.ciId);
      return toRegisterResponse(await cp.promoteArtifact({ project: integration.project, service: integration.resourceName, artifactId: params.artifactId }));
    },
  },
];
