// Manifests and indexes, written last: a manifest never names a blob the registry does not have.
import crypto from 'node:crypto';
import { MEDIA_TYPES, type Platform } from '../image-source/types';
import { expectStatus, withRetries, type RetryOptions } from './retry';
import type { PushSession } from './session';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface ImageManifestParts {
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** The bytes of an image manifest (Docker v2 schema 2 or OCI, by `mediaType`). */
export function imageManifest(parts: ImageManifestParts): Buffer {
  const document = { schemaVersion: 2, mediaType: parts.mediaType, config: parts.config, layers: parts.layers, ...(parts.annotations ? { annotations: parts.annotations } : {}) };
  return Buffer.from(JSON.stringify(document));
}

/** Docker media types and their OCI names (the same bytes). */
const OCI_NAMES: Record<string, string> = {
  [MEDIA_TYPES.dockerManifest]: MEDIA_TYPES.ociManifest,
  [MEDIA_TYPES.dockerConfig]: MEDIA_TYPES.ociConfig,
  [MEDIA_TYPES.dockerLayerGzip]: MEDIA_TYPES.ociLayerGzip,
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip': 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
};
const ociName = (mediaType: string) => OCI_NAMES[mediaType] ?? mediaType;

/** The same image as an OCI manifest: config and blobs unchanged, only their media types renamed. */
export function ociManifestOf(parts: ImageManifestParts): ImageManifestParts {
  return { ...parts, mediaType: ociName(parts.mediaType), config: { ...parts.config, mediaType: ociName(parts.config.mediaType) }, layers: parts.layers.map((layer) => ({ ...layer, mediaType: ociName(layer.mediaType) })) };
}

/** The bytes of an index / manifest list over `manifests`. */
export function indexManifest(mediaType: string, manifests: Descriptor[], annotations?: Record<string, string>): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests, ...(annotations ? { annotations } : {}) }));
}

export function digestOf(bytes: Buffer): string {
  return `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
}

/** PUTs `bytes` as `reference` (a tag, or its digest); returns its descriptor. */
export async function putManifest(session: PushSession, reference: string | undefined, mediaType: string, bytes: Buffer, options: RetryOptions): Promise<Descriptor> {
  const digest = digestOf(bytes);
  const path = `/v2/${session.repository}/manifests/${reference ?? digest}`;
  await withRetries(session, options, async () => {
    const answer = await session.send({ method: 'PUT', url: path, headers: { 'content-type': mediaType }, body: () => bytes });
    expectStatus(session, answer, `PUT ${path}`, [201]);
  });
  return { mediaType, digest, size: bytes.length };
}
