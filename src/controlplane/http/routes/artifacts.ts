// Artifact registration (by environment, by release stream, by metadata through the routing rules),
// promotion, and the facetsctl additions history and resolve.
import { artifactTypeOf } from '../../../core/artifact-url';
import { FacetsError } from '../../../core/errors';
import type { ArtifactType, HistoryKind } from '../../../core/model';
import type { ControlPlane, PromoteRequest, RegisterRequest, RegistrationTarget } from '../../types';
import { environmentName, integrationByCiName, nonNegativeInt, PAGING, projectOf, type RouteSpec } from '../route';
import { ArtifactByEnvironmentRequest, ArtifactByReleaseStreamRequest, ArtifactRequest, arrayOf, HISTORY_KIND, HistoryPage, RegisterResponse, Resolution } from '../schemas';
import { toRegisterResponse } from '../wire';

interface RegisterBody {
  applicationName: string;
  artifactUri: string;
  stackName?: string;
  artifactory?: string;
  externalId?: string;
  metadata?: Record<string, string>;
  artifactType?: ArtifactType;
  /** The reference's name for the build description; buildDescription is serve's older one, still read. */
  description?: string;
  buildDescription?: string;
  requireRoute?: boolean;
  clusterName?: string;
  clusterId?: string;
  releaseStream?: string;
}

const KINDS = HISTORY_KIND.enum as HistoryKind[];
const RESOURCE = '/cc-ui/v1/facetsctl/stacks/{stackName}/resources/{resourceName}';
const resourceParams = { stackName: 'project name', resourceName: 'service (resource) name' };
const registered = {
  description:
    'The registered artifact (created false: it was registered before), its artifactUri and tag those this request named; every tag it was registered under: GET /cc-ui/v1/facetsctl/stacks/{stackName}/resources/{resourceName}/artifacts/{artifactId}',
  schema: RegisterResponse,
};

async function register(cp: ControlPlane, body: RegisterBody, target: (project: string) => Promise<RegistrationTarget> | RegistrationTarget) {
  const project = await projectOf(cp, body.stackName);
  const request: RegisterRequest = {
    project,
    service: body.applicationName,
    artifactUri: body.artifactUri,
    target: await target(project),
    artifactType: body.artifactType ?? artifactTypeOf(body.artifactUri),
  };
  if (body.artifactory) request.registry = body.artifactory;
  if (body.metadata !== undefined) request.metadata = body.metadata;
  if (body.externalId) request.externalId = body.externalId;
  const description = body.description ?? body.buildDescription;
  if (description) request.description = description;
  if (body.requireRoute !== undefined) request.requireRoute = body.requireRoute;
  return toRegisterResponse(await cp.registerArtifact(request));
}

/** registerV2 and push: an explicit clusterId or releaseStream wins, else the routing rules decide from the metadata. */
const byRequest = (cp: ControlPlane, body: RegisterBody) => async (project: string): Promise<RegistrationTarget> => {
  if (body.clusterId && body.releaseStream) throw new FacetsError('USAGE', 'give clusterId or releaseStream, not both', 'omit both to route by metadata through the routing rules');
  if (body.clusterId) return { kind: 'environment', value: await environmentName(cp, project, body.clusterId) };
  if (body.releaseStream) return { kind: 'releaseStream', value: body.releaseStream };
  return { kind: 'metadata' };
};

export const artifactRoutes: RouteSpec[] = [
  {
    method: 'POST',
    path: '/cc-ui/v1/artifacts/register-by-env',
    operationId: 'registerArtifactByEnv',
    facetsBodyless: true,
    summary: 'Register an artifact to one environment (ENVIRONMENT registration type)',
    body: ArtifactByEnvironmentRequest,
    response: registered,
    handler: async ({ body }, { cp }) => {
      const b = body as RegisterBody;
      return register(cp, b, () => ({ kind: 'environment', value: b.clusterName as string }));
    },
  },
  {
    method: 'POST',
    path: '/cc-ui/v1/artifacts/register-by-release-stream',
    operationId: 'registerArtifactByReleaseStream',
    facetsBodyless: true,
    summary: 'Register an artifact to one release stream (RELEASE_STREAM registration type)',
    body: ArtifactByReleaseStreamRequest,
    response: registered,
    handler: async ({ body }, { cp }) => {
      const b = body as RegisterBody;
      return register(cp, b, () => ({ kind: 'releaseStream', value: b.releaseStream as string }));
    },
  },
  {
    method: 'POST',
    path: '/cc-ui/v1/artifacts/registerV2',
    operationId: 'registerArtifactV2',
    facetsBodyless: true,
    summary: 'Register an artifact; metadata (BRANCH_NAME, ...) routes it through the routing rules',
    body: ArtifactRequest,
    response: registered,
    handler: async ({ body }, { cp }) => register(cp, body as RegisterBody, byRequest(cp, body as RegisterBody)),
  },
  {
    method: 'POST',
    path: '/cc-ui/v1/artifacts/push',
    operationId: 'pushArtifact',
    facetsBodyless: true,
    summary: 'Register a pushed artifact; metadata (BRANCH_NAME, ...) routes it through the routing rules',
    body: ArtifactRequest,
    response: registered,
    handler: async ({ body }, { cp }) => register(cp, body as RegisterBody, byRequest(cp, body as RegisterBody)),
  },
  {
    method: 'POST',
    path: '/cc-ui/v1/artifacts/promote',
    operationId: 'promoteArtifactByArtifactCiName',
    summary: 'Promote an artifact (or the newest of a registration value) to the next level of the promotion hierarchy, or to `to`',
    query: {
      ciName: { schema: { type: 'string' }, required: true },
      artifactId: { schema: { type: 'string' }, description: 'required by Facets; optional here when `from` is given' },
      from: { schema: { type: 'string' }, extension: true, description: 'promote the newest artifact of this registration value' },
      to: { schema: { type: 'string' }, extension: true, description: 'target registration value (default: the next level)' },
    },
    response: { description: 'The promoted artifact', schema: RegisterResponse },
    handler: async ({ query }, { cp }) => {
      const integration = await integrationByCiName(cp, query.ciName as string);
      if (!query.artifactId && !query.from) throw new FacetsError('USAGE', 'query parameter artifactId (or from) is required to promote', 'pass the artifact id, or from=<environment or release stream>');
      const request: PromoteRequest = { project: integration.project, service: integration.resourceName };
      if (query.artifactId) request.artifactId = query.artifactId;
      if (query.from) request.from = query.from;
      if (query.to) request.to = query.to;
      return toRegisterResponse(await cp.promoteArtifact(request));
    },
  },
  {
    method: 'GET',
    path: `${RESOURCE}/history`,
    operationId: 'getServiceHistory',
    summary: "The service's events (registrations, promotions, attach/detach with revisions, config changes), newest first",
    extension: true,
    pathParams: resourceParams,
    query: {
      ...PAGING,
      clusterName: { schema: { type: 'string' }, description: 'only events of this environment' },
      kinds: { schema: { type: 'string' }, description: `comma-separated kinds: ${KINDS.join(', ')}` },
    },
    response: { description: 'OK', schema: HistoryPage },
    handler: async ({ params, query }, { cp }) => {
      const kinds = query.kinds ? query.kinds.split(',').map((k) => k.trim()) : undefined;
      const unknown = kinds?.filter((k) => !KINDS.includes(k as HistoryKind)) ?? [];
      if (unknown.length) throw new FacetsError('USAGE', `unknown history kind ${unknown.join(', ')} (known: ${KINDS.join(', ')})`);
      return cp.history(params.stackName, params.resourceName, {
        limit: nonNegativeInt(query.limit, 'limit'),
        offset: nonNegativeInt(query.offset, 'offset'),
        environment: query.clusterName || undefined,
        kinds: kinds as HistoryKind[] | undefined,
      });
    },
  },
  {
    method: 'GET',
    path: `${RESOURCE}/resolve`,
    operationId: 'resolveArtifact',
    summary: 'What ${blueprint.self.artifacts.<ciName>} resolves to in each environment (or one), and why',
    extension: true,
    pathParams: resourceParams,
    query: { clusterName: { schema: { type: 'string' }, description: 'one environment; default every environment' } },
    response: { description: 'OK', schema: arrayOf(Resolution) },
    handler: async ({ params, query }, { cp }) => cp.resolve(params.stackName, params.resourceName, query.clusterName || undefined),
  },
];
