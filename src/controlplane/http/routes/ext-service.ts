// serve's own one-step paths for a service: register (to an environment, a release stream, or by the routing rules)
// and promote, answered with every tag of the artifact; and one environment's override (manual attach).
import { artifactTypeOf } from '../../../core/artifact-url';
import { FacetsError } from '../../../core/errors';
import type { ArtifactType } from '../../../core/model';
import type { AttachRequest, RegisterRequest, RegisterResult, RegistrationTarget } from '../../types';
import { environmentName, type RouteSpec } from '../route';
import { expectedRevision, withRevisionTag } from '../revision-header';
import { OverrideObject } from '../schemas';
import { OverrideRequest, ServicePromoteRequest, ServiceRegisterRequest, TaggedRegisterResponse } from '../schemas-extensions';
import { toOverrideWire, toRegisterResponse } from '../wire';
import { defined } from '../wire-defined';

const RESOURCE = '/cc-ui/v1/facetsctl/stacks/{stackName}/resources/{resourceName}';
const OVERRIDE = `${RESOURCE}/environments/{environment}/override`;
const resourceParams = { stackName: 'project name', resourceName: 'service (resource) name' };
const overrideParams = { ...resourceParams, environment: 'environment name (or id)' };

interface RegisterBody {
  artifactUri: string;
  artifactType?: ArtifactType;
  artifactory?: string;
  target: { kind: RegistrationTarget['kind']; value?: string };
  metadata?: Record<string, string>;
  externalId?: string;
  description?: string;
  requireRoute?: boolean;
}

interface OverrideBody {
  artifactUri: string;
  artifactType: ArtifactType;
  artifactory?: string;
  repositoryName?: string;
  tag?: string;
  changeLog?: string;
}

function registrationTarget(target: RegisterBody['target']): RegistrationTarget {
  if (target.kind === 'metadata') {
    if (target.value !== undefined) throw new FacetsError('USAGE', 'field "target.value" is only for kind environment or releaseStream', 'the routing rules pick the target from the metadata');
    return { kind: 'metadata' };
  }
  if (target.value === undefined) throw new FacetsError('USAGE', `field "target.value" is required for kind ${target.kind}`, `name the ${target.kind === 'environment' ? 'environment' : 'release stream'}`);
  return { kind: target.kind, value: target.value };
}

/** The Facets register answer plus every tag the artifact was registered under. */
const tagged = (result: RegisterResult) => ({ ...toRegisterResponse(result), tags: result.artifact.tags });

export const serviceExtensionRoutes: RouteSpec[] = [
  {
    method: 'POST',
    path: `${RESOURCE}/register`,
    operationId: 'registerServiceArtifact',
    summary: 'Register an artifact for the service in one step: to an environment, to a release stream, or through the routing rules (metadata)',
    extension: true,
    pathParams: resourceParams,
    body: ServiceRegisterRequest,
    response: { description: 'The registered artifact (created false: it was registered before), with every tag it was registered under', schema: TaggedRegisterResponse },
    handler: async ({ params, body }, { cp }) => {
      const b = body as RegisterBody;
      const request: RegisterRequest = defined({
        project: params.stackName,
        service: params.resourceName,
        artifactUri: b.artifactUri,
        artifactType: b.artifactType ?? artifactTypeOf(b.artifactUri),
        target: registrationTarget(b.target),
        registry: b.artifactory,
        metadata: b.metadata,
        externalId: b.externalId || undefined,
        description: b.description || undefined,
        requireRoute: b.requireRoute,
      });
      return tagged(await cp.registerArtifact(request));
    },
  },
  {
    method: 'POST',
    path: `${RESOURCE}/promote`,
    operationId: 'promoteServiceArtifact',
    summary: 'Promote an artifact (artifactId), or the newest of a registration value (from), to the next level of the promotion hierarchy, or to `to`',
    extension: true,
    pathParams: resourceParams,
    body: ServicePromoteRequest,
    response: { description: 'The promoted artifact, with every tag it was registered under', schema: TaggedRegisterResponse },
    handler: async ({ params, body }, { cp }) => tagged(await cp.promoteArtifact({ project: params.stackName, service: params.resourceName, ...(body as { artifactId?: string; from?: string; to?: string }) })),
  },
  {
    method: 'GET',
    path: OVERRIDE,
    operationId: 'getServiceOverride',
    summary: "One environment's image override of the service (204 when there is none)",
    extension: true,
    pathParams: overrideParams,
    response: { description: 'OK', schema: OverrideObject, noContent: 'No override for this environment and service' },
    revision: 'etag',
    handler: async ({ params }, { cp, reply }) => {
      const override = await cp.getOverride(params.stackName, params.resourceName, await environmentName(cp, params.stackName, params.environment));
      withRevisionTag(reply, override?.revision ?? 0, null);
      if (override) return toOverrideWire(override);
      reply.code(204);
      return undefined;
    },
  },
  {
    method: 'POST',
    path: OVERRIDE,
    operationId: 'attachServiceImage',
    summary: "Attach an image to one environment's service (an override with a new revision; the same image and labels again change nothing)",
    extension: true,
    pathParams: overrideParams,
    body: OverrideRequest,
    response: { description: 'The override, with its revision', schema: OverrideObject },
    revision: 'if-match',
    handler: async ({ params, body }, { cp, reply }) => {
      const b = body as OverrideBody;
      const request: AttachRequest = defined({
        project: params.stackName,
        service: params.resourceName,
        environment: await environmentName(cp, params.stackName, params.environment),
        image: b.artifactUri,
        artifactType: b.artifactType,
        registry: b.artifactory,
        repository: b.repositoryName,
        tag: b.tag,
        changeLog: b.changeLog || undefined,
        expectedRevision: expectedRevision(reply),
      });
      return toOverrideWire(await cp.attachImage(request));
    },
  },
  {
    method: 'DELETE',
    path: OVERRIDE,
    operationId: 'detachServiceImage',
    summary: "Remove one environment's image override of the service",
    extension: true,
    pathParams: overrideParams,
    response: { description: 'The override that was removed, with the detach revision', schema: OverrideObject },
    revision: 'if-match',
    handler: async ({ params }, { cp, reply }) =>
      toOverrideWire(await cp.detachImage(params.stackName, params.resourceName, await environmentName(cp, params.stackName, params.environment), expectedRevision(reply))),
  },
];
