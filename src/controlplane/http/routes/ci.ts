// CI integrations (Facets artifacts-ci) and CI/CD configuration (ci-cd), project and service level.
import type { FastifyReply } from 'fastify';
import type { Artifact, CiIntegration, EffectiveCiConfig, ImageStrategy, Page } from '../../../core/model';
import { MAX_LIMIT } from '../../context';
import type { ControlPlane, ResetResult as ResetResultModel } from '../../types';
import { integrationByCiName, nonNegativeInt, PAGING, projectRegistrationType, registrationTypeOf, type RouteSpec } from '../route';
import {
  ArtifactCI,
  arrayOf,
  CiArtifactResponse,
  CiCdDtoRequest,
  CiCdDtoResponse,
  CiCustomCiCdRequest,
  CiCustomCiCdResponse,
  ImageStrategyRequest,
  ResetResult,
  TaggedArtifact,
} from '../schemas';
import { expectedRevision, withRevisionTag } from '../revision-header';
import { fromCiCdRequest, toArtifactCi, toArtifactWire, toCiCd, toTaggedArtifactWire, type ArtifactWire, type CiCdRequestWire } from '../wire';

const RESOURCE = '/cc-ui/v1/facetsctl/stacks/{stackName}/resources/{resourceName}';
const resourceParams = { stackName: 'project name', resourceName: 'service (resource) name' };

/** A page of artifacts, the paging in headers; serve's own path shows every tag (`wire`). */
function pageReply(reply: FastifyReply, page: Page<Artifact>, wire: (a: Artifact) => ArtifactWire = toArtifactWire) {
  reply.header('x-total-count', String(page.total));
  reply.header('x-limit', String(page.limit));
  reply.header('x-offset', String(page.offset));
  return page.items.map(wire);
}

const artifactCi = async (cp: ControlPlane, i: CiIntegration) => toArtifactCi(i, await registrationTypeOf(cp, i));
const artifactCis = (cp: ControlPlane, integrations: CiIntegration[]) => Promise.all(integrations.map((i) => artifactCi(cp, i)));

/** Without a configuration, registrationType is the project's (else ENVIRONMENT), as Facets' clients require one. */
const ciCdAnswer = async (cp: ControlPlane, e: EffectiveCiConfig) => toCiCd(e, e.config ? undefined : await projectRegistrationType(cp, e.project));

/** The reference has no paging: without limit and offset (serve's extension), every artifact, newest first. */
async function artifactsOf(cp: ControlPlane, integration: CiIntegration, query: Record<string, string | undefined>): Promise<Page<Artifact>> {
  const registrationValue = query.registrationValue;
  const limit = nonNegativeInt(query.limit, 'limit');
  const offset = nonNegativeInt(query.offset, 'offset');
  if (limit !== undefined || offset !== undefined) return cp.listArtifacts(integration.project, integration.resourceName, { limit, offset, registrationValue });
  const items: Artifact[] = [];
  for (;;) {
    const page = await cp.listArtifacts(integration.project, integration.resourceName, { limit: MAX_LIMIT, offset: items.length, registrationValue });
    items.push(...page.items);
    if (page.items.length < MAX_LIMIT || items.length >= page.total) return { items, total: page.total, limit: items.length, offset: 0 };
  }
}

export function toResetWire(project: string, r: ResetResultModel) {
  const previous = r.previous ? toCiCd({ project, mode: 'CUSTOM', config: r.previous }) : undefined;
  return previous ? { deletedRoutingRules: r.deletedRoutingRules, deletedPromotionWorkflow: r.deletedPromotionWorkflow, previous } : { deletedRoutingRules: r.deletedRoutingRules, deletedPromotionWorkflow: r.deletedPromotionWorkflow };
}

export const ciRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/cc-ui/v1/artifacts-ci',
    operationId: 'getAllArtifactsCI',
    summary: 'Every CI integration',
    response: { description: 'OK', schema: arrayOf(ArtifactCI) },
    handler: async (_req, { cp }) => artifactCis(cp, (await Promise.all((await cp.listProjects()).map((p) => cp.listCiIntegrations(p)))).flat()),
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/artifacts-ci/blueprint/{stackName}',
    operationId: 'getArtifactCIsByStack',
    summary: "A project's CI integrations",
    pathParams: { stackName: 'project name' },
    response: { description: 'OK', schema: arrayOf(ArtifactCI) },
    handler: async ({ params }, { cp }) => artifactCis(cp, await cp.listCiIntegrations(params.stackName)),
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/artifacts-ci/name/{ciName}',
    operationId: 'getArtifactCIByName',
    summary: 'One CI integration by ciName',
    pathParams: { ciName: 'CI name' },
    response: { description: 'OK', schema: ArtifactCI },
    handler: async ({ params }, { cp }) => artifactCi(cp, await integrationByCiName(cp, params.ciName)),
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/artifacts-ci/{ciName}/artifacts',
    operationId: 'getArtifactsForCI',
    summary: "The CI's artifacts, newest first: every one, or a page with limit/offset (X-Total-Count carries the total)",
    pathParams: { ciName: 'CI name' },
    query: {
      ...PAGING,
      limit: { ...PAGING.limit, description: 'page size (default: every artifact)' },
      registrationValue: { schema: { type: 'string' }, extension: true, description: 'only artifacts registered to this environment or release stream' },
    },
    response: { description: 'OK', schema: arrayOf(CiArtifactResponse), headers: { 'X-Total-Count': 'number of artifacts matching, across pages' } },
    handler: async ({ params, query }, { cp, reply }) => {
      return pageReply(reply, await artifactsOf(cp, await integrationByCiName(cp, params.ciName), query));
    },
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/ci-cd/{stackName}',
    operationId: 'getCiCdDetails',
    summary: 'The project-level CI/CD configuration (mode NONE, registrationType ENVIRONMENT, no rules when there is none)',
    pathParams: { stackName: 'project name' },
    response: { description: 'OK', schema: CiCdDtoResponse },
    handler: async ({ params }, { cp }) => ciCdAnswer(cp, await cp.getCiConfig(params.stackName)),
  },
  {
    method: 'POST',
    path: '/cc-ui/v1/ci-cd',
    operationId: 'saveCiCdDetails',
    facetsBodyless: true,
    summary: 'Save the project-level CI/CD configuration (partial: absent fields keep their value); the registration type cannot change without a reset',
    body: CiCdDtoRequest,
    response: { description: 'The resulting configuration', schema: CiCdDtoResponse },
    handler: async ({ body }, { cp }) => {
      const request = body as CiCdRequestWire & { stackName: string };
      return toCiCd(await cp.configureCi({ project: request.stackName, config: fromCiCdRequest(request) }));
    },
  },
  {
    method: 'DELETE',
    path: '/cc-ui/v1/ci-cd/{stackName}',
    operationId: 'resetCiCdDetails',
    facetsBodyless: true,
    summary: 'Reset the project-level CI/CD: deletes the default routing rules and promotion workflow',
    pathParams: { stackName: 'project name' },
    response: { description: 'What the reset deleted', schema: ResetResult },
    handler: async ({ params }, { cp }) => toResetWire(params.stackName, await cp.resetCi(params.stackName)),
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/ci-cd/ci/{ciName}',
    operationId: 'getCiLevelCiCdDetails',
    summary: "A CI integration's effective CI/CD configuration",
    pathParams: { ciName: 'CI name' },
    response: { description: 'OK', schema: CiCustomCiCdResponse },
    handler: async ({ params }, { cp }) => {
      const integration = await integrationByCiName(cp, params.ciName);
      return ciCdAnswer(cp, await cp.getCiConfig(integration.project, integration.resourceName));
    },
  },
  {
    method: 'POST',
    path: '/cc-ui/v1/ci-cd/ci/{ciName}/custom',
    operationId: 'saveCustomCiCd',
    summary: "Set a service's own CI/CD configuration (its image strategy becomes SERVICE_CI)",
    pathParams: { ciName: 'CI name' },
    body: CiCustomCiCdRequest,
    response: { description: 'The resulting configuration', schema: CiCustomCiCdResponse },
    handler: async ({ params, body }, { cp }) => {
      const integration = await integrationByCiName(cp, params.ciName);
      const config = fromCiCdRequest(body as CiCdRequestWire);
      return toCiCd(await cp.configureCi({ project: integration.project, service: integration.resourceName, config }));
    },
  },
  {
    method: 'POST',
    path: `${RESOURCE}/ci-integration`,
    operationId: 'ensureCiIntegration',
    summary: "The service's CI integration, created (with its ciName) on first call; idempotent",
    extension: true,
    pathParams: resourceParams,
    response: { description: 'OK', schema: ArtifactCI },
    handler: async ({ params }, { cp }) => artifactCi(cp, await cp.ensureCiIntegration(params.stackName, params.resourceName)),
  },
  {
    method: 'PUT',
    path: `${RESOURCE}/image-strategy`,
    operationId: 'setImageStrategy',
    summary: "Set the service's image strategy: PROJECT_CI, SERVICE_CI or MANUAL",
    extension: true,
    pathParams: resourceParams,
    body: ImageStrategyRequest,
    response: { description: 'OK', schema: ArtifactCI },
    handler: async ({ params, body }, { cp }) =>
      artifactCi(cp, await cp.setImageStrategy(params.stackName, params.resourceName, (body as { imageStrategy: ImageStrategy }).imageStrategy)),
  },
  {
    method: 'GET',
    path: `${RESOURCE}/ci-cd`,
    operationId: 'getServiceCiCd',
    summary: "The service's effective CI/CD configuration (INHERITED, CUSTOM or NONE)",
    extension: true,
    pathParams: resourceParams,
    response: { description: 'OK', schema: CiCustomCiCdResponse },
    revision: 'etag',
    handler: async ({ params }, { cp, reply }) => {
      const config = await cp.getCiConfig(params.stackName, params.resourceName);
      return withRevisionTag(reply, config.revision, await ciCdAnswer(cp, config));
    },
  },
  {
    method: 'POST',
    path: `${RESOURCE}/ci-cd`,
    operationId: 'saveServiceCiCd',
    summary: "Set the service's own CI/CD configuration in one step (partial; its image strategy becomes SERVICE_CI)",
    extension: true,
    pathParams: resourceParams,
    body: CiCustomCiCdRequest,
    response: { description: 'The resulting configuration', schema: CiCustomCiCdResponse },
    revision: 'if-match',
    handler: async ({ params, body }, { cp, reply }) => {
      const config = fromCiCdRequest(body as CiCdRequestWire);
      return toCiCd(await cp.configureCi({ project: params.stackName, service: params.resourceName, config, expectedRevision: expectedRevision(reply) }));
    },
  },
  {
    method: 'GET',
    path: `${RESOURCE}/artifacts`,
    operationId: 'getServiceArtifacts',
    summary: "The service's artifacts, newest first (X-Total-Count carries the total); empty before its first registration",
    extension: true,
    pathParams: resourceParams,
    query: { ...PAGING, registrationValue: { schema: { type: 'string' }, description: 'only artifacts registered to this environment or release stream' } },
    response: { description: 'OK', schema: arrayOf(TaggedArtifact), headers: { 'X-Total-Count': 'number of artifacts matching, across pages' } },
    handler: async ({ params, query }, { cp, reply }) => {
      const page = await cp.listArtifacts(params.stackName, params.resourceName, {
        limit: nonNegativeInt(query.limit, 'limit'),
        offset: nonNegativeInt(query.offset, 'offset'),
        registrationValue: query.registrationValue,
      });
      return pageReply(reply, page, toTaggedArtifactWire);
    },
  },
  {
    method: 'GET',
    path: `${RESOURCE}/artifacts/{artifactId}`,
    operationId: 'getServiceArtifact',
    summary: 'One artifact of the service, with every tag it was registered under',
    extension: true,
    pathParams: { ...resourceParams, artifactId: 'artifact id' },
    response: { description: 'OK', schema: TaggedArtifact },
    handler: async ({ params }, { cp }) => toTaggedArtifactWire(await cp.getArtifact(params.stackName, params.resourceName, params.artifactId)),
  },
  {
    method: 'DELETE',
    path: `${RESOURCE}/ci-cd`,
    operationId: 'resetServiceCiCd',
    summary: "Reset the service's own CI/CD: deletes its routing rules and promotion workflow",
    extension: true,
    pathParams: resourceParams,
    response: { description: 'What the reset deleted', schema: ResetResult },
    revision: 'if-match',
    handler: async ({ params }, { cp, reply }) => toResetWire(params.stackName, await cp.resetCi(params.stackName, params.resourceName, expectedRevision(reply))),
  },
];
