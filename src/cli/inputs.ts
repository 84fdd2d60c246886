// Inputs every command shares: the project, required values (asked on a TTY, an error otherwise), repeatable flags.
import type { ControlPlane } from '../api/control-plane';
import { FacetsError, usage } from '../core/errors';
import { wholeNumber } from '../core/whole-number';
import type { Factory } from './factory';
import type { Choice } from './prompter';

/** commander option parser for repeatable flags: `--metadata a=1 --metadata b=2`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Whole numbers from min to max (at most Number.MAX_SAFE_INTEGER: a bigger one would be rounded silently). */
export function parseInteger(flag: string, min = 0, max = Number.MAX_SAFE_INTEGER, example = Math.min(max, Math.max(min, 20))): (value: string) => number {
  return (value) => {
    const n = wholeNumber(value);
    if (n !== null && n >= min && n <= max) return n;
    const unbounded = max === Number.MAX_SAFE_INTEGER;
    if (unbounded && n === null && /^\d+$/.test(value)) {
      throw usage(`${flag} ${value} is too large (at most ${max}: a bigger number would be rounded)`, `e.g. ${flag} ${example}`);
    }
    const range = unbounded ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw usage(`${flag} must be ${range} (got "${value}")`, `e.g. ${flag} ${example}`);
  };
}

/** --timeout SECONDS, else FACETS_HTTP_TIMEOUT, in ms; undefined when neither is given. */
export function requestTimeoutMs(flag: string | undefined, env: string | undefined): number | undefined {
  const [source, value] = flag !== undefined ? ['--timeout', flag] : ['FACETS_HTTP_TIMEOUT', env];
  if (value === undefined || (source !== '--timeout' && value === '')) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || Number(value) <= 0 || Number(value) > 86_400) {
    throw usage(`${source} must be a number of seconds greater than 0 and at most 86400 (got "${value}")`, 'e.g. --timeout 120 (or FACETS_HTTP_TIMEOUT=120)');
  }
  return Math.round(Number(value) * 1000);
}

/** --project, else the control plane's only project; several -> ask on a TTY or a usage error. */
export async function resolveProject(f: Factory, cp: ControlPlane): Promise<string> {
  if (f.globals.project) return f.globals.project;
  const projects = await cp.listProjects();
  if (projects.length === 1) return projects[0];
  if (projects.length === 0) throw new FacetsError('NOT_FOUND', 'the control plane has no project', 'create one in the blueprint (facets.yaml) or on the control plane');
  return requireChoice(f, undefined, '--project', 'Project', projects.map((p) => ({ name: p, value: p })));
}

/** A value that must be given: asked on a TTY, else "--flag is required when not running interactively". */
export async function requireValue(f: Factory, value: string | undefined, flag: string, question: string): Promise<string> {
  if (value !== undefined && value !== '') return value;
  if (!f.io.canPrompt()) throw notInteractive(flag);
  const answer = await f.prompter.input(question, { validate: (v) => (v.trim() ? true : 'required') });
  return answer;
}

export async function requireChoice<T extends string>(f: Factory, value: T | undefined, flag: string, question: string, choices: Choice<T>[]): Promise<T> {
  if (value !== undefined) return value;
  if (!f.io.canPrompt()) throw notInteractive(flag, choices.map((c) => c.value));
  return f.prompter.select(question, choices);
}

export function notInteractive(flag: string, known?: string[]): FacetsError {
  const list = known && known.length > 0 ? ` (one of: ${known.join(', ')})` : '';
  return usage(`${flag} is required when not running interactively${list}`, `pass ${flag}`);
}

/** Destructive steps: --yes, or a confirmation on a TTY; never silently in scripts. */
export async function confirmOrYes(f: Factory, question: string, what: string): Promise<void> {
  if (f.globals.yes) return;
  if (!f.io.canPrompt()) throw usage(`${what} needs confirmation: pass --yes when not running interactively`, 'add --yes to confirm');
  if (!(await f.prompter.confirm(question, false))) throw new FacetsError('CANCELLED', `${what} cancelled`);
}

export async function requireService(f: Factory, cp: ControlPlane, project: string, service: string | undefined): Promise<string> {
  if (service) return service;
  if (!f.io.canPrompt()) throw notInteractive('--service');
  const { resources } = await cp.getProject(project);
  return f.prompter.select('Service', resources.map((r) => ({ name: `${r.resourceName} (${r.resourceType})`, value: r.resourceName })));
}
