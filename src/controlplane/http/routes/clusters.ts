// Manual attach: per-environment overrides of a service's image (Facets clusters/{clusterId}/...).
import { FacetsError } from '../../../core/errors';
import type { AttachRequest } from '../../types';
import { environmentName, projectOf, type RouteSpec } from '../route';
import { ImageOverrideRequest, OverrideObject } from '../schemas';
import { toOverrideWire, type ImageOverrideRequestWire } from '../wire';

const clusterParam = { clusterId: 'environment id (or name)' };

export const clusterRoutes: RouteSpec[] = [
  {
    method: 'POST',
    path: '/cc-ui/v1/clusters/{clusterId}/attach-image',
    operationId: 'attachImage',
    facetsBodyless: true,
    summary: "Attach an image to one environment's service (an override; other environments are untouched)",
    pathParams: clusterParam,
    body: ImageOverrideRequest,
    response: { description: 'The override, with its new revision', schema: OverrideObject },
    handler: async ({ params, body }, { cp }) => {
      const b = body as ImageOverrideRequestWire;
      if (!b.artifactUri) throw new FacetsError('USAGE', 'artifactUri is required to attach an image', 'give the full image URI, e.g. 127.0.0.1:5000/team/api:1.4.2@sha256:...');
      const project = await projectOf(cp, b.blueprintName);
      const request: AttachRequest = {
        project,
        service: b.resourceName,
        environment: await environmentName(cp, project, params.clusterId),
        image: b.artifactUri,
        artifactType: b.artifactType ?? 'docker_image',
      };
      if (b.artifactory) request.registry = b.artifactory;
      if (b.repositoryName) request.repository = b.repositoryName;
      if (b.tag) request.tag = b.tag;
      if (b.changeLog) request.changeLog = b.changeLog;
      return toOverrideWire(await cp.attachImage(request));
    },
  },
  {
    method: 'DELETE',
    path: '/cc-ui/v1/clusters/{clusterId}/detachImage',
    operationId: 'detachImage',
    facetsBodyless: true,
    summary: "Remove one environment's image override of a service",
    pathParams: clusterParam,
    body: ImageOverrideRequest,
    response: { description: 'The override that was removed, with the detach revision', schema: OverrideObject },
    handler: async ({ params, body }, { cp }) => {
      const b = body as ImageOverrideRequestWire;
      const project = await projectOf(cp, b.blueprintName);
      return toOverrideWire(await cp.detachImage(project, b.resourceName, await environmentName(cp, project, params.clusterId)));
    },
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/clusters/{clusterId}/resourceType/{resourceType}/resourceName/{resourceName}/overrides',
    operationId: 'getResourceOverrideObject',
    summary: "One environment's override of a service (204 when there is none)",
    pathParams: { ...clusterParam, resourceType: 'resource type (e.g. service)', resourceName: 'service (resource) name' },
    query: { stackName: { schema: { type: 'string' }, extension: true, description: 'project name; optional when the server serves one project' } },
    response: { description: 'OK', schema: OverrideObject },
    handler: async ({ params, query }, { cp, reply }) => {
      const project = await projectOf(cp, query.stackName);
      const override = await cp.getOverride(project, params.resourceName, await environmentName(cp, project, params.clusterId));
      if (!override) {
        reply.code(204);
        return undefined;
      }
      return toOverrideWire(override);
    },
  },
];
