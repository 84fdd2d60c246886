// The push step: tag the local image for the target, push it through the Docker engine unless the registry already
// has it, and check that the registry serves the digest the engine pushed.
import { FacetsError } from '../core/errors';
import { formatImageReference, type ImageReference } from '../core/image-reference';
import type { ContainerRegistry } from '../core/model';
import type { ImageEngine, LocalImage } from '../docker/engine';
import type { OnWorkflowEvent, RegistryAuth, RegistryImageReader, WorkflowContext } from './context';
import { isMissing } from './registry-access';

/** The engine and the local image, asked for before the control plane is: the engine answers while the CLI works. */
export interface LocalSide {
  engine: ImageEngine;
  local: LocalImage;
}

export interface PushedImage {
  pushed: boolean;
  digest: string;
  /** The removal of the temporary engine tag, still running: it does not delay the registration. */
  untagged: Promise<void>;
}

/** Starts inspecting the local image now; a failure (engine down, no such image) is reported where it is awaited, in its usual turn. */
export function inspectLocalImage(f: WorkflowContext, image: string): Promise<LocalSide> {
  const task = (async () => {
    const { DockerEngine } = require('../docker/engine') as typeof import('../docker/engine');
    const engine = DockerEngine.fromEnv(f.env, f.homedir);
    return { engine, local: await engine.inspectImage(image) };
  })();
  task.catch(() => undefined);
  return task;
}

/** One turn of the event loop: a request just started reaches its server before synchronous work (SQLite, parsing) begins. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The registry's manifest digest for the target, or null when it does not have that tag. */
async function registryDigest(client: RegistryImageReader, target: ImageReference): Promise<string | null> {
  try {
    return (await client.headManifest(target.repository, target.tag ?? 'latest')).digest;
  } catch (e) {
    if (isMissing(e as FacetsError)) return null;
    throw e;
  }
}

/** The target tag's manifest and config digests in the registry; null when it has no such tag or cannot say (then the engine pushes). */
async function registryImage(f: WorkflowContext, client: RegistryImageReader, target: ImageReference): Promise<{ digest: string; configDigest: string | null } | null> {
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

/** Pushes `image` (the local name or id) as `target` unless the registry already has it. */
export async function pushImage(
  f: WorkflowContext,
  opts: { image: string; keepTag?: boolean },
  localSide: Promise<LocalSide>,
  registry: ContainerRegistry,
  target: ImageReference,
  auth: RegistryAuth | undefined,
  onEvent: OnWorkflowEvent,
): Promise<PushedImage> {
  const client = f.registryClient(registry, auth);
  const targetRef = formatImageReference(target);
  const [{ engine, local }, before] = await Promise.all([localSide, registryImage(f, client, target)]);
  f.debug(`local image ${local.id}; registry ${before ? `has ${before.digest} (config ${before.configDigest})` : 'does not have the tag'}`);
  if (before !== null && registryHasImage(local, `${target.registry}/${target.repository}`, before)) {
    onEvent({ kind: 'push-skipped', image: targetRef, digest: before.digest });
    return { pushed: false, digest: before.digest, untagged: Promise.resolve() };
  }

  const { pushWithRetry } = require('../docker/push-with-retry') as typeof import('../docker/push-with-retry');
  const madeTag = !local.repoTags.includes(targetRef);
  if (madeTag) await engine.tag(opts.image, targetRef);
  f.debug(`engine push of ${targetRef} starts`);
  const untag = (): Promise<void> =>
    madeTag && !opts.keepTag ? engine.removeTag(targetRef).then(() => undefined, (error: Error) => onEvent({ kind: 'untag-failed', image: targetRef, error })) : Promise.resolve();
  let result;
  try {
    onEvent({ kind: 'push-started', image: targetRef, layers: local.layers });
    result = await pushWithRetry(engine, targetRef, auth ?? null, {
      onProgress: (progress) => onEvent({ kind: 'push-progress', image: targetRef, layers: local.layers, progress }),
      onRetry: ({ attempt, delayMs, error }) => onEvent({ kind: 'push-retry', attempt, delayMs, error }),
    });
  } catch (e) {
    onEvent({ kind: 'push-ended' });
    await untag();
    throw e;
  }
  onEvent({ kind: 'push-ended' });
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
  onEvent({ kind: 'pushed', image: targetRef, digest: result.digest, attempts: result.attempts });
  return { pushed: true, digest: result.digest, untagged };
}
