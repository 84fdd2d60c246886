// The push step: unless the registry already has the image, send it (natively by default: our own upload of the
// engine's export or of a daemonless source; or through the engine's push), then check the digest the registry serves.
import { FacetsError } from '../core/errors';
import { formatImageReference, type ImageReference } from '../core/image-reference';
import type { ContainerRegistry } from '../core/model';
import type { ImageEngine, LocalImage } from '../docker/engine';
import type { Compression } from '../registry/compress/codec';
import type { ImageSource } from '../registry/image-source/types';
import type { OnWorkflowEvent, RegistryAuth, RegistryImageReader, WorkflowContext } from './context';
import { registryHasImage, samePlatforms, sourceImage, sourcePlatforms, type RegistryImage } from './fast-path';
import { isMissing } from './registry-access';

/** What is pushed: a local engine image (engine set), or a daemonless source (source set); asked for before the control plane is. */
export interface LocalSide {
  engine: ImageEngine | null;
  source: ImageSource | null;
  /** The engine's view of the image; for a source, its config digest as `id` and its layer count. */
  local: LocalImage;
}

export interface PushedImage {
  pushed: boolean;
  digest: string;
  /** The removal of the temporary engine tag, still running: it does not delay the registration. */
  untagged: Promise<void>;
}

export interface PushSettings {
  image: string;
  keepTag?: boolean;
  /** The engine's own push instead of the native upload. */
  viaEngine?: boolean;
  compressionLevel?: number;
  compression?: Compression;
  /** Repositories of the target registry that may hold the layers already (mounted, not uploaded). */
  mountFrom?: string[];
}

/** Starts inspecting the local image (or opening the source) now; a failure is reported where it is awaited, in its usual turn. */
export function inspectLocalImage(f: WorkflowContext, image: string): Promise<LocalSide> {
  const task = (async (): Promise<LocalSide> => {
    const { isSourceSpec } = require('../registry/image-source/spec') as typeof import('../registry/image-source/spec');
    if (isSourceSpec(image)) {
      // The readers load only for a source: an engine image's fast path stays as light as before.
      const { openImageSource } = require('../registry/image-source') as typeof import('../registry/image-source');
      const source = await openImageSource(image);
      return { engine: null, source, local: sourceImage(source) };
    }
    const { DockerEngine } = require('../docker/engine') as typeof import('../docker/engine');
    const engine = DockerEngine.fromEnv(f.env, f.homedir);
    return { engine, source: null, local: await engine.inspectImage(image) };
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

/** The target tag's manifest and config digests in the registry; null when it has no such tag or cannot say (then the image is pushed). */
async function registryImage(f: WorkflowContext, client: RegistryImageReader, target: ImageReference): Promise<RegistryImage | null> {
  try {
    return await client.imageConfigDigest(target.repository, target.tag ?? 'latest');
  } catch (e) {
    if (!isMissing(e as FacetsError)) f.debug(`reading ${formatImageReference(target)} before the push failed: ${(e as Error).message}`);
    return null;
  }
}

/** The registry has the image: by digest or config (registryHasImage), or for an index source, platform by platform. */
async function registryHas(f: WorkflowContext, client: RegistryImageReader, side: LocalSide, target: ImageReference, before: RegistryImage): Promise<boolean> {
  if (registryHasImage(side.local, `${target.registry}/${target.repository}`, before)) return true;
  const local = side.source ? sourcePlatforms(side.source) : null;
  if (!local) return false;
  const remote = await client.indexConfigDigests(target.repository, target.tag ?? 'latest').catch((e: Error) => {
    f.debug(`reading the index ${formatImageReference(target)} before the push failed: ${e.message}`);
    return null;
  });
  f.debug(`index platforms: local ${JSON.stringify(local)}; registry ${remote ? JSON.stringify(remote.platforms) : 'none'}`);
  return remote !== null && remote.digest === before.digest && samePlatforms(local, remote.platforms);
}

/** Pushes `settings.image` as `target` unless the registry already has it. */
export async function pushImage(
  f: WorkflowContext,
  settings: PushSettings,
  localSide: Promise<LocalSide>,
  registry: ContainerRegistry,
  target: ImageReference,
  auth: RegistryAuth | undefined,
  onEvent: OnWorkflowEvent,
): Promise<PushedImage> {
  const client = f.registryClient(registry, auth);
  const targetRef = formatImageReference(target);
  const [side, before] = await Promise.all([localSide, registryImage(f, client, target)]);
  f.debug(`local image ${side.local.id}; registry ${before ? `has ${before.digest} (config ${before.configDigest})` : 'does not have the tag'}`);
  if (before !== null && (await registryHas(f, client, side, target, before))) {
    onEvent({ kind: 'push-skipped', image: targetRef, digest: before.digest });
    return { pushed: false, digest: before.digest, untagged: Promise.resolve() };
  }

  let result: { digest: string; attempts: number; untagged: Promise<void> };
  if (settings.viaEngine) {
    const { pushViaEngine } = require('./push-via-engine') as typeof import('./push-via-engine');
    result = await pushViaEngine(f, settings, side, targetRef, auth, onEvent);
  } else {
    const { pushNatively } = require('./push-native') as typeof import('./push-native');
    result = await pushNatively(f, settings, side, f.registryOptions(registry, auth), target, onEvent);
  }
  const { untagged } = result;
  try {
    const after = await registryDigest(client, target);
    if (after !== result.digest) {
      throw new FacetsError(
        'REGISTRY',
        `registry ${registry.name} ${after === null ? 'does not have' : `serves ${after} for`} ${targetRef}${after === null ? '' : ','} after ${settings.viaEngine ? 'the engine' : 'facetsctl'} pushed ${result.digest}`,
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
