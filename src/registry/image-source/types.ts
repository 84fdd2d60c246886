// What an image source yields for a push: config, layers (streamable), and for several platforms an index.
import type { Readable } from 'node:stream';

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
} as const;

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface SourceLayer {
  /** A fresh stream of the layer as stored in the source. */
  open(): Readable;
  /** The layer's media type in the source (for uncompressed layers: the uncompressed type). */
  mediaType: string;
  /** Already gzip/zstd in the source: uploaded as it is. */
  compressed: boolean;
  /** Known when the source names it (OCI layouts); else computed. */
  digest?: string;
  size?: number;
  annotations?: Record<string, string>;
  /** Its path in the source (`<id>/layer.tar`, `blobs/sha256/…`). */
  file?: string;
  /** Compressed by the source already (the engine export compresses as it streams): uploaded from this file. */
  prepared?: Promise<PreparedLayer>;
}

/** A layer compressed into a local file, ready for upload. */
export interface PreparedLayer {
  /** The compressed layer from its start (memory or file), for each attempt of its upload. */
  open(): Readable;
  digest: string;
  size: number;
  compression: 'gzip' | 'zstd';
  /** Already sent to the registry while it was compressed (a streamed upload that completed). */
  streamed?: boolean;
}

/** Where a source may stream a layer's compressed bytes as they come; a failed sink only costs the head start. */
export interface LayerSink {
  write(bytes: Buffer): Promise<void>;
  /** Commits the upload under `digest`; resolves false when the streamed upload failed (the file is uploaded instead). */
  end(digest: string): Promise<boolean>;
}

export interface SourceImage {
  kind: 'image';
  /** The manifest media type to push: Docker v2 schema 2 or OCI, as the source is. */
  manifestMediaType: string;
  config: { bytes: Buffer; digest: string; mediaType: string };
  layers: SourceLayer[];
  /** The source's own manifest bytes, pushed unchanged when no layer had to be compressed. */
  original?: Buffer;
  annotations?: Record<string, string>;
}

export interface SourceIndex {
  kind: 'index';
  mediaType: string;
  manifests: Array<{ image: SourceImage | SourceIndex; platform?: Platform; annotations?: Record<string, string> }>;
  original?: Buffer;
  annotations?: Record<string, string>;
}

export type SourceNode = SourceImage | SourceIndex;

export interface ImageSource {
  /** `docker-archive:/tmp/app.tar`, for messages. */
  name: string;
  root: SourceNode;
  /** Removes what the source wrote (an engine export's temporary file). */
  close(): Promise<void>;
}

/** gzip `1f 8b` or zstd `28 b5 2f fd` at the start of a layer: it goes to the registry as it is. */
export function compressionOf(head: Buffer): 'gzip' | 'zstd' | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x28b52ffd) return 'zstd';
  return undefined;
}
