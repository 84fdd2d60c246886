// The registration's inputs: metadata (BRANCH_NAME from --git-ref, the CI variables or git) and where it goes.
import type { RegistrationTarget } from '../api/control-plane';
import { usage } from '../core/errors';
import { BRANCH_KEY } from '../core/routing';
import type { WorkflowContext } from './context';
import { detectGitRef, CI_REF_VARIABLES } from './git-ref';

/** The flags register and push share that say where the artifact goes and what is stored with it. */
export interface RegistrationFlags {
  gitRef?: string;
  environment?: string;
  releaseStream?: string;
  metadata?: string[];
}

export interface RegistrationInputs {
  metadata: Record<string, string>;
  target: RegistrationTarget;
}

/** `k=v` pairs; keys are what routing rules look at, so they must not be empty. */
export function parseKeyValues(flag: string, pairs: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw usage(`${flag} expects KEY=VALUE (got "${pair}")`, `e.g. ${flag} COMMIT_SHA=abc123`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return out;
}

function targetOf(opts: Pick<RegistrationFlags, 'environment' | 'releaseStream'>, metadata: Record<string, string>): RegistrationTarget {
  if (opts.environment !== undefined) return { kind: 'environment', value: opts.environment };
  if (opts.releaseStream !== undefined) return { kind: 'releaseStream', value: opts.releaseStream };
  if (!metadata[BRANCH_KEY]) {
    throw usage(
      'cannot route the artifact: no git ref found',
      `pass --git-ref BRANCH, --environment ENV or --release-stream STREAM (looked at ${CI_REF_VARIABLES.join(', ')} and \`git rev-parse\`)`,
    );
  }
  return { kind: 'metadata' };
}

/** The registration flags on their own, checked before git or the control plane is asked: the metadata they give. */
export function registrationFlags(opts: RegistrationFlags): Record<string, string> {
  const metadata = parseKeyValues('--metadata', opts.metadata);
  if (opts.gitRef !== undefined && metadata[BRANCH_KEY] !== undefined && metadata[BRANCH_KEY] !== opts.gitRef) {
    throw usage(`--git-ref ${opts.gitRef} contradicts --metadata ${BRANCH_KEY}=${metadata[BRANCH_KEY]}`, 'give the branch once');
  }
  if (opts.gitRef === '') throw usage('--git-ref is empty', 'pass the branch name, e.g. --git-ref main');
  if (opts.environment !== undefined && opts.releaseStream !== undefined) {
    throw usage('--environment and --release-stream cannot be used together', 'pick one target, or neither to route by the branch rules');
  }
  return metadata;
}

/** The metadata (BRANCH_NAME from --git-ref, the CI variables or git) and where the registration goes. */
export async function registrationInputs(
  opts: RegistrationFlags,
  f: WorkflowContext,
  metadata: Record<string, string> = registrationFlags(opts),
): Promise<RegistrationInputs> {
  if (metadata[BRANCH_KEY] === undefined) {
    const gitRef = await detectGitRef(opts.gitRef, f.cwd, f.env);
    if (gitRef) {
      metadata[BRANCH_KEY] = gitRef.ref;
      f.debug(`git ref ${gitRef.ref} from ${gitRef.source}`);
    }
  }
  return { metadata, target: targetOf(opts, metadata) };
}

/**
 * registrationInputs started now, its flags checked at once: git is asked while the control plane opens, and its
 * answer (or "no git ref found") counts where it is awaited.
 */
export function startRegistrationInputs(opts: RegistrationFlags, f: WorkflowContext): Promise<RegistrationInputs> {
  const inputs = registrationInputs(opts, f, registrationFlags(opts));
  inputs.catch(() => undefined);
  return inputs;
}
