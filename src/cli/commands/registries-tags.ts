// facetsctl registries tags NAME REPO: the tags of one repository.
import type { Command } from 'commander';
import { escapeControls } from '../display';
import type { Factory } from '../factory';
import { resolveProject } from '../inputs';
import { printOutput, withOutputOptions } from '../output-format';

export interface RegistriesTagsOptions {
  registry: string;
  repository: string;
}

export async function run(opts: RegistriesTagsOptions, f: Factory): Promise<{ project: string; registry: string; repository: string; tags: string[] }> {
  const cp = await f.controlPlane();
  const project = await resolveProject(f, cp);
  const tags = await cp.listTags(project, opts.registry, opts.repository);
  const output = { project, registry: opts.registry, repository: opts.repository, tags };
  await printOutput(f.io, output, () => {
    if (tags.length === 0) f.io.println(`No tags in ${opts.registry}/${opts.repository}`);
    // A registry's answer is echoed: a control character in it must not reach the terminal.
    else for (const t of tags) f.io.println(escapeControls(t));
  });
  return output;
}

export function define(parent: Command, f: Factory): Command {
  return withOutputOptions(parent.command('tags <registry> <repository>'))
    .description('List the tags of a repository in a project registry')
    .addHelpText('after', '\nExamples:\n  $ facetsctl registries tags local shop/checkout\n  $ facetsctl --json registries tags local shop/checkout\n  $ facetsctl registries tags local shop/checkout --jq \'.tags[-1]\'\n')
    .action(async (registry: string, repository: string) => {
      await run({ registry, repository }, f);
    });
}
