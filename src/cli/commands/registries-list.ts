// facetsctl registries list: the project's container registries (internal ones marked).
import type { Command } from 'commander';
import type { ContainerRegistry } from '../../core/model';
import type { Factory } from '../factory';
import { resolveProject } from '../inputs';
import { formatTable } from '../table';

export type RegistriesListOptions = Record<string, never>;

export async function run(_opts: RegistriesListOptions, f: Factory): Promise<{ project: string; registries: ContainerRegistry[] }> {
  const cp = await f.controlPlane();
  const project = await resolveProject(f, cp);
  const registries = await cp.listRegistries(project);
  if (f.io.json) f.io.printJson({ project, registries });
  else {
    const rows = registries.map((r) => [r.name, r.type, r.uri, r.internal ? 'internal (not for manual attach)' : '']);
    f.io.println(formatTable(['NAME', 'TYPE', 'URI', ''], rows));
  }
  return { project, registries };
}

export function define(parent: Command, f: Factory): Command {
  return parent
    .command('list')
    .description("List the project's container registries; internal ones (e.g. facets-config-auto) are marked")
    .addHelpText('after', '\nExamples:\n  $ facetsctl registries list\n  $ facetsctl --json registries list\n')
    .action(async () => {
      await run({}, f);
    });
}
