// facetsctl resolve: what ${blueprint.self.artifacts.<ciName>} becomes per environment, and why.
import type { Command } from 'commander';
import { usage } from '../../core/errors';
import type { Resolution } from '../../core/model';
import { resolveService } from '../../workflow/resolve';
import type { Factory } from '../factory';
import { requireService, resolveProject } from '../inputs';
import { formatTable } from '../table';
import { printOutput, withOutputOptions } from '../output-format';

export interface ResolveOptions {
  service?: string;
  environment?: string;
  all?: boolean;
  /** false with --no-trunc: full digests in the table. */
  trunc?: boolean;
}

export interface ResolveOutput {
  project: string;
  service: string;
  resolutions: Resolution[];
}

export async function run(opts: ResolveOptions, f: Factory): Promise<ResolveOutput> {
  if (opts.environment !== undefined && opts.all) throw usage('--environment and --all cannot be used together');
  const cp = await f.controlPlane();
  const project = await resolveProject(f, cp);
  const service = await requireService(f, cp, project, opts.service);
  const resolutions = await resolveService(cp, project, service, opts.environment);
  const output: ResolveOutput = { project, service, resolutions };
  await printOutput(f.io, output, () => {
    const c = f.io.color;
    const wide = f.io.wide;
    // -o wide: which artifact or override revision it is, and whole digests.
    const which = (r: Resolution) => (wide ? [r.artifactId ?? '-', r.revision === null ? '-' : String(r.revision)] : []);
    const rows = resolutions.map((r) => [r.environment, r.resolved ? r.image : { text: '(unresolved)', paint: c.yellow }, r.resolved ? r.source : '-', ...which(r), r.reason]);
    const header = ['ENVIRONMENT', 'IMAGE', 'SOURCE', ...(wide ? ['ARTIFACT', 'REV'] : []), 'WHY'];
    f.io.println(formatTable(header, rows, { noTrunc: opts.trunc === false || wide }));
  });
  return output;
}

export function define(parent: Command, f: Factory): Command {
  return withOutputOptions(parent.command('resolve'))
    .description('Show the image a service resolves to in each environment (override, else newest routed artifact) and why')
    .option('-s, --service <name>', 'service (resource)')
    .option('-e, --environment <name>', 'one environment (exit 4 when nothing resolves there)')
    .option('--all', 'every environment of the project (the default)')
    .option('--no-trunc', 'show full sha256 digests in the table (by default their first 12 hex digits)')
    .addHelpText('after', '\nExamples:\n  $ facetsctl resolve --service checkout\n  $ facetsctl resolve -s checkout -e production\n  $ facetsctl --json resolve -s checkout --all\n  $ facetsctl resolve -s checkout --jq \'.resolutions[] | select(.resolved) | .image\'\n')
    .action(async (opts: ResolveOptions) => {
      await run(opts, f);
    });
}
