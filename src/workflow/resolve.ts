// The last step: what ${blueprint.self.artifacts.<ciName>} becomes per environment, and why.
import type { ControlPlane } from '../api/control-plane';
import { FacetsError } from '../core/errors';
import type { Resolution } from '../core/model';

/** Every environment's resolution, or one environment's; that one not resolving is NOT_FOUND, a failure scripts can see. */
export async function resolveService(cp: ControlPlane, project: string, service: string, environment?: string): Promise<Resolution[]> {
  const resolutions = await cp.resolve(project, service, environment);
  const single = environment !== undefined ? resolutions[0] : undefined;
  if (single && !single.resolved) throw new FacetsError('NOT_FOUND', `${service} does not resolve in environment ${single.environment}: ${single.reason}`);
  return resolutions;
}
