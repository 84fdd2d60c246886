// facetsctl register: verify an image in its registry, pin it by digest, and register it for a service.
import type { Command } from 'commander';
import type { ControlPlane, RegisterResult, RegistrationTarget } from '../../api/control-plane';
import type { EffectiveCiConfig } from '../../core/model';
import { planRegistration, registrationRefusal, type RegistrationPlan } from '../../core/registration';
import { usage } from '../../core/errors';
import { formatImageReference, parseImageReference, pinImageReference } from '../../core/image-reference';
import { BRANCH_KEY, formatRule } from '../../core/routing';
import { reportRegistration } from '../ci-output';
import type { Factory } from '../factory';
import { detectGitRef, CI_REF_VARIABLES } from '../git-ref';
import { collect, parseKeyValues, requireService, resolveProject } from '../inputs';
import { noRegistryError, pickRegistry, registryAuth, verifyImage } from '../verify-image';

export interface RegisterOptions {
  image: string;
  service?: string;
  gitRef?: string;
  environment?: string;
  releaseStream?: string;
  metadata?: string[];
  externalId?: string;
  description?: string;
  registry?: string;
  /** false with --no-verify */
  verify: boolean;
  requireRoute?: boolean;
}

/** The --json document of register (push adds pushed/skipped). */
export interface RegisterOutput {
  project: string;
  service: string;
  ciName: string;
  artifactUri: string;
  verified: boolean;
  created: boolean;
  routedTo: string | null;
  targetKind: 'environment' | 'releaseStream' | null;
  rule: string | null;
  artifact: RegisterResult['artifact'];
}

function targetOf(opts: Pick<RegisterOptions, 'environment' | 'releaseStream'>, metadata: Record<string, string>): RegistrationTarget {
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

/**
 * What the control plane would refuse the registration for, asked before anything is verified or pushed: a MANUAL
 * service, no CI/CD configuration, the wrong kind of target, no matching rule with --require-route, the image version policy.
 */
export async function precheckRegistration(cp: ControlPlane, project: string, service: string, plan: RegistrationPlan): Promise<void> {
  checkRegistration(project, service, await cp.getCiConfig(project, service), plan);
}

/** precheckRegistration's refusals, given the service's effective CI/CD configuration. */
function checkRegistration(project: string, service: string, effective: EffectiveCiConfig, plan: RegistrationPlan): void {
  const refusal = registrationRefusal(project, service, effective.strategy ?? 'PROJECT_CI', effective.config, 'register an artifact');
  if (refusal) throw refusal;
  planRegistration(effective.config!, plan, { service, strategy: effective.strategy ?? 'PROJECT_CI' });
}

/** What the registration asks the control plane: where to, with which metadata, for which tag. */
export function registrationPlan(target: RegistrationTarget, metadata: Record<string, string>, tag: string | null, requireRoute?: boolean): RegistrationPlan {
  return { kind: target.kind, value: target.kind === 'metadata' ? undefined : target.value, metadata, tag, requireRoute };
}

/** What push already established, so the registration does not ask again. */
export interface KnownBeforeRegistering {
  /** precheckRegistration passed for this registration. */
  prechecked?: boolean;
  /** The registry's manifest digest for the image, read moments ago: pinned without another registry request. */
  digest?: string;
}

type RegistrationFlags = Pick<RegisterOptions, 'gitRef' | 'metadata' | 'environment' | 'releaseStream'>;

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
  f: Factory,
  metadata: Record<string, string> = registrationFlags(opts),
): Promise<{ metadata: Record<string, string>; target: RegistrationTarget }> {
  if (metadata[BRANCH_KEY] === undefined) {
    const gitRef = await detectGitRef(opts.gitRef, f.cwd, f.env);
    if (gitRef) {
      metadata[BRANCH_KEY] = gitRef.ref;
      f.debug(`git ref ${gitRef.ref} from ${gitRef.source}`);
    }
  }
  return { metadata, target: targetOf(opts, metadata) };
}

export async function registerImage(opts: RegisterOptions, f: Factory, known: KnownBeforeRegistering = {}): Promise<RegisterOutput> {
  const ref = parseImageReference(opts.image);
  // git is asked while the control plane opens; its answer (or "no git ref found") counts once the service is known.
  const inputs = registrationInputs(opts, f, registrationFlags(opts));
  inputs.catch(() => undefined);

  const cp = await f.controlPlane();
  const project = await resolveProject(f, cp);
  const service = await requireService(f, cp, project, opts.service);
  // Asked together (one round trip less to a remote control plane); a refusal is still the error reported first.
  const listed = cp.listRegistries(project);
  listed.catch(() => undefined);
  // Reading the service's CI/CD configuration checks the service: an unknown one is NOT_FOUND before a missing git ref.
  const effective = known.prechecked ? null : await cp.getCiConfig(project, service);
  const { metadata, target } = await inputs;
  if (effective) checkRegistration(project, service, effective, registrationPlan(target, metadata, ref.tag, opts.requireRoute));
  const registries = await listed;
  const registry = pickRegistry(registries, ref, project, opts.registry);

  let artifactUri = formatImageReference(ref);
  if (opts.verify && known.digest) {
    if (!registry) throw noRegistryError(ref, project, registries);
    artifactUri = pinImageReference(ref, known.digest);
  } else if (opts.verify) {
    if (!registry) throw noRegistryError(ref, project, registries);
    const auth = await registryAuth(f, cp, project, registry, service);
    artifactUri = (await verifyImage(f, registry, ref, auth)).pinnedUri;
  } else {
    f.io.warn(`--no-verify: ${artifactUri} was not checked in the registry; a deployment fails if the image cannot be pulled`);
  }

  const result = await cp.registerArtifact({
    project,
    service,
    artifactUri,
    artifactType: 'docker_image',
    registry: registry?.name,
    target,
    metadata,
    externalId: opts.externalId,
    description: opts.description,
    requireRoute: opts.requireRoute,
  });
  return {
    project,
    service,
    ciName: result.ciName,
    artifactUri: result.artifact.artifactUri,
    verified: opts.verify,
    created: result.created,
    routedTo: result.routedTo,
    targetKind: result.routedTo === null ? null : result.artifact.registrationType === 'ENVIRONMENT' ? 'environment' : 'releaseStream',
    rule: result.rule ? formatRule(result.rule) : null,
    artifact: result.artifact,
  };
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

export async function run(opts: RegisterOptions, f: Factory): Promise<RegisterOutput> {
  const out = await registerImage(opts, f);
  printRegisterResult(out, f);
  return out;
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

export function define(parent: Command, f: Factory): Command {
  return registrationOptions(
    parent
      .command('register <image>')
      .description('Verify an image in its registry, pin it by digest and register it for a service (routed by the CI/CD rules)')
      .option('-s, --service <name>', 'service (resource) the image is for'),
  )
    .option('--registry <name>', 'project registry holding the image (default: matched by host)')
    .option('--no-verify', 'do not check the image in the registry (it may fail to pull at deploy time)')
    .option('--require-route', 'fail instead of storing the artifact unrouted when no rule matches')
    .addHelpText(
      'after',
      `
Examples:
  $ facetsctl register 127.0.0.1:5000/shop/checkout:1.4.2 --service checkout              # branch from CI vars or git
  $ facetsctl register 127.0.0.1:5000/shop/checkout:1.4.2 -s checkout --git-ref release/1.4
  $ facetsctl register 127.0.0.1:5000/shop/checkout:1.4.2 -s checkout --environment dev -m COMMIT_SHA=3f2a9c1
  $ facetsctl --json register gcr.io/acme/cart:2.0.0 -s cart --release-stream QA --require-route`,
    )
    .action(async (image: string, opts: Omit<RegisterOptions, 'image'>) => {
      await run({ ...opts, image }, f);
    });
}
