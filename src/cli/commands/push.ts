// facetsctl push: tag a local image for a project registry, push it through the Docker engine,
// check the digest in the registry, then register it exactly as `facetsctl register` does.
import type { Command } from 'commander';
import type { ControlPlane } from '../../api/control-plane';
import { FacetsError, notFound, usage } from '../../core/errors';
import { foldName } from '../../core/ci-name';
import { formatImageReference, parseImageReference, type ImageReference } from '../../core/image-reference';
import type { ContainerRegistry } from '../../core/model';
import { BRANCH_KEY } from '../../core/routing';
import type { ImageEngine, LocalImage } from '../../docker/engine';
import type { PushProgressEvent } from '../../docker/push-stream';
import type { Factory, RegistryAuth, RegistryImageReader } from '../factory';
import { requireChoice, requireService, resolveProject } from '../inputs';
import { precheckRegistration, printRegisterResult, registerImage, registrationInputs, registrationOptions, registrationPlan, type RegisterOptions, type RegisterOutput } from './register';
import { registryAuth, registryForImage, registryHost } from '../verify-image';

export interface PushOptions extends Omit<RegisterOptions, 'image' | 'verify'> {
  /** The local image: name[:tag] or image id. */
  image: string;
  repository?: string;
  tag?: string;
  /** false with --no-push: register only (verification included). */
  push: boolean;
  keepTag?: boolean;
}

export type PushOutput = RegisterOutput & { pushed: boolean; skipped: boolean };

/** Interval of the plain progress lines when stderr is not a terminal. */
const PLAIN_PROGRESS_EVERY_MS = 2000;
const IMAGE_ID = /^(sha256:)?[0-9a-f]{12,64}$/;

/** --registry, else the registry the image is already named under, else the only non-internal one, else ask. */
async function chooseRegistry(f: Factory, registries: ContainerRegistry[], project: string, source: ImageReference | null, name?: string): Promise<ContainerRegistry> {
  const offered = registries.filter((r) => !r.internal);
  if (name !== undefined) {
    const named = registries.find((r) => r.name === name);
    if (!named) throw notFound(`registry "${name}" is not a container registry of project ${project} (known: ${offered.map((r) => r.name).join(', ') || 'none'})`, 'run `facetsctl registries list`');
    return named;
  }
  const bySource = source ? registryForImage(offered, source) : null;
  if (bySource) return bySource;
  if (offered.length === 1) return offered[0];
  if (offered.length === 0) throw notFound(`project ${project} has no container registry to push to`, 'add one to the blueprint (registries:) or on the control plane');
  const chosen = await requireChoice(f, undefined, '--registry', 'Registry to push to', offered.map((r) => ({ name: `${r.name} (${r.uri})`, value: r.name })));
  return offered.find((r) => r.name === chosen)!;
}

/** `<registry uri>/<repository>:<tag>`: the repository and tag from the flags, the source name, or `<project>/<service>`. */
export function pushTarget(registry: ContainerRegistry, source: ImageReference | null, opts: { repository?: string; tag?: string }, project: string, service: string): ImageReference {
  const uri = registry.uri.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
  const underRegistry = source && registryForImage([registry], source) ? source : null;
  const prefix = uri.includes('/') ? uri.slice(uri.indexOf('/') + 1) + '/' : '';
  const repository = opts.repository ?? (underRegistry ? underRegistry.repository.slice(prefix.length) : `${foldName(project)}/${foldName(service)}`);
  const tag = opts.tag ?? source?.tag;
  if (!tag) throw usage(`cannot tell which tag to push ${source ? formatImageReference(source) : 'the image'} as`, 'pass --tag, e.g. --tag 1.4.2');
  return parseImageReference(`${uri}/${repository}:${tag}`);
}

/** The local image's name as a reference, or null for an image id (its tag must then come from --tag). */
function sourceReference(image: string): ImageReference | null {
  return IMAGE_ID.test(image) ? null : parseImageReference(image);
}

async function checkService(cp: ControlPlane, project: string, service: string, opts: PushOptions): Promise<void> {
  const layout = await cp.getProject(project);
  const known = layout.resources.map((r) => r.resourceName);
  if (!known.includes(service)) throw notFound(`service "${service}" is not in project ${project} (known: ${known.join(', ')})`, 'check --service');
  if (opts.environment !== undefined && !layout.environments.some((e) => e.name === opts.environment)) {
    throw notFound(`environment "${opts.environment}" is not in project ${project} (known: ${layout.environments.map((e) => e.name).join(', ')})`, 'check --environment');
  }
  if (opts.releaseStream !== undefined && !layout.releaseStreams.some((s) => s.name === opts.releaseStream)) {
    throw notFound(`release stream "${opts.releaseStream}" is not in project ${project} (known: ${layout.releaseStreams.map((s) => s.name).join(', ')})`, 'check --release-stream');
  }
}

/** Spinner text on a terminal; a plain line every ~2 s otherwise; nothing with --json or --quiet. */
function progressReporter(f: Factory, target: string, layers: number): (event: PushProgressEvent) => void {
  const { summarizePushProgress, formatPushProgress } = require('../../docker/push-progress') as typeof import('../../docker/push-progress');
  const onTerminal = f.io.isStderrTTY && !f.io.isCI;
  let lastLine = 0;
  return (event) => {
    const text = `Pushing ${target}: ${formatPushProgress(summarizePushProgress(event.layers, layers))}`;
    if (onTerminal) return f.io.startProgress(text);
    const now = f.now().getTime();
    if (now - lastLine < PLAIN_PROGRESS_EVERY_MS) return;
    lastLine = now;
    f.io.info(text);
  };
}

/** The registry's manifest digest for the target, or null when it does not have that tag. */
async function registryDigest(client: RegistryImageReader, target: ImageReference): Promise<string | null> {
  try {
    return (await client.headManifest(target.repository, target.tag ?? 'latest')).digest;
  } catch (e) {
    if (isMissing(e as FacetsError)) return null;
    throw e;
  }
}

function isMissing(e: FacetsError): boolean {
  const reason = e.details?.reason;
  return reason === 'MANIFEST_UNKNOWN' || reason === 'NAME_UNKNOWN' || e.kind === 'NOT_FOUND';
}

/** The target tag's manifest and config digests in the registry; null when it has no such tag or cannot say (then the engine pushes). */
async function registryImage(f: Factory, client: RegistryImageReader, target: ImageReference): Promise<{ digest: string; configDigest: string | null } | null> {
  try {
    return await client.imageConfigDigest(target.repository, target.tag ?? 'latest');
  } catch (e) {
    if (!isMissing(e as FacetsError)) f.debug(`reading ${formatImageReference(target)} before the push failed: ${(e as Error).message}`);
    return null;
  }
}

/**
 * The registry already has the local image under the tag: its config digest is the image ID (engine-built images),
 * or the tag's manifest is the image ID (containerd image store) or one the engine pushed or pulled it as.
 */
export function registryHasImage(local: Pick<LocalImage, 'id' | 'repoDigests'>, name: string, remote: { digest: string; configDigest: string | null }): boolean {
  return local.id === remote.configDigest || local.id === remote.digest || local.repoDigests.includes(`${name}@${remote.digest}`);
}

/** The engine and the local image, asked for before the control plane is: the engine answers while the CLI works. */
interface LocalSide {
  engine: ImageEngine;
  local: LocalImage;
}

/** Starts inspecting the local image now; a failure (engine down, no such image) is reported where it is awaited, in its usual turn. */
function inspectInBackground(f: Factory, image: string): Promise<LocalSide> {
  const task = (async () => {
    const { DockerEngine } = require('../../docker/engine') as typeof import('../../docker/engine');
    const engine = DockerEngine.fromEnv(f.env, f.homedir);
    return { engine, local: await engine.inspectImage(image) };
  })();
  task.catch(() => undefined);
  return task;
}

/** One turn of the event loop: a request just started reaches its server before synchronous work (SQLite, parsing) begins. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Pushes `source` as `target` unless the registry already has it; returns whether the engine pushed, the registry's
 * digest, and the removal of the temporary engine tag, still running (it does not delay the registration).
 */
async function pushImage(f: Factory, opts: PushOptions, localSide: Promise<LocalSide>, registry: ContainerRegistry, target: ImageReference, auth: RegistryAuth | undefined): Promise<{ pushed: boolean; digest: string; untagged: Promise<void> }> {
  const client = f.registryClient(registry, auth);
  const targetRef = formatImageReference(target);
  const [{ engine, local }, before] = await Promise.all([localSide, registryImage(f, client, target)]);
  f.debug(`local image ${local.id}; registry ${before ? `has ${before.digest} (config ${before.configDigest})` : 'does not have the tag'}`);
  if (before !== null && registryHasImage(local, `${target.registry}/${target.repository}`, before)) {
    f.io.info(`${targetRef} is already in the registry (${before.digest}), skipping push`);
    return { pushed: false, digest: before.digest, untagged: Promise.resolve() };
  }

  const { pushWithRetry } = require('../../docker/push-with-retry') as typeof import('../../docker/push-with-retry');
  const madeTag = !local.repoTags.includes(targetRef);
  if (madeTag) await engine.tag(opts.image, targetRef);
  f.debug(`engine push of ${targetRef} starts`);
  const untag = (): Promise<void> =>
    madeTag && !opts.keepTag ? engine.removeTag(targetRef).then(() => undefined, (e: Error) => f.io.warn(`could not remove the temporary tag ${targetRef}: ${e.message}`)) : Promise.resolve();
  let result;
  try {
    f.io.startProgress(`Pushing ${targetRef}`);
    result = await pushWithRetry(engine, targetRef, auth ?? null, {
      onProgress: progressReporter(f, targetRef, local.layers),
      onRetry: ({ attempt, delayMs, error }) => f.io.warn(`push attempt ${attempt} failed (${error.message}); retrying in ${(delayMs / 1000).toFixed(1)}s`),
    });
  } catch (e) {
    f.io.stopProgress();
    await untag();
    throw e;
  }
  f.io.stopProgress();
  f.debug(`engine pushed ${result.digest}`);
  // The tag goes while the registry is asked for the digest and the artifact is registered.
  const untagged = untag();
  try {
    const after = await registryDigest(client, target);
    if (after !== result.digest) {
      throw new FacetsError(
        'REGISTRY',
        `registry ${registry.name} ${after === null ? 'does not have' : `serves ${after} for`} ${targetRef}${after === null ? '' : ','} after the engine pushed ${result.digest}`,
        'another push to the same tag may have raced this one; push again, or use a unique tag',
        { reason: 'DIGEST_MISMATCH', pushed: result.digest, registry: after },
      );
    }
  } catch (e) {
    await untagged;
    throw e;
  }
  f.io.info(`Pushed ${targetRef} (${result.digest}${result.attempts > 1 ? `, after ${result.attempts} attempts` : ''})`);
  return { pushed: true, digest: result.digest, untagged };
}

export async function pushAndRegister(opts: PushOptions, f: Factory): Promise<PushOutput> {
  const source = sourceReference(opts.image);
  const localSide = opts.push ? inspectInBackground(f, opts.image) : null;
  if (localSide) await nextTurn();
  const cp = await f.controlPlane();
  f.debug('control plane open');
  const project = await resolveProject(f, cp);
  const service = await requireService(f, cp, project, opts.service);
  await checkService(cp, project, service, opts);
  // The branch and the target are settled before pushing, so that a routing error cannot strand a pushed image.
  const { metadata, target: registration } = await registrationInputs(opts, f);
  const registry = await chooseRegistry(f, await cp.listRegistries(project), project, source, opts.registry);
  const target = pushTarget(registry, source, opts, project, service);
  // Whatever the registration would be refused for is refused before pushing, so a refused image never reaches the registry.
  await precheckRegistration(cp, project, service, registrationPlan(registration, metadata, target.tag, opts.requireRoute));

  let pushed = false;
  let digest: string | undefined;
  let pinned = formatImageReference(target);
  let untagged = Promise.resolve();
  if (localSide) {
    const auth = await registryAuth(f, cp, project, registry, service);
    f.debug(`push ${opts.image} -> ${pinned} (registry ${registry.name}, host ${registryHost(registry)})`);
    const outcome = await pushImage(f, opts, localSide, registry, target, auth);
    pushed = outcome.pushed;
    digest = outcome.digest;
    untagged = outcome.untagged;
    pinned = `${pinned}@${outcome.digest}`;
  }
  try {
    const gitRef = metadata[BRANCH_KEY] ?? opts.gitRef;
    const out = await registerImage({ ...opts, image: pinned, service, gitRef, registry: registry.name, verify: true }, f, { prechecked: true, digest });
    f.debug(`registered ${out.artifact.id}`);
    return { ...out, pushed, skipped: opts.push && !pushed };
  } finally {
    await untagged;
  }
}

export async function run(opts: PushOptions, f: Factory): Promise<PushOutput> {
  const out = await pushAndRegister(opts, f);
  printRegisterResult(out, f, { pushed: out.pushed, skipped: out.skipped, digest: out.artifact.digest });
  return out;
}

export function define(parent: Command, f: Factory): Command {
  return registrationOptions(
    parent
      .command('push <image>')
      .description('Push a local image to a project registry through the Docker engine, then register it for a service')
      .option('-s, --service <name>', 'service (resource) the image is for')
      .option('--registry <name>', 'project registry to push to (default: the one the image is named under, else the only one)')
      .option('--repository <repo>', 'repository in the registry (default: <project>/<service>)')
      .option('-t, --tag <tag>', 'tag to push as (default: the local image\'s tag)'),
  )
    .option('--require-route', 'fail instead of storing the artifact unrouted when no rule matches')
    .option('--no-push', 'do not push: register the image already in the registry (verified)')
    .option('--keep-tag', 'keep the registry tag made in the local engine')
    .addHelpText(
      'after',
      `
Examples:
  $ facetsctl push checkout:1.4.2 --service checkout                               # the only registry, repository shop/checkout
  $ facetsctl push checkout:build --service checkout --tag 1.4.2 --git-ref main
  $ facetsctl push 3f2a9c1d5e7b --service cart --registry gcr --repository acme/cart --tag 2.0.0 --environment dev
  $ facetsctl --json push checkout:1.4.2 -s checkout --release-stream QA
  $ facetsctl push checkout:1.4.2 -s checkout --no-push                            # register what is already in the registry

Environment: DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH (the engine), DOCKER_CONFIG (registry credentials).`,
    )
    .action(async (image: string, opts: Omit<PushOptions, 'image'>) => {
      await run({ ...opts, image }, f);
    });
}
