// facetsctl registries list: the project's container registries (internal ones marked).
import type { Command } from 'commander';
import type { ContainerRegistry } from '../../core/model';
import type { Factory } from '../factory';
import { resolveProject } from '../inputs';
import { formatTable } from '../table';
import { printOutput, withOutputOptions } from '../output-format';

export type RegistriesListOptions = Record<string, never>;

export async function run(_opts: RegistriesListOptions, f: Factory): Promise<{ project: string; registries: ContainerRegistry[] }> {
  const cp = await f.controlPlane();
  const project = await resolveProject(f, cp);
  const registries = await cp.listRegistries(project);
  await printOutput(f.io, { project, registries }, () => {
    const internal = (r: ContainerRegistry) => (r.internal ? 'internal (not for manual attach)' : '');
    // -o wide: the id the control plane knows it by, and whether it is reached without TLS checks.
    const rows = registries.map((r) => (f.io.wide ? [r.name, r.id, r.type, r.uri, r.insecure ? 'yes' : '', internal(r)] : [r.name, r.type, r.uri, internal(r)]));
    f.io.println(formatTable(f.io.wide ? ['NAME', 'ID', 'TYPE', 'URI', 'INSECURE', ''] : ['NAME', 'TYPE', 'URI', ''], rows));
  });
  return { project, registries };
}

export function define(parent: Command, f: Factory): Command {
  return withOutputOptions(parent.command('list'))
    .description("List the project's container registries; internal ones (e.g. facets-config-auto) are marked")
    .addHelpText('after', '\nExamples:\n  $ facetsctl registries list\n  $ facetsctl --json registries list\n  $ facetsctl registries list -o wide\n')
    .action(async () => {
      await run({}, f);
    });
}
