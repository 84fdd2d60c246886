// facetsctl history --diff [vA..vB]: what changed between two revisions of an environment's override, as a diff.
import type { ControlPlane } from '../../api/control-plane';
import { usage } from '../../core/errors';
import type { HistoryEvent } from '../../core/model';
import { fieldChanges, overrideDiff, overrideRevisions, pickRevisions, type FieldChange, type OverrideRevision } from '../../core/override-diff';
import type { Factory } from '../factory';
import { printOutput } from '../output-format';

export interface HistoryDiffOutput {
  project: string;
  service: string;
  environment: string;
  from: OverrideRevision;
  to: OverrideRevision;
  /** The fields that differ (spec.release.image, metadata.labels.*, changeLog); empty when none does. */
  changes: FieldChange[];
  /** The unified diff the terminal shows. */
  diff: string;
}

const PAGE = 500;

/** Every ATTACHED and DETACHED event of the environment: the override's whole history, page by page. */
async function overrideEvents(cp: ControlPlane, project: string, service: string, environment: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  for (;;) {
    const page = await cp.history(project, service, { environment, kinds: ['ATTACHED', 'DETACHED'], limit: PAGE, offset: events.length });
    events.push(...page.items);
    if (page.items.length === 0 || events.length >= page.total) return events;
  }
}

export async function runDiff(f: Factory, cp: ControlPlane, at: { project: string; service: string; environment?: string }, range: string | undefined): Promise<HistoryDiffOutput> {
  const { project, service, environment } = at;
  if (environment === undefined) throw usage('--diff compares the override revisions of one environment: pass --environment', `e.g. facetsctl history -s ${service} -e production --diff`);
  const where = `${service} in ${environment}`;
  const [from, to] = pickRevisions(overrideRevisions(await overrideEvents(cp, project, service, environment)), range, where);
  const output: HistoryDiffOutput = { project, service, environment, from, to, changes: fieldChanges(from, to), diff: overrideDiff(where, from, to) };
  await printOutput(f.io, output, () => {
    const c = f.io.color;
    const paint = (line: string) => (/^(---|\+\+\+|@@)/.test(line) ? c.bold(line) : line.startsWith('+') ? c.green(line) : line.startsWith('-') ? c.red(line) : line);
    f.io.println(output.diff.split('\n').map(paint).join('\n'));
    if (output.changes.length === 0) f.io.info(`revisions ${from.revision} and ${to.revision} of ${where} are the same`);
  });
  return output;
}
