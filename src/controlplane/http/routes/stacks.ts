// Identity, projects (Facets stacks), environments (clusters) and release streams.
import { FacetsError } from '../../../core/errors';
import { projectOf, type RouteSpec } from '../route';
import { AbstractCluster, arrayOf, ReleaseStreamResponse, SimpleOauth2User, Stack } from '../schemas';
import { toCluster, toReleaseStream, toStack, toUser } from '../wire';

export const stackRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/api/me',
    operationId: 'me',
    summary: 'The authenticated user',
    response: { description: 'OK', schema: SimpleOauth2User },
    handler: async (_req, { cp }) => toUser(await cp.whoami()),
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/stacks/',
    operationId: 'getStacks',
    summary: 'Every project this control plane serves',
    response: { description: 'OK', schema: arrayOf(Stack) },
    handler: async (_req, { cp }) => Promise.all((await cp.listProjects()).map(async (name) => toStack(await cp.getProject(name)))),
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/stacks/{stackName}',
    operationId: 'getStack',
    summary: 'One project with its registries and service resources',
    pathParams: { stackName: 'project name' },
    response: { description: 'OK', schema: Stack },
    handler: async ({ params }, { cp }) => toStack(await cp.getProject(params.stackName)),
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/stacks/{stackName}/clusters',
    operationId: 'getClusters',
    summary: "The project's environments",
    pathParams: { stackName: 'project name' },
    response: { description: 'OK', schema: arrayOf(AbstractCluster) },
    handler: async ({ params }, { cp }) => (await cp.listEnvironments(params.stackName)).map((e) => toCluster(params.stackName, e)),
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/clusters/{clusterId}',
    operationId: 'getClusterCommon',
    summary: 'One environment, by id or name',
    pathParams: { clusterId: 'environment id (or name)' },
    response: { description: 'OK', schema: AbstractCluster },
    handler: async ({ params }, { cp }) => {
      const known: string[] = [];
      for (const project of await cp.listProjects()) {
        const environments = await cp.listEnvironments(project);
        const found = environments.find((e) => e.id === params.clusterId) ?? environments.find((e) => e.name === params.clusterId);
        if (found) return toCluster(project, found);
        known.push(...environments.map((e) => e.name));
      }
      throw new FacetsError('NOT_FOUND', `environment "${params.clusterId}" does not exist (known: ${known.join(', ')})`);
    },
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/release-stream',
    operationId: 'getAllReleaseStreams',
    summary: "The project's release streams",
    query: { stackName: { schema: { type: 'string' }, description: 'project name; optional when the server serves one project' } },
    response: { description: 'OK', schema: arrayOf(ReleaseStreamResponse) },
    handler: async ({ query }, { cp }) => {
      const project = await projectOf(cp, query.stackName);
      const [streams, environments] = await Promise.all([cp.listReleaseStreams(project), cp.listEnvironments(project)]);
      return streams.map((s) => toReleaseStream(s, environments));
    },
  },
];
