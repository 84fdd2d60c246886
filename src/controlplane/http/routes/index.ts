// Every route serve exposes, in one table (the OpenAPI document is generated from it).
import type { RouteSpec } from '../route';
import { artifactRoutes } from './artifacts';
import { ciRoutes } from './ci';
import { clusterRoutes } from './clusters';
import { registryRoutes } from './registries';
import { stackRoutes } from './stacks';

export const ROUTES: RouteSpec[] = [...stackRoutes, ...registryRoutes, ...ciRoutes, ...artifactRoutes, ...clusterRoutes];
