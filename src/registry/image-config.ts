// From a manifest to the image config: which entry of an index to follow, which blob is the config, and its `created` time.
import { isValidDigest } from '../core/image-reference';

export interface PlatformDescriptor {
  digest: string;
  mediaType?: string;
  platform?: { os?: string; architecture?: string; variant?: string };
}

/** The parts of an image manifest, manifest list / OCI index, or legacy schema1 manifest that lead to `created`. */
export interface ManifestDocument {
  schemaVersion?: number;
  mediaType?: string;
  config?: { digest?: string; mediaType?: string };
  manifests?: PlatformDescriptor[];
  history?: Array<{ v1Compatibility?: string }>;
}

const INDEX_MEDIA_TYPES = new Set(['application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.oci.image.index.v1+json']);

/** A manifest list or OCI index (by its Content-Type, its mediaType field, or an OCI index that omits both). */
export function isIndex(manifest: ManifestDocument, contentType: string): boolean {
  return INDEX_MEDIA_TYPES.has(contentType) || INDEX_MEDIA_TYPES.has(manifest.mediaType ?? '') || (Array.isArray(manifest.manifests) && !manifest.config);
}

/** linux/amd64, else the first entry that is an image (buildx lists attestations as unknown/unknown), else the first. */
export function platformEntry(index: ManifestDocument): PlatformDescriptor | undefined {
  const entries = (index.manifests ?? []).filter((m) => typeof m?.digest === 'string' && isValidDigest(m.digest));
  return (
    entries.find((m) => m.platform?.os === 'linux' && m.platform?.architecture === 'amd64') ??
    entries.find((m) => m.platform?.os !== 'unknown') ??
    entries[0]
  );
}

/** The config blob's digest, or undefined when the manifest names none (or a malformed one). */
export function configDigest(manifest: ManifestDocument): string | undefined {
  const digest = manifest.config?.digest;
  return typeof digest === 'string' && isValidDigest(digest) ? digest : undefined;
}

/** `created` as given (ISO 8601) when it is a readable time; null when absent or unreadable. */
export function createdOf(config: unknown): string | null {
  const created = (config as { created?: unknown } | null)?.created;
  return typeof created === 'string' && !Number.isNaN(Date.parse(created)) ? created : null;
}

/** Schema1 manifests carry the config inline, as JSON text in history[0].v1Compatibility. */
export function schema1Created(manifest: ManifestDocument): string | null {
  const text = manifest.history?.[0]?.v1Compatibility;
  if (typeof text !== 'string') return null;
  try {
    return createdOf(JSON.parse(text));
  } catch {
    return null;
  }
}
