// facetsctl detach: remove one environment's override, so the service resolves through CI/CD there again.
import type { Command } from 'commander';
import type { Override, Resolution } from '../../core/model';
import type { Factory } from '../factory';
import { resolveProject } from '../inputs';
import { requireEnvironment, requireKnownService } from './attach/targets';

export interface DetachOptions {
  service?: string;
  environment?: string;
}

/** The --json document of detach. */
export interface DetachOutput {
  project: string;
  service: string;
  environment: string;
  /** The sync revision of the detach. */
  revision: number;
  /** The image that was attached. */
  detachedImage: string;
  labels: Override['labels'];
  updatedAt: string;
  updatedBy: string;
  /** What the environment resolves to now. */
  resolution: Resolution;
}

export async function run(opts: DetachOptions, f: Factory): Promise<DetachOutput> {
  const cp = await f.controlPlane();
  const project = await cp.getProject(await resolveProject(f, cp));
  const service = await requireKnownService(f, cp, project, opts.service);
  const environment = await requireEnvironment(f, project, opts.environment);
  const removed = await cp.detachImage(project.name, service, environment);
  const [resolution] = await cp.resolve(project.name, service, environment);
  const output: DetachOutput = {
    project: project.name,
    service,
    environment,
    revision: removed.revision,
    detachedImage: removed.image,
    labels: removed.labels,
    updatedAt: removed.updatedAt,
    updatedBy: removed.updatedBy,
    resolution,
  };
  if (f.io.json) f.io.printJson(output);
  else {
    const c = f.io.color;
    f.io.println(`Detached ${c.bold(removed.image)} from ${service} in environment ${c.green(environment)}`);
    f.io.println(`  revision  ${removed.revision}`);
    f.io.println(`  now       ${resolution.resolved ? `${resolution.image} (${resolution.source})` : c.yellow(`unresolved: ${resolution.reason}`)}`);
  }
  return output;
}

export function define(parent: Command, f: Factory): Command {
  return parent
    .command('detach')
    .description("Remove one environment's attached image (override) of a service; CI-routed artifacts apply there again")
    .option('-s, --service <name>', 'service (resource)')
    .option('-e, --environment <name>', 'environment to detach from')
    .addHelpText('after', '\nExamples:\n  $ facetsctl detach --service checkout --environment staging\n  $ facetsctl --json detach -s checkout -e production\n')
    .action(async (opts: DetachOptions) => {
      await run(opts, f);
    });
}
