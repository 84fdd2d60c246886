// Container registries (Facets artifactories): read-only, plus the push credentials of one.
import { FacetsError } from '../../../core/errors';
import type { ContainerRegistry } from '../../../core/model';
import type { ControlPlane } from '../../types';
import { projectHaving, type QueryParameter, type RouteSpec } from '../route';
import { Artifactory, arrayOf, PushCredentialsRequest, PushCredentialsResponse } from '../schemas';
import { toArtifactory, type PushCredentialsWire } from '../wire';

const stackQuery: Record<string, QueryParameter> = {
  stackName: { schema: { type: 'string' }, extension: true, description: 'project name; optional when the server serves one project' },
};
const byNameQuery: Record<string, QueryParameter> = {
  stackName: { ...stackQuery.stackName, description: 'project name; needed only when several projects have a registry of this name' },
};

/** The project of a registry named on a Facets path (which names no project). */
const projectOfRegistry = (cp: ControlPlane, name: string, stackName: string | undefined) =>
  projectHaving(cp, stackName, `container registry "${name}"`, async (project) => (await cp.listRegistries(project)).some((r) => r.name === name));
const repoQuery: QueryParameter = { schema: { type: 'string' }, required: true, description: 'repository name' };
const artifactTypeQuery: QueryParameter = { schema: { type: 'string', enum: ['docker_image', 'freestyle'] }, description: 'accepted for compatibility; registries hold docker images' };

async function registryById(cp: ControlPlane, id: string): Promise<{ project: string; registry: ContainerRegistry }> {
  for (const project of await cp.listProjects()) {
    const registry = (await cp.listRegistries(project)).find((r) => r.id === id);
    if (registry) return { project, registry };
  }
  throw new FacetsError('NOT_FOUND', `no container registry has id "${id}"`, 'list them with GET /cc-ui/v1/artifactories');
}

async function registryByName(cp: ControlPlane, project: string, name: string): Promise<ContainerRegistry> {
  const registries = await cp.listRegistries(project);
  const registry = registries.find((r) => r.name === name);
  if (!registry) throw new FacetsError('NOT_FOUND', `container registry "${name}" is not a registry of project ${project} (known: ${registries.map((r) => r.name).join(', ')})`);
  return registry;
}

export const registryRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/cc-ui/v1/artifactories',
    operationId: 'getAllArtifactories',
    summary: 'Every container registry',
    query: stackQuery,
    response: { description: 'OK', schema: arrayOf(Artifactory) },
    handler: async ({ query }, { cp }) => {
      const projects = query.stackName ? [query.stackName] : await cp.listProjects();
      const all = await Promise.all(projects.map(async (p) => (await cp.listRegistries(p)).map((r) => toArtifactory(p, r))));
      return all.flat();
    },
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/artifactories/stack/{stackName}',
    operationId: 'getArtifactoriesByStack',
    summary: "A project's container registries (internal ones have systemDefined true)",
    pathParams: { stackName: 'project name' },
    response: { description: 'OK', schema: arrayOf(Artifactory) },
    handler: async ({ params }, { cp }) => (await cp.listRegistries(params.stackName)).map((r) => toArtifactory(params.stackName, r)),
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/artifactories/name/{name}',
    operationId: 'getArtifactoryByName',
    summary: 'One container registry by name',
    pathParams: { name: 'registry name' },
    query: byNameQuery,
    response: { description: 'OK', schema: Artifactory },
    handler: async ({ params, query }, { cp }) => {
      const project = await projectOfRegistry(cp, params.name, query.stackName);
      return toArtifactory(project, await registryByName(cp, project, params.name));
    },
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/artifactories/name/{name}/repos',
    operationId: 'getRepositoriesByArtifactoryName',
    summary: "The registry's repositories (its catalog)",
    pathParams: { name: 'registry name' },
    query: { ...byNameQuery, artifactType: artifactTypeQuery },
    response: { description: 'OK', schema: arrayOf({ type: 'string' }) },
    handler: async ({ params, query }, { cp }) => cp.listRepositories(await projectOfRegistry(cp, params.name, query.stackName), params.name),
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/artifactories/name/{name}/tags',
    operationId: 'getTagsByArtifactoryName',
    summary: "A repository's tags",
    pathParams: { name: 'registry name' },
    query: { ...byNameQuery, repo: repoQuery, artifactType: artifactTypeQuery },
    response: { description: 'OK', schema: arrayOf({ type: 'string' }) },
    handler: async ({ params, query }, { cp }) => cp.listTags(await projectOfRegistry(cp, params.name, query.stackName), params.name, query.repo as string),
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/artifactories/{artifactoryId}',
    operationId: 'getArtifactory',
    summary: 'One container registry by id',
    pathParams: { artifactoryId: 'registry id' },
    response: { description: 'OK', schema: Artifactory },
    handler: async ({ params }, { cp }) => {
      const { project, registry } = await registryById(cp, params.artifactoryId);
      return toArtifactory(project, registry);
    },
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/artifactories/{artifactoryId}/repos',
    operationId: 'getRepositories',
    summary: "The registry's repositories (its catalog)",
    pathParams: { artifactoryId: 'registry id' },
    response: { description: 'OK', schema: arrayOf({ type: 'string' }) },
    handler: async ({ params }, { cp }) => {
      const { project, registry } = await registryById(cp, params.artifactoryId);
      return cp.listRepositories(project, registry.name);
    },
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/artifactories/{artifactoryId}/tags',
    operationId: 'getTags',
    summary: "A repository's tags",
    pathParams: { artifactoryId: 'registry id' },
    query: { repo: repoQuery },
    response: { description: 'OK', schema: arrayOf({ type: 'string' }) },
    handler: async ({ params, query }, { cp }) => {
      const { project, registry } = await registryById(cp, params.artifactoryId);
      return cp.listTags(project, registry.name, query.repo as string);
    },
  },
  {
    method: 'POST',
    path: '/cc-ui/v1/ci-cd/pushCredentials',
    operationId: 'generateArtifactPushCredentials',
    summary: "The registry's push credentials for a service (no username/password: none configured, use the docker config)",
    body: PushCredentialsRequest,
    response: { description: 'OK', schema: PushCredentialsResponse },
    handler: async ({ body }, { cp }) => {
      const request = body as { applicationName: string; artifactory: string; blueprintName: string };
      const credentials = await cp.getPushCredentials(request.blueprintName, request.artifactory, request.applicationName);
      if (credentials) {
        const wire: PushCredentialsWire = {
          artifactory: credentials.registry,
          artifactoryUri: credentials.registryUri,
          repositoryUri: credentials.registryUri,
          username: credentials.username,
          password: credentials.password,
        };
        return wire;
      }
      const registry = await registryByName(cp, request.blueprintName, request.artifactory);
      const wire: PushCredentialsWire = { artifactory: registry.name, artifactoryUri: registry.uri, repositoryUri: registry.uri };
      return wire;
    },
  },
];
