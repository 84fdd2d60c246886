// Every route serve exposes, in one table (the OpenAPI document is generated from it).
import type { RouteSpec } from '../route';
import { artifactCiRoutes } from './artifact-ci';
import { artifactRoutes } from './artifacts';
import { ciRoutes } from './ci';
import { clusterRoutes } from './clusters';
import { projectExtensionRoutes } from './ext-project';
import { serviceExtensionRoutes } from './ext-service';
import { registryRoutes } from './registries';
import { resourceRoutes } from './resources';
import { stackRoutes } from './stacks';

export const ROUTES: RouteSpec[] = [
  ...stackRoutes,
  ...registryRoutes,
  ...ciRoutes,
  ...artifactRoutes,
  ...clusterRoutes,
  ...resourceRoutes,
  ...artifactCiRoutes,
  ...projectExtensionRoutes,
  ...serviceExtensionRoutes,
];

/** `serve --reference-only`: only the Facets API's operations, as a client meets them on a Facets control plane. */
export const routesFor = (referenceOnly = false): RouteSpec[] => (referenceOnly ? ROUTES.filter((r) => !r.extension) : ROUTES);
