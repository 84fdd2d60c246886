// facetsctl ci show: the effective CI/CD configuration, and per registry the `facetsctl push` line to paste.
import type { Command } from 'commander';
import type { EffectiveCiConfig } from '../../core/model';
import { printCiConfig, pushCommand } from '../ci-format';
import type { Factory } from '../factory';
import { resolveProject } from '../inputs';
import { printOutput, withOutputOptions } from '../output-format';

export interface CiShowOptions {
  service?: string;
}

export interface CiShowOutput {
  project: string;
  service: string | null;
  ciConfig: EffectiveCiConfig;
  /** Per non-internal registry (service view only): the ready-to-paste push command. */
  push: Array<{ registry: string; uri: string; command: string }>;
}

export async function run(opts: CiShowOptions, f: Factory): Promise<CiShowOutput> {
  const cp = await f.controlPlane();
  const project = await resolveProject(f, cp);
  const ciConfig = await cp.getCiConfig(project, opts.service);
  const service = opts.service ?? null;
  const registries = service ? (await cp.listRegistries(project)).filter((r) => !r.internal) : [];
  const push = service ? registries.map((r) => ({ registry: r.name, uri: r.uri, command: pushCommand(project, service, r) })) : [];
  const output: CiShowOutput = { project, service, ciConfig, push };
  await printOutput(f.io, output, () => {
    printCiConfig(f.io, ciConfig);
    if (push.length > 0) {
      f.io.println('\nUse CLI (register and push an image to a registry):');
      for (const p of push) f.io.println(`  ${p.registry} (${p.uri}):\n    ${p.command}`);
    }
  });
  return output;
}

export function define(parent: Command, f: Factory): Command {
  return withOutputOptions(parent.command('show'))
    .description('Show the effective CI/CD configuration of the project or of a service')
    .option('-s, --service <name>', 'show what this service uses (inherited or its own), with its push commands')
    .addHelpText('after', '\nExamples:\n  $ facetsctl ci show\n  $ facetsctl ci show --service checkout\n  $ facetsctl ci show -s checkout --jq \'.push[0].command\'\n')
    .action(async (opts: CiShowOptions) => {
      await run(opts, f);
    });
}
