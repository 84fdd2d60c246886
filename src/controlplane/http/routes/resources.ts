// Facets operations on a project's resources: the blueprint files (resources-info) and where a CI name is used.
import { FacetsError } from '../../../core/errors';
import type { CiIntegration, Resource } from '../../../core/model';
import { integrationByCiName, type RouteSpec } from '../route';
import { arrayOf } from '../schemas';
import { BlueprintFile, CiNameUsageDto } from '../schemas-ci-names';

/** Query values stay strings (app.ts): a boolean parameter is "true" or "false", anything else is named. */
function booleanQuery(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new FacetsError('USAGE', `query parameter ${name} must be true or false (got "${value}")`);
}

/** serve's blueprint view of a resource: its image is the artifact template once the service has a CI integration. */
function resourceContent(resource: Resource, integration: CiIntegration | undefined): string {
  const spec = integration ? { release: { image: integration.artifactTemplate } } : {};
  return JSON.stringify({ kind: resource.resourceType, metadata: { name: resource.resourceName }, spec });
}

export const resourceRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/cc-ui/v1/dropdown/stack/{stackName}/resources-info',
    operationId: 'getAllResourcesByStack',
    summary: "The project's resources, each with its CI name (when it has one) and, with includeContent=true, its JSON; serve has one version of the blueprint and no add-ons, so branch and excludeAddOns change nothing",
    pathParams: { stackName: 'project name' },
    query: {
      includeContent: { schema: { type: 'boolean', default: false }, description: "with each resource's JSON in content" },
      branch: { schema: { type: 'string', default: '' }, description: 'accepted; serve serves one version of the blueprint' },
      excludeAddOns: { schema: { type: 'boolean', default: false }, description: 'accepted; serve has no add-ons' },
    },
    response: { description: 'OK', schema: arrayOf(BlueprintFile) },
    handler: async ({ params, query }, { cp }) => {
      const withContent = booleanQuery(query.includeContent, 'includeContent');
      booleanQuery(query.excludeAddOns, 'excludeAddOns');
      const project = await cp.getProject(params.stackName);
      const integrations = await cp.listCiIntegrations(params.stackName);
      return project.resources.map((resource) => {
        const integration = integrations.find((i) => i.resourceName === resource.resourceName);
        const file: Record<string, unknown> = {
          resourceName: resource.resourceName,
          resourceType: resource.resourceType,
          stackName: project.name,
          ciNames: integration ? [integration.ciName] : [],
        };
        if (withContent) file.content = resourceContent(resource, integration);
        return file;
      });
    },
  },
  {
    method: 'GET',
    path: '/cc-ui/v1/ci-cd/ci-name/{ciName}/resources',
    operationId: 'getResourcesByCiName',
    summary: 'The resource that uses the CI name, with the environments it is deployed to (every environment of its project)',
    pathParams: { ciName: 'CI name' },
    response: { description: 'OK', schema: arrayOf(CiNameUsageDto) },
    handler: async ({ params }, { cp }) => {
      const integration = await integrationByCiName(cp, params.ciName);
      const environments = await cp.listEnvironments(integration.project);
      return [{ stackName: integration.project, resourceType: integration.resourceType, resourceName: integration.resourceName, environments: environments.map((e) => e.name) }];
    },
  },
];
