// One table drives serve: each route's method, Facets path, schemas and handler. fastify registers it,
// and the OpenAPI document (openapi/facetsctl-serve.yaml) is generated from the same table.
import type { FastifyReply } from 'fastify';
import { FacetsError } from '../../core/errors';
import type { CiIntegration, Environment, RegistrationType } from '../../core/model';
import { wholeNumber } from '../../core/whole-number';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../context';
import type { ControlPlane, Identity, ServeControlPlane } from '../types';
import type { Schema } from './schemas';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface QueryParameter {
  schema: Schema;
  required?: boolean;
  description?: string;
  extension?: boolean;
}

export interface RouteRequest {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: unknown;
}

export interface RouteContext {
  /** The control plane acting as the authenticated user. */
  cp: ServeControlPlane;
  identity: Identity;
  reply: FastifyReply;
}

export interface RouteSpec {
  method: HttpMethod;
  /** OpenAPI syntax: /cc-ui/v1/stacks/{stackName} */
  path: string;
  operationId: string;
  summary: string;
  /** Not in the Facets API: a facetsctl addition. */
  extension?: boolean;
  /** Facets answers this with an empty 200: so does serve, unless the request says `Prefer: return=representation`. */
  facetsBodyless?: boolean;
  pathParams?: Record<string, string>;
  query?: Record<string, QueryParameter>;
  body?: Schema;
  /** noContent: what a 204 answer (no body) means, when the route gives one. */
  response: { description: string; schema?: Schema; headers?: Record<string, string>; noContent?: string };
  /** Optimistic concurrency on the wire: a read answers its revision as ETag, a write takes the one read as If-Match. */
  revision?: 'etag' | 'if-match';
  handler(request: RouteRequest, context: RouteContext): Promise<unknown>;
}

/** fastify's path syntax for an OpenAPI path. */
export const fastifyPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

/** The only project of this server when a Facets path does not name one. */
export async function projectOf(cp: ControlPlane, stackName: string | undefined): Promise<string> {
  if (stackName) return stackName;
  const projects = await cp.listProjects();
  if (projects.length === 1) return projects[0];
  throw new FacetsError('USAGE', `stackName is required: this control plane serves ${projects.length} projects (${projects.join(', ')})`);
}

/**
 * The project a Facets path means when it names only something inside it (an environment, a registry): the one
 * project that has it; several -> CONFLICT naming them. None: the only project (its service names the known
 * values), else NOT_FOUND. A stackName (serve's extension) decides.
 */
export async function projectHaving(cp: ControlPlane, stackName: string | undefined, what: string, has: (project: string) => Promise<boolean>): Promise<string> {
  if (stackName) return stackName;
  const projects = await cp.listProjects();
  const having: string[] = [];
  for (const project of projects) if (await has(project)) having.push(project);
  if (having.length === 1) return having[0];
  if (having.length > 1) throw new FacetsError('CONFLICT', `${what} is in several projects (${having.join(', ')})`, 'name the project with the stackName query parameter');
  if (projects.length === 1) return projects[0];
  throw new FacetsError('NOT_FOUND', `${what} is in none of the projects of this control plane (${projects.join(', ')})`);
}

/** The project of an environment given by id (Facets clusterId) or name. */
export const projectOfEnvironment = (cp: ControlPlane, clusterId: string, stackName?: string): Promise<string> =>
  projectHaving(cp, stackName, `environment "${clusterId}"`, async (project) => (await cp.listEnvironments(project)).some((e) => e.id === clusterId || e.name === clusterId));

/** The registration type an ArtifactCI states: its effective CI/CD configuration's, else the project's, else ENVIRONMENT. */
export async function registrationTypeOf(cp: ControlPlane, integration: CiIntegration): Promise<RegistrationType> {
  const effective = await cp.getCiConfig(integration.project, integration.resourceName);
  return effective.config?.registrationType ?? (await projectRegistrationType(cp, integration.project));
}

/** The project's registration type, ENVIRONMENT before anything is configured (what Facets' clients require). */
export async function projectRegistrationType(cp: ControlPlane, project: string): Promise<RegistrationType> {
  return (await cp.getCiConfig(project)).config?.registrationType ?? 'ENVIRONMENT';
}

/** An environment by id (Facets clusterId) or by name; unknown values pass through so the service names the known ones. */
export async function environmentName(cp: ControlPlane, project: string, clusterId: string): Promise<string> {
  const environments: Environment[] = await cp.listEnvironments(project);
  return environments.find((e) => e.id === clusterId)?.name ?? clusterId;
}

/** The project and service behind a ciName. */
export async function integrationByCiName(cp: ControlPlane, ciName: string) {
  for (const project of await cp.listProjects()) {
    const integration = (await cp.listCiIntegrations(project)).find((i) => i.ciName === ciName);
    if (integration) return integration;
  }
  throw new FacetsError('NOT_FOUND', `no CI integration is named "${ciName}"`, 'list them with GET /cc-ui/v1/artifacts-ci');
}

export function nonNegativeInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = wholeNumber(value);
  if (n === null) throw new FacetsError('USAGE', `query parameter ${name} must be an integer from 0 to ${Number.MAX_SAFE_INTEGER} (got "${value}")`);
  return n;
}

export const PAGING: Record<string, QueryParameter> = {
  limit: { schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT }, extension: true, description: `page size (default ${DEFAULT_LIMIT})` },
  offset: { schema: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }, extension: true, description: 'items to skip' },
};
