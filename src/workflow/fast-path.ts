// Push's fast path: whether the registry already has, under the target tag, the image (or index) about to be pushed.
import { createHash } from 'node:crypto';
import type { LocalImage } from '../docker/engine';
import type { ImageSource } from '../registry/image-source/types';

/** What the registry has under the tag: its manifest digest and image config digest (an index: its platform's). */
export interface RegistryImage {
  digest: string;
  mediaType: string;
  configDigest: string | null;
}

/** An index's entries, as the source lists them and as the registry serves them: platform and image config digest. */
export type PlatformConfigs = Array<{ platform: { os?: string; architecture?: string; variant?: string } | null | undefined; configDigest: string | null }>;

/** A source as the fast path compares it: an image's config digest is its image ID; an index is known by its own digest. */
export function sourceImage(source: ImageSource): LocalImage {
  const { root } = source;
  const id = root.kind === 'image' ? root.config.digest : root.original ? `sha256:${createHash('sha256').update(root.original).digest('hex')}` : '';
  const layers = root.kind === 'image' ? new Set(root.layers.map((l, i) => l.digest ?? l.file ?? String(i))).size : 0;
  return { id, repoTags: [], repoDigests: [], size: 0, layers };
}

/** The platforms of an index source with their config digests; null for a single image. */
export function sourcePlatforms(source: ImageSource): PlatformConfigs | null {
  const { root } = source;
  if (root.kind !== 'index') return null;
  return root.manifests.map((m) => ({ platform: m.platform, configDigest: m.image.kind === 'image' ? m.image.config.digest : null }));
}

/**
 * The registry already has the local image under the tag: its config digest is the image ID (engine-built images),
 * or the tag's manifest is the image ID (containerd image store) or one the engine pushed or pulled it as.
 */
export function registryHasImage(local: Pick<LocalImage, 'id' | 'repoDigests'>, name: string, remote: RegistryImage): boolean {
  return local.id === remote.configDigest || local.id === remote.digest || local.repoDigests.includes(`${name}@${remote.digest}`);
}

const platformKey = (p: PlatformConfigs[number]['platform']) => JSON.stringify([p?.os ?? null, p?.architecture ?? null, p?.variant ?? null]);

/**
 * An index whose layers facetsctl compressed gets new manifests, so a new digest: it is the same when every entry
 * has the same platform and image config (the config names each layer's uncompressed digest), in the same order.
 */
export function samePlatforms(local: PlatformConfigs, remote: PlatformConfigs): boolean {
  return local.length === remote.length && local.every((l, i) => l.configDigest !== null && l.configDigest === remote[i].configDigest && platformKey(l.platform) === platformKey(remote[i].platform));
}
