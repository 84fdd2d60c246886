// facetsctl history: a service's registrations, promotions, attaches, detaches and configuration changes, newest first.
import type { Command } from 'commander';
import { usage } from '../../core/errors';
import type { HistoryEvent, HistoryKind } from '../../core/model';
import type { Factory } from '../factory';
import { collect, parseInteger, resolveProject } from '../inputs';
import { printPage } from '../table';
import { printOutput, withOutputOptions } from '../output-format';
import { requireKnownService } from './attach/targets';
import { runDiff, type HistoryDiffOutput } from './history-diff';

export const HISTORY_KINDS: readonly HistoryKind[] = ['REGISTERED', 'PROMOTED', 'ATTACHED', 'DETACHED', 'CONFIG_CHANGED', 'CONFIG_RESET', 'STRATEGY_CHANGED'];

export interface HistoryOptions {
  service?: string;
  environment?: string;
  /** Repeatable; case-insensitive names from HISTORY_KINDS. */
  kind?: string[];
  limit?: number;
  offset?: number;
  /** false with --no-trunc: full digests in the table. */
  trunc?: boolean;
  /** --diff (true) or --diff vA..vB: the environment's override revisions compared. */
  diff?: string | true;
}

/** The --json document of history. */
export interface HistoryOutput {
  project: string;
  service: string;
  environment: string | null;
  total: number;
  limit: number;
  offset: number;
  events: HistoryEvent[];
}

export function parseKinds(values: string[] = []): HistoryKind[] | undefined {
  if (values.length === 0) return undefined;
  const kinds = values.flatMap((v) => v.split(',')).map((v) => v.trim().toUpperCase().replace(/-/g, '_'));
  const unknown = kinds.filter((k) => !HISTORY_KINDS.includes(k as HistoryKind));
  if (unknown.length > 0) throw usage(`unknown history kind ${unknown.join(', ')}`, `use ${HISTORY_KINDS.join(', ')}`);
  return [...new Set(kinds)] as HistoryKind[];
}

export async function run(opts: HistoryOptions, f: Factory): Promise<HistoryOutput | HistoryDiffOutput> {
  const kinds = parseKinds(opts.kind);
  if (opts.diff !== undefined && (kinds || opts.limit !== undefined || opts.offset !== undefined)) throw usage('--diff compares two override revisions: it takes no --kind, --limit or --offset');
  const cp = await f.controlPlane();
  const project = await cp.getProject(await resolveProject(f, cp));
  const service = await requireKnownService(f, cp, project, opts.service);
  if (opts.diff !== undefined) return runDiff(f, cp, { project: project.name, service, environment: opts.environment }, opts.diff === true ? undefined : opts.diff);
  const page = await cp.history(project.name, service, { environment: opts.environment, kinds, limit: opts.limit ?? 50, offset: opts.offset });
  const output: HistoryOutput = { project: project.name, service, environment: opts.environment ?? null, total: page.total, limit: page.limit, offset: page.offset, events: page.items };
  await printOutput(f.io, output, () => {
    const wide = f.io.wide;
    // -o wide: the event's id, and whole digests.
    const row = (e: HistoryEvent) => [...(wide ? [e.id] : []), e.at, e.kind, e.environment ?? '-', e.revision === null ? '-' : String(e.revision), e.by, e.summary];
    const header = [...(wide ? ['ID'] : []), 'AT', 'KIND', 'ENVIRONMENT', 'REV', 'BY', 'WHAT'];
    printPage(f.io, page, `No history for ${service}${opts.environment ? ` in ${opts.environment}` : ''}`, header, row, { noTrunc: opts.trunc === false || wide });
  });
  return output;
}

export function define(parent: Command, f: Factory): Command {
  return withOutputOptions(parent.command('history'))
    .description("A service's registrations, promotions, attaches, detaches and configuration changes, newest first")
    .option('-s, --service <name>', 'service (resource)')
    .option('-e, --environment <name>', 'only events of this environment')
    .option('--kind <kind>', `only these kinds (repeatable or comma-separated): ${HISTORY_KINDS.join(', ')}`, collect)
    .option('--limit <n>', 'page size (default 50)', parseInteger('--limit', 1))
    .option('--offset <n>', 'skip this many', parseInteger('--offset', 0))
    .option('--no-trunc', 'show full sha256 digests in the table (by default their first 12 hex digits)')
    .option('--diff [vA..vB]', "what changed between two revisions of the environment's override (default: the newest and the one before)")
    .addHelpText(
      'after',
      '\nExamples:\n  $ facetsctl history --service checkout\n  $ facetsctl history -s checkout -e production --diff v1..v3\n  $ facetsctl history -s checkout -e production --kind attached,detached\n  $ facetsctl --json history -s checkout --limit 10\n',
    )
    .action(async (opts: HistoryOptions) => {
      await run(opts, f);
    });
}
