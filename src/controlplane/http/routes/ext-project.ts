// serve's own project-level paths: what this control plane offers (the client's discovery request), and the
// project's CI/CD in one place with everything serve has (partial saves, the image version policy, mode).
import { FacetsError } from '../../../core/errors';
import { packageVersion } from '../package-version';
import type { RouteSpec } from '../route';
import { CiCdDtoResponse, CiCustomCiCdRequest, ResetResult } from '../schemas';
import { Capabilities } from '../schemas-extensions';
import { fromCiCdRequest, toCiCd, type CiCdRequestWire } from '../wire';
import { expectedRevision, withRevisionTag } from '../revision-header';
import { toResetWire } from './ci';

const PROJECT_CI_CD = '/cc-ui/v1/facetsctl/stacks/{stackName}/ci-cd';
const stackParam = { stackName: 'project name' };

/** Bumped when serve's extension paths change in a way a client must know about. */
export const EXTENSIONS_VERSION = 1;

export const projectExtensionRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/cc-ui/v1/facetsctl/capabilities',
    operationId: 'getCapabilities',
    summary: "What this control plane offers beyond the Facets API: facetsctl's extension paths, at this version",
    extension: true,
    response: { description: 'OK', schema: Capabilities },
    handler: async () => ({ name: 'facetsctl', version: packageVersion(), extensions: EXTENSIONS_VERSION }),
  },
  {
    method: 'GET',
    path: PROJECT_CI_CD,
    operationId: 'getProjectCiCd',
    summary: 'The project-level CI/CD configuration, with its image version policy (mode NONE when there is none)',
    extension: true,
    pathParams: stackParam,
    response: { description: 'OK', schema: CiCdDtoResponse },
    revision: 'etag',
    handler: async ({ params }, { cp, reply }) => {
      const config = await cp.getCiConfig(params.stackName);
      return withRevisionTag(reply, config.revision, toCiCd(config));
    },
  },
  {
    method: 'POST',
    path: PROJECT_CI_CD,
    operationId: 'saveProjectCiCd',
    summary: 'Save the project-level CI/CD configuration (partial: absent fields keep their value), image version policy included',
    extension: true,
    pathParams: stackParam,
    body: CiCustomCiCdRequest,
    response: { description: 'The resulting configuration', schema: CiCdDtoResponse },
    revision: 'if-match',
    handler: async ({ params, body }, { cp, reply }) => {
      const request = body as CiCdRequestWire;
      if (request.stackName !== undefined && request.stackName !== params.stackName) {
        throw new FacetsError('USAGE', `field "stackName" (${request.stackName}) differs from the project of the path (${params.stackName})`, 'leave stackName out of the body');
      }
      return toCiCd(await cp.configureCi({ project: params.stackName, config: fromCiCdRequest(request), expectedRevision: expectedRevision(reply) }));
    },
  },
  {
    method: 'DELETE',
    path: PROJECT_CI_CD,
    operationId: 'resetProjectCiCd',
    summary: 'Reset the project-level CI/CD: deletes the default routing rules and promotion workflow, and says what it deleted',
    extension: true,
    pathParams: stackParam,
    response: { description: 'What the reset deleted', schema: ResetResult },
    revision: 'if-match',
    handler: async ({ params }, { cp, reply }) => toResetWire(params.stackName, await cp.resetCi(params.stackName, undefined, expectedRevision(reply))),
  },
];
