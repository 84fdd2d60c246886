// Lookups in the project layout; unknown names are NOT_FOUND errors that list the known ones.
import { FacetsError, unknownName } from '../core/errors';
import type { ContainerRegistry, Environment, Project, Resource } from '../core/model';
import type { ProjectLayout } from './types';

const known = (names: string[]) => (names.length > 0 ? names.join(', ') : 'none');

export class Layouts {
  private readonly byName = new Map<string, ProjectLayout>();

  constructor(layouts: ProjectLayout[]) {
    for (const layout of layouts) this.byName.set(layout.project.name, layout);
  }

  get projectNames(): string[] {
    return [...this.byName.keys()];
  }

  layout(project: string): ProjectLayout {
    const layout = this.byName.get(project);
    if (!layout) {
      throw new FacetsError('NOT_FOUND', `project "${project}" does not exist (known: ${known(this.projectNames)})`, 'pass --project with one of the known projects', {
        project,
        known: this.projectNames,
      });
    }
    return layout;
  }

  project(project: string): Project {
    return this.layout(project).project;
  }

  service(project: string, service: string): Resource {
    const p = this.project(project);
    const resource = p.resources.find((r) => r.resourceName === service);
    if (!resource) {
      const names = p.resources.map((r) => r.resourceName);
      throw new FacetsError('NOT_FOUND', `service "${service}" does not exist in project ${project} (known: ${known(names)})`, 'pass --service with one of the known services, or add it to the blueprint', {
        service,
        known: names,
      });
    }
    return resource;
  }

  environment(project: string, environment: string): Environment {
    const p = this.project(project);
    const env = p.environments.find((e) => e.name === environment);
    if (!env) throw unknownName('environment', environment, project, p.environments.map((e) => e.name));
    return env;
  }

  releaseStream(project: string, stream: string): void {
    const names = this.project(project).releaseStreams.map((s) => s.name);
    if (!names.includes(stream)) throw unknownName('release stream', stream, project, names);
  }

  registry(project: string, registry: string): ContainerRegistry {
    const p = this.project(project);
    const found = p.registries.find((r) => r.name === registry);
    if (!found) {
      const names = p.registries.map((r) => r.name);
      throw new FacetsError('NOT_FOUND', `container registry "${registry}" does not exist in project ${project} (known: ${known(names)})`, 'run `facetsctl registries list` to see them', {
        registry,
        known: names,
      });
    }
    return found;
  }
}
