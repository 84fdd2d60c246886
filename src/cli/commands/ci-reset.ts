// facetsctl ci reset: delete the routing rules and the promotion workflow, so the registration type can change.
import type { Command } from 'commander';
import type { ResetResult } from '../../api/control-plane';
import type { Factory } from '../factory';
import { confirmOrYes, resolveProject } from '../inputs';

export interface CiResetOptions {
  service?: string;
}

export interface CiResetOutput extends ResetResult {
  project: string;
  service: string | null;
}

export async function run(opts: CiResetOptions, f: Factory): Promise<CiResetOutput> {
  const cp = await f.controlPlane();
  const project = await resolveProject(f, cp);
  const level = opts.service ? `service ${opts.service}` : `project ${project}`;
  const read = await cp.getCiConfig(project, opts.service);
  f.io.info(`Reset of ${level} deletes its routing rules and its promotion workflow; artifacts stay.`);
  await confirmOrYes(f, `Reset the CI/CD configuration of ${level}?`, `reset of the CI/CD configuration of ${level}`);
  // Named, the revision read refuses a reset of a configuration changed while the confirmation was asked.
  const result = await cp.resetCi(project, opts.service, read.revision);
  const output: CiResetOutput = { project, service: opts.service ?? null, ...result };
  if (f.io.json) f.io.printJson(output);
  else {
    const previous = result.previous ? ` (was ${result.previous.registrationType}, ${result.previous.ciStrategy})` : '';
    f.io.println(`Reset ${level}${previous}: deleted ${result.deletedRoutingRules} routing rule(s)${result.deletedPromotionWorkflow ? ' and the promotion workflow' : ''}`);
  }
  return output;
}

export function define(parent: Command, f: Factory): Command {
  return parent
    .command('reset')
    .description('Reset CI/CD of the project or a service (deletes routing rules and promotion workflow; asks, or needs --yes)')
    .option('-s, --service <name>', 'reset this service\'s own configuration')
    .addHelpText('after', '\nExamples:\n  $ facetsctl ci reset\n  $ facetsctl --yes ci reset --service checkout\n')
    .action(async (opts: CiResetOptions) => {
      await run(opts, f);
    });
}
