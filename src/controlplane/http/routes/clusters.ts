// Manual attach: per-environment overrides of a service's image (Facets clusters/{clusterId}/...).
import { FacetsError } from '../../../core/errors';
import type { AttachRequest, ControlPlane } from '../../types';
import { environmentName, projectOfEnvironment, type RouteSpec } from '../route';
import { ImageOverrideRequest, OverrideObject } from '../schemas';
import { toOverrideWire, type ImageOverrideRequestWire } from '../wire';

const clusterParam = { clusterId: 'environment id (or name)' };

/** The project and environment an ImageOverrideRequest means; a resourceType that is not the service's is refused. */
async function overrideTarget(cp: ControlPlane, clusterId: string, b: ImageOverrideRequestWire): Promise<{ project: string; environment: string }> {
  const project = await projectOfEnvironment(cp, clusterId, b.blueprintName);
  if (b.resourceType !== undefined) {
    const resource = (await cp.getProject(project)).resources.find((r) => r.resourceName === b.resourceName);
    if (resource && resource.resourceType !== b.resourceType) {
      throw new FacetsError('USAGE', `resourceType "${b.resourceType}" is not the type of ${b.resourceName} in project ${project} (it is "${resource.resourceType}")`, `send resourceType "${resource.resourceType}"`);
    }
  }
  return { project, environment: await environmentName(cp, project, clusterId) };
}

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
      const { project, environment } = await overrideTarget(cp, params.clusterId, b);
      const request: AttachRequest = { project, service: b.resourceName, environment, image: b.artifactUri, artifactType: b.artifactType ?? 'docker_image' };
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
      const { project, environment } = await overrideTarget(cp, params.clusterId, b);
      return toOverrideWire(await cp.detachImage(project, b.resourceName, environment));
    },
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/clusters/{clusterId}/resourceType/{resourceType}/resourceName/{resourceName}/overrides',
    operationId: 'getResourceOverrideObject',
    summary: "One environment's override of a service (overrides {} when there is none)",
    pathParams: { ...clusterParam, resourceType: 'resource type (e.g. service)', resourceName: 'service (resource) name' },
    query: { stackName: { schema: { type: 'string' }, extension: true, description: 'project name; needed only when the environment is in several projects' } },
    response: { description: 'OK', schema: OverrideObject },
    handler: async ({ params, query }, { cp }) => {
      const project = await projectOfEnvironment(cp, params.clusterId, query.stackName);
      const override = await cp.getOverride(project, params.resourceName, await environmentName(cp, project, params.clusterId));
      return override ? toOverrideWire(override) : { resourceName: params.resourceName, resourceType: params.resourceType, overrides: {} };
    },
  },
];
