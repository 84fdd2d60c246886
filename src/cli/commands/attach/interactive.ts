// What attach adds on a terminal: a confirmation before pinning an image in a prod environment, and the one-line command it ran.
import { FacetsError } from '../../../core/errors';
import type { Project } from '../../../core/model';
import { formatCommand } from '../../ci-format';
import type { Factory } from '../../factory';

/** The prod release stream the environment belongs to, or null. */
export function prodStreamOf(project: Project, environment: string): string | null {
  const stream = project.releaseStreams.find((s) => s.name === project.environments.find((e) => e.name === environment)?.releaseStream);
  return stream?.prod ? stream.name : null;
}

/**
 * On a terminal, a prod environment asks first (default No; --yes skips it). A script names its environment on purpose,
 * so without a terminal nothing is asked and no --yes is needed, as with any other environment.
 */
export async function confirmProdAttach(f: Factory, project: Project, service: string, environment: string, image: string): Promise<void> {
  const stream = prodStreamOf(project, environment);
  if (stream === null || f.globals.yes || !f.io.canPrompt()) return;
  const question = `${environment} is a prod environment (release stream ${stream}). Attach ${image} to ${service} there?`;
  if (!(await f.prompter.confirm(question, false))) {
    throw new FacetsError('CANCELLED', `attach to ${environment} cancelled; nothing was changed`, 'pass --yes to attach to a prod environment without the question');
  }
}

export interface AttachCommandLine {
  image: string;
  service: string;
  environment: string;
  registry?: string;
  freestyle: boolean;
  changeLog?: string;
  wait?: boolean;
  waitTimeout?: number;
}

/** The attach that was chosen from lists, as one command (the pinned image: the same digest, whatever the tag does later). */
export function equivalentAttachCommand(a: AttachCommandLine): string {
  const words = ['facetsctl', 'attach', a.image, '--service', a.service, '--environment', a.environment];
  if (a.registry !== undefined) words.push('--registry', a.registry);
  if (a.freestyle) words.push('--type', 'freestyle');
  if (a.changeLog !== undefined) words.push('--change-log', a.changeLog);
  if (a.wait) words.push('--wait');
  if (a.waitTimeout !== undefined) words.push('--wait-timeout', String(a.waitTimeout));
  return formatCommand(words);
}
