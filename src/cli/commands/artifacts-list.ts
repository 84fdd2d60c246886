// facetsctl artifacts list: a service's registered artifacts, newest first.
import type { Command } from 'commander';
import type { ControlPlane } from '../../api/control-plane';
import { unknownName, usage } from '../../core/errors';
import type { Artifact, Page } from '../../core/model';
import type { Factory } from '../factory';
import { parseInteger, requireService, resolveProject } from '../inputs';
import { printPage } from '../table';
import { printOutput, withOutputOptions } from '../output-format';

export interface ArtifactsListOptions {
  service?: string;
  environment?: string;
  releaseStream?: string;
  limit?: number;
  offset?: number;
  /** false with --no-trunc: full digests in the table. */
  trunc?: boolean;
}

export interface ArtifactsListOutput extends Page<Artifact> {
  project: string;
  service: string;
}

export async function run(opts: ArtifactsListOptions, f: Factory): Promise<ArtifactsListOutput> {
  if (opts.environment !== undefined && opts.releaseStream !== undefined) throw usage('--environment and --release-stream cannot be used together');
  const cp = await f.controlPlane();
  const project = await resolveProject(f, cp);
  const service = await requireService(f, cp, project, opts.service);
  await requireTarget(cp, project, opts);
  const page = await cp.listArtifacts(project, service, { limit: opts.limit, offset: opts.offset, registrationValue: opts.environment ?? opts.releaseStream });
  const output: ArtifactsListOutput = { project, service, ...page };
  await printOutput(f.io, output, () => {
    const wide = f.io.wide;
    // -o wide: where it came from and who registered it, and whole digests.
    const more = (a: Artifact) => (wide ? [a.registry ?? '-', a.externalId ?? '-', a.promotedFrom ?? '-', a.createdBy] : []);
    const row = (a: Artifact) => [a.id, a.registrationValue ?? '(unrouted)', a.artifactUri, a.tags.join(','), a.metadata.BRANCH_NAME ?? '', a.promoted ? 'yes' : '', a.createdAt, ...more(a)];
    const header = ['ID', 'TARGET', 'ARTIFACT', 'TAGS', 'BRANCH', 'PROMOTED', 'CREATED', ...(wide ? ['REGISTRY', 'EXTERNAL ID', 'FROM', 'BY'] : [])];
    printPage(f.io, page, `No artifacts for ${service}`, header, row, { noTrunc: opts.trunc === false || wide });
  });
  return output;
}

/** An unknown -e/-r would list nothing: NOT_FOUND with the known names, as every other command says it. */
async function requireTarget(cp: ControlPlane, project: string, opts: ArtifactsListOptions): Promise<void> {
  if (opts.environment !== undefined) {
    const known = (await cp.listEnvironments(project)).map((e) => e.name);
    if (!known.includes(opts.environment)) throw unknownName('environment', opts.environment, project, known);
  }
  if (opts.releaseStream !== undefined) {
    const known = (await cp.listReleaseStreams(project)).map((s) => s.name);
    if (!known.includes(opts.releaseStream)) throw unknownName('release stream', opts.releaseStream, project, known);
  }
}

export function define(parent: Command, f: Factory): Command {
  return withOutputOptions(parent.command('list'))
    .description("List a service's artifacts, newest first")
    .option('-s, --service <name>', 'service (resource)')
    .option('-e, --environment <name>', 'only artifacts registered to this environment')
    .option('-r, --release-stream <name>', 'only artifacts registered to this release stream')
    .option('--limit <n>', 'page size', parseInteger('--limit', 1))
    .option('--offset <n>', 'skip this many', parseInteger('--offset', 0))
    .option('--no-trunc', 'show full sha256 digests in the table (by default their first 12 hex digits)')
    .addHelpText('after', '\nExamples:\n  $ facetsctl artifacts list --service checkout\n  $ facetsctl artifacts list -s checkout -e dev --limit 5\n  $ facetsctl --json artifacts list -s checkout --offset 20\n  $ facetsctl artifacts list -s checkout -o wide\n  $ facetsctl artifacts list -s checkout --jq \'.items[0].artifactUri\'\n')
    .action(async (opts: ArtifactsListOptions) => {
      await run(opts, f);
    });
}
