// facetsctl promote: move the newest artifact of one level (or a given artifact) up the promotion hierarchy.
import type { Command } from 'commander';
import { usage } from '../../core/errors';
import { registrationOutput, type RegisterOutput } from '../../workflow/register';
import type { Factory } from '../factory';
import { requireService, resolveProject } from '../inputs';

export interface PromoteOptions {
  service?: string;
  from?: string;
  to?: string;
  artifact?: string;
}

export async function run(opts: PromoteOptions, f: Factory): Promise<RegisterOutput> {
  if (opts.from === undefined && opts.artifact === undefined) throw usage('--from or --artifact is required', 'e.g. --from staging (its newest artifact) or --artifact ID');
  if (opts.from !== undefined && opts.artifact !== undefined) throw usage('--from and --artifact cannot be used together');
  const cp = await f.controlPlane();
  const project = await resolveProject(f, cp);
  const service = await requireService(f, cp, project, opts.service);
  const result = await cp.promoteArtifact({ project, service, from: opts.from, artifactId: opts.artifact, to: opts.to });
  const output = registrationOutput(project, service, result, true);
  if (f.io.json) f.io.printJson(output);
  else {
    const from = result.artifact.promotedFrom ? ` (from artifact ${result.artifact.promotedFrom})` : '';
    f.io.println(`${result.created ? 'Promoted' : 'Already promoted'} ${f.io.color.bold(output.artifactUri)} to ${output.routedTo}${from}`);
  }
  return output;
}

export function define(parent: Command, f: Factory): Command {
  return parent
    .command('promote')
    .description('Promote an artifact to the next level of the promotion hierarchy (or --to a given one)')
    .option('-s, --service <name>', 'service (resource)')
    .option('--from <value>', 'environment or release stream whose newest artifact is promoted')
    .option('--to <value>', 'target (default: the next level after --from)')
    .option('--artifact <id>', 'promote this artifact (an id from artifacts list) instead of the newest of --from')
    .addHelpText(
      'after',
      '\nExamples:\n  $ facetsctl promote --service checkout --from staging\n  $ facetsctl promote -s checkout --from dev --to production\n  $ facetsctl promote -s checkout --artifact art_0mx3r6l5f0000c9e2a41b --to production   # id from artifacts list\n',
    )
    .action(async (opts: PromoteOptions) => {
      await run(opts, f);
    });
}
