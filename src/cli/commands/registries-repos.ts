// facetsctl registries repos NAME: the repositories in one registry.
import type { Command } from 'commander';
import { escapeControls } from '../display';
import type { Factory } from '../factory';
import { resolveProject } from '../inputs';
import { printOutput, withOutputOptions } from '../output-format';

export interface RegistriesReposOptions {
  registry: string;
}

export async function run(opts: RegistriesReposOptions, f: Factory): Promise<{ project: string; registry: string; repositories: string[] }> {
  const cp = await f.controlPlane();
  const project = await resolveProject(f, cp);
  const repositories = await cp.listRepositories(project, opts.registry);
  const output = { project, registry: opts.registry, repositories };
  await printOutput(f.io, output, () => {
    if (repositories.length === 0) f.io.println(`No repositories in ${opts.registry}`);
    // A registry's answer is echoed: a control character in it must not reach the terminal.
    else for (const r of repositories) f.io.println(escapeControls(r));
  });
  return output;
}

export function define(parent: Command, f: Factory): Command {
  return withOutputOptions(parent.command('repos <registry>'))
    .description('List the repositories of a project registry')
    .addHelpText('after', '\nExamples:\n  $ facetsctl registries repos local\n  $ facetsctl --json registries repos local\n  $ facetsctl registries repos local -o yaml\n')
    .action(async (registry: string) => {
      await run({ registry }, f);
    });
}
