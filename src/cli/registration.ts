// What push and register share on the command line: the registration flags and the printed result.
import type { Command } from 'commander';
import { BRANCH_KEY } from '../core/routing';
import type { RegistrationFlags } from '../workflow/inputs';
import type { RegisterOutput } from '../workflow/register';
import { reportRegistration } from './ci-output';
import type { Factory } from './factory';
import { collect } from './inputs';

/** The options push and register both take (registrationOptions and their own). */
export interface RegistrationOptions extends RegistrationFlags {
  service?: string;
  externalId?: string;
  description?: string;
  registry?: string;
  requireRoute?: boolean;
}

export function printRegisterResult(out: RegisterOutput, f: Factory, extra: Record<string, unknown> = {}): void {
  if (f.io.json) f.io.printJson({ ...out, ...extra });
  else {
    const c = f.io.color;
    f.io.println(`${out.created ? 'Registered' : 'Already registered'} ${c.bold(out.artifactUri)}`);
    f.io.println(`  service  ${out.service} (ciName ${out.ciName})`);
    if (out.artifact.tags.length > 1) f.io.println(`  tags     ${out.artifact.tags.join(', ')} (artifact ${out.artifact.id})`);
    if (out.routedTo !== null) {
      const noun = out.targetKind === 'environment' ? 'environment' : 'release stream';
      f.io.println(`  routed   ${c.green(`${noun} ${out.routedTo}`)}${out.rule ? ` by rule ${out.rule}` : ''}`);
    }
  }
  // push hands in { pushed, skipped }: the step summary names the command that ran.
  reportRegistration(f.env, { ...out, digest: out.artifact.digest ?? null }, 'pushed' in extra ? 'push' : 'register');
  if (out.routedTo === null) {
    const branch = out.artifact.metadata[BRANCH_KEY];
    f.io.warn(`stored unrouted: no rule matched ${BRANCH_KEY}=${branch ?? '(none)'}; it will not deploy anywhere until promoted or re-registered`);
  }
}

/** The flags `push` shares with `register`: the branch, an explicit target, and what is stored with the artifact. */
export function registrationOptions(command: Command): Command {
  return command
    .option('--git-ref <ref>', 'branch the image was built from (default: CI variables, then git)')
    .option('-e, --environment <name>', 'register straight to this environment (ENVIRONMENT registration)')
    .option('-r, --release-stream <name>', 'register straight to this release stream (RELEASE_STREAM registration)')
    .option('-m, --metadata <key=value>', 'metadata the routing rules can look at (repeatable)', collect)
    .option('--external-id <id>', 'your build id, e.g. the CI run')
    .option('--description <text>', 'free text shown with the artifact');
}
