// The service and environment an override is for, checked against the project before anything is sent.
import type { ControlPlane } from '../../../api/control-plane';
import { notFound } from '../../../core/errors';
import type { Project } from '../../../core/model';
import type { Factory } from '../../factory';
import { requireChoice, requireService } from '../../inputs';

export async function requireKnownService(f: Factory, cp: ControlPlane, project: Project, service: string | undefined): Promise<string> {
  const name = await requireService(f, cp, project.name, service);
  if (!project.resources.some((r) => r.resourceName === name)) {
    const known = project.resources.map((r) => r.resourceName).join(', ') || 'none';
    throw notFound(`service "${name}" is not a service of project ${project.name} (known: ${known})`, 'services are declared in the blueprint');
  }
  return name;
}

export async function requireEnvironment(f: Factory, project: Project, environment: string | undefined): Promise<string> {
  const names = project.environments.map((e) => e.name);
  const name = await requireChoice(f, environment, '--environment', 'Environment', names.map((n) => ({ name: n, value: n })));
  if (!names.includes(name)) {
    throw notFound(`environment "${name}" is not an environment of project ${project.name} (known: ${names.join(', ') || 'none'})`, 'pass one of those to --environment');
  }
  return name;
}
