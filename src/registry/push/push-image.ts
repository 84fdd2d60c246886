// pushImage: an image source into `host/repository[:tag]`, natively: layers compressed here, blobs first, manifest last.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { usage } from '../../core/errors';
import { isValidTag } from '../../core/image-reference';
import type { RegistryOptions } from '../client';
import { checkCompression, type Compression } from '../compress/codec';
import { DEFAULT_LEVEL, checkLevel, gzipLayer } from '../compress/gzip-layer';
import { MEMORY_BYTES, MemoryBudget } from '../compress/spool';
import { MEDIA_TYPES, type ImageSource, type SourceImage, type SourceLayer, type SourceNode } from '../image-source/types';
import { uploadBlob, type BlobOutcome, type BlobToSend } from './blob-upload';
import { imageManifest, indexManifest, ociManifestOf, putManifest, type Descriptor } from './manifest-put';
import type { RetryOptions } from './retry';
import { PushSession } from './session';

export interface PushTarget {
  registry: RegistryOptions;
  repository: string;
  /** Without a tag the manifest is pushed by digest only. */
  tag?: string;
}

export interface PushProgress {
  /** `config`, or `layer N/M` (of its image). */
  blob: string;
  /** The layer's path in the source, when it has one: the same layer before its place in the image is known (an export). */
  file?: string;
  phase: 'compressing' | 'uploading' | BlobOutcome;
  /** Compressed bytes: written so far while compressing, sent so far while uploading, the blob's size once done. */
  bytes: number;
  total?: number;
  digest?: string;
}

export interface PushOptions extends RetryOptions {
  /** gzip level for uncompressed layers; default 1 (with zstd: zstd's level). */
  compressionLevel?: number;
  /** How uncompressed layers are compressed: gzip (default), or zstd (OCI manifest; needs a runtime with zstd). */
  compression?: Compression;
  /** Bytes per gzip member of a compressed layer; default 4 MiB. */
  chunkBytes?: number;
  /** Blobs compressed and uploaded at once; default 4. */
  concurrency?: number;
  /** Repositories of the same registry to mount blobs from. */
  mountFrom?: string[];
  /** Upload in chunks (PATCH) from the start. */
  chunked?: boolean;
  /** Where compressed layers wait for their upload; default the system's temporary folder. */
  tmpDir?: string;
  onProgress?: (progress: PushProgress) => void;
}

export interface PushedBlob {
  digest: string;
  size: number;
  outcome: BlobOutcome;
}

export interface PushResult {
  /** The digest of what `tag` now names (an image manifest, or an index for several platforms). */
  digest: string;
  mediaType: string;
  size: number;
  blobs: PushedBlob[];
}

/** `opened`: a session the caller opened already (the engine export streams layers through it), and closes. */
export async function pushImage(source: ImageSource, target: PushTarget, options: PushOptions = {}, opened?: PushSession): Promise<PushResult> {
  if (target.tag !== undefined && !isValidTag(target.tag)) throw usage(`"${target.tag}" is not a valid tag`, 'a tag is letters, digits, "_", "." and "-" (max 128)');
  checkLevel(options.compressionLevel ?? DEFAULT_LEVEL);
  checkCompression(options.compression);
  const tmp = await fs.promises.mkdtemp(path.join(options.tmpDir ?? os.tmpdir(), 'facetsctl-push-'));
  const session = opened ?? new PushSession(target.registry, target.repository, options.mountFrom);
  const push = new NativePush(session, tmp, options);
  try {
    const top = await push.node(source.root, target.tag);
    return { ...top, blobs: [...push.blobs.values()] };
  } finally {
    if (!opened) session.close();
    await fs.promises.rm(tmp, { recursive: true, force: true });
  }
}

class NativePush {
  readonly blobs = new Map<string, PushedBlob>();
  private readonly sent = new Map<string, Promise<void>>();
  private readonly pool: Pool;
  private readonly budget = new MemoryBudget(MEMORY_BYTES);

  constructor(private readonly session: PushSession, private readonly tmp: string, private readonly options: PushOptions) {
    this.pool = new Pool(Math.max(1, options.concurrency ?? 4));
  }

  /** Pushes a manifest or index with everything it names, children first; returns its descriptor. */
  async node(node: SourceNode, reference: string | undefined): Promise<Descriptor> {
    if (node.kind === 'image') return this.image(node, reference);
    const children: Descriptor[] = [];
    for (const entry of node.manifests) children.push({ ...(await this.node(entry.image, undefined)), platform: entry.platform, annotations: entry.annotations });
    // A Docker list cannot name OCI manifests (zstd layers make them so): the index becomes OCI too.
    const mediaType = node.mediaType === MEDIA_TYPES.dockerList && children.some((child) => child.mediaType === MEDIA_TYPES.ociManifest) ? MEDIA_TYPES.ociIndex : node.mediaType;
    const rebuilt = indexManifest(mediaType, children, node.annotations);
    const unchanged = node.original && children.every((child) => node.original?.includes(child.digest));
    return putManifest(this.session, reference, mediaType, unchanged && node.original ? node.original : rebuilt, this.options);
  }

  private async image(image: SourceImage, reference: string | undefined): Promise<Descriptor> {
    const configBlob = { digest: image.config.digest, size: image.config.bytes.length, open: () => image.config.bytes };
    const tasks = [
      () => this.send(configBlob, 'config').then(() => ({ mediaType: image.config.mediaType, digest: configBlob.digest, size: configBlob.size })),
      ...image.layers.map((layer, i) => () => this.layer(image, layer, `layer ${i + 1}/${image.layers.length}`)),
    ];
    const [config, ...layers] = await this.pool.all(tasks);
    const recompressed = image.layers.some((layer) => !layer.compressed || layer.prepared);
    if (!recompressed && image.original) return putManifest(this.session, reference, image.manifestMediaType, image.original, this.options);
    // zstd layers only go in an OCI manifest: a Docker one is rewritten with the OCI names of the same blobs.
    const zstd = layers.some((layer) => layer.mediaType === MEDIA_TYPES.ociLayerZstd);
    const parts = { mediaType: image.manifestMediaType, config, layers, annotations: image.annotations };
    const manifest = zstd ? ociManifestOf(parts) : parts;
    return putManifest(this.session, reference, manifest.mediaType, imageManifest(manifest), this.options);
  }

  /** A layer as the registry will hold it: as it is when the source has it compressed, else gzipped here first. */
  private async layer(image: SourceImage, layer: SourceLayer, label: string): Promise<Descriptor> {
    const annotations = layer.annotations ? { annotations: layer.annotations } : {};
    const gzipType = image.manifestMediaType === MEDIA_TYPES.dockerManifest ? MEDIA_TYPES.dockerLayerGzip : MEDIA_TYPES.ociLayerGzip;
    if (layer.prepared) {
      const prepared = await layer.prepared;
      if (prepared.streamed) {
        this.blobs.set(prepared.digest, { digest: prepared.digest, size: prepared.size, outcome: 'uploaded' });
        this.options.onProgress?.({ blob: label, file: layer.file, phase: 'uploaded', bytes: prepared.size, total: prepared.size, digest: prepared.digest });
      } else await this.send({ digest: prepared.digest, size: prepared.size, open: () => prepared.open() }, label, layer.file);
      return { mediaType: prepared.compression === 'zstd' ? MEDIA_TYPES.ociLayerZstd : gzipType, digest: prepared.digest, size: prepared.size, ...annotations };
    }
    if (layer.compressed) {
      const { digest, size } = layer.digest && layer.size !== undefined ? { digest: layer.digest, size: layer.size } : await hashStream(layer);
      await this.send({ digest, size, open: () => layer.open() }, label, layer.file);
      return { mediaType: layer.mediaType, digest, size, ...annotations };
    }
    const file = path.join(this.tmp, `${crypto.randomBytes(8).toString('hex')}.layer`);
    const compressed = await gzipLayer(layer.open(), file, {
      level: this.options.compressionLevel ?? DEFAULT_LEVEL,
      compression: this.options.compression,
      chunkBytes: this.options.chunkBytes,
      budget: this.budget,
      onBytes: (bytes) => this.options.onProgress?.({ blob: label, file: layer.file, phase: 'compressing', bytes }),
    });
    await this.send({ digest: compressed.digest, size: compressed.size, open: () => compressed.open() }, label, layer.file);
    await compressed.remove();
    return { mediaType: compressed.compression === 'zstd' ? MEDIA_TYPES.ociLayerZstd : gzipType, digest: compressed.digest, size: compressed.size, ...annotations };
  }

  /** Each digest goes up once per push, however many images or layers name it. */
  private send(blob: BlobToSend, label: string, file?: string): Promise<void> {
    let sending = this.sent.get(blob.digest);
    if (!sending) {
      const progress = (phase: PushProgress['phase'], bytes: number) => this.options.onProgress?.({ blob: label, file, phase, bytes, total: blob.size, digest: blob.digest });
      sending = uploadBlob(this.session, blob, { ...this.options, onBytes: (bytes) => progress('uploading', bytes) }).then((outcome) => {
        this.blobs.set(blob.digest, { digest: blob.digest, size: blob.size, outcome });
        progress(outcome, blob.size);
      });
      this.sent.set(blob.digest, sending);
    }
    return sending;
  }
}

class NotStarted extends Error {
  constructor() {
    super('not started: an earlier blob failed');
  }
}

/** At most `size` tasks at once; after a failure no new task starts, the running ones finish, then the first error is thrown. */
class Pool {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private failed = false;

  constructor(private readonly size: number) {}

  async all<T>(tasks: Array<() => Promise<T>>): Promise<T[]> {
    const settled = await Promise.allSettled(tasks.map((task) => this.run(task)));
    const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    if (errors.length) throw errors.find((e) => !(e instanceof NotStarted)) ?? errors[0];
    return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  }

  private async run<T>(task: () => Promise<T>): Promise<T> {
    while (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.failed) throw new NotStarted();
    this.running++;
    try {
      return await task();
    } catch (error) {
      this.failed = true;
      throw error;
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

async function hashStream(layer: SourceLayer): Promise<{ digest: string; size: number }> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  for await (const chunk of layer.open()) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}
