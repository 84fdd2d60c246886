// gzip (or zstd) of an uncompressed layer as independent members, one per chunk (as pigz writes; Docker and containerd
// read them), compressed in parallel off the main thread; the digests of both sides come out of the same pass.
import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { usage } from '../../core/errors';
import { zstdFrame, type Compression } from './codec';
import { Spool, type MemoryBudget } from './spool';
import { framesInPlace, StoredChunk } from './stored-chunk';

const gzip = promisify(zlib.gzip);
const deflateRaw = promisify(zlib.deflateRaw);

/** A chunk is first tried on a few slices of it; under this ratio it is worth deflating whole. */
const WORTH_DEFLATING = 0.95;
const SAMPLE_SLICES = 4;
const SAMPLE_BYTES = 16 * 1024;

export interface GzipOptions {
  /** 0 (stored) … 9; default 1, as crane: most of the size gain for a fraction of the time. With zstd: zstd's level. */
  level?: number;
  /** gzip members (default), or zstd frames. */
  compression?: Compression;
  /** Bytes per gzip member; default 4 MiB. */
  chunkBytes?: number;
  /** Chunks of this layer in flight at once; default 4 (libuv's thread pool size). */
  parallel?: number;
  /** Called with the compressed bytes written so far. */
  onBytes?: (compressedBytes: number) => void;
  /** Also hash the uncompressed tar (the diff ID): a second sha256 pass that a push, whose config names them, skips. */
  withDiffId?: boolean;
  /** Also given each member in order as it is written (a streamed upload); awaited, so it paces the compression. */
  onMember?: (member: Buffer) => Promise<void>;
  /** Memory the compressed layer may take instead of its file (shared by the layers of a push); none: the file. */
  budget?: MemoryBudget;
}

export interface CompressedLayer {
  /** Written only when the layer did not fit the memory budget. */
  file: string;
  /** The compressed layer from its start (memory or file), for each attempt of its upload. */
  open(): Readable;
  /** Frees the memory it holds once it is uploaded. */
  release(): void;
  /** Frees its memory and removes its file. */
  remove(): Promise<void>;
  compression: Compression;
  /** sha256 of the compressed stream: the blob digest. */
  digest: string;
  size: number;
  /** sha256 of the uncompressed tar (the config's diff ID), with `withDiffId`. */
  diffId?: string;
  uncompressedSize: number;
}

export const DEFAULT_LEVEL = 1;
const DEFAULT_CHUNK = 4 * 1024 * 1024;

export function checkLevel(level: number): number {
  if (!Number.isInteger(level) || level < 0 || level > 9) throw usage(`compression level must be 0 to 9, not ${level}`, 'e.g. --compression-level 1 (fast) or 6 (docker)');
  return level;
}

/**
 * One gzip member of a chunk. zlib's async calls run on libuv's thread pool, so members deflate on every core at once;
 * a chunk that does not shrink (random or already-compressed data) is stored (deflate level 0) where it lies instead.
 */
async function gzipMember(chunk: StoredChunk, level: number): Promise<Buffer> {
  if (level > 0 && (await worthDeflating(chunk))) {
    // Output buffers the size of the whole member: zlib's default 16 KiB ones cost a main-thread callback each.
    // memLevel 9 (zlib's largest hash table): about 10 % faster at level 1 than the default 8, for the same size.
    const deflated = await chunk.contiguous((data) => gzip(data, { level, chunkSize: outputSize(data), memLevel: 9 }));
    if (deflated.length < chunk.length) {
      chunk.release();
      return deflated;
    }
  }
  if (framesInPlace()) return chunk.storedMember();
  // zlib's level 0 copies through 64 KiB windows, 2-3 times slower than framing in place.
  const stored = await chunk.contiguous((data) => gzip(data, { level: 0, chunkSize: outputSize(data) }));
  chunk.release();
  return stored;
}

const outputSize = (data: Buffer) => Math.max(zlib.constants.Z_MIN_CHUNK, data.length + 1024);

/** One zstd frame of a chunk (zstd stores what does not shrink by itself). */
async function zstdMember(chunk: StoredChunk, level: number): Promise<Buffer> {
  const frame = await chunk.contiguous((data) => zstdFrame(data, level));
  chunk.release();
  return frame;
}

/** Deflating random or compressed data costs the most and gains nothing: a sample of slices across the chunk decides. */
async function worthDeflating(chunk: StoredChunk): Promise<boolean> {
  if (chunk.length < SAMPLE_SLICES * SAMPLE_BYTES * 4) return true;
  const step = Math.floor(chunk.length / SAMPLE_SLICES);
  const sample = Buffer.concat(Array.from({ length: SAMPLE_SLICES }, (_, i) => chunk.slice(i * step, SAMPLE_BYTES)));
  return (await deflateRaw(sample, { level: 1 })).length < sample.length * WORTH_DEFLATING;
}

/** Reads `input` (a tar), writes it compressed to `file` (or memory, within `budget`). */
export async function gzipLayer(input: AsyncIterable<Buffer>, file: string, options: GzipOptions = {}): Promise<CompressedLayer> {
  const level = checkLevel(options.level ?? DEFAULT_LEVEL);
  const compression = options.compression ?? 'gzip';
  const compress = compression === 'zstd' ? zstdMember : gzipMember;
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK;
  const parallel = Math.max(1, options.parallel ?? 4);
  const out = new Spool(file, options.budget);
  const diff = options.withDiffId ? crypto.createHash('sha256') : undefined;
  const compressed = crypto.createHash('sha256');
  const pending: Array<Promise<Buffer>> = [];
  let size = 0;
  let uncompressedSize = 0;
  let current: StoredChunk | undefined;
  const submit = () => {
    const chunk = current ?? new StoredChunk(chunkBytes);
    current = undefined;
    if (diff) for (const block of chunk.blocks()) diff.update(block);
    uncompressedSize += chunk.length;
    const member = compress(chunk, level);
    member.catch(() => {}); // failures are awaited in order below; this only keeps them handled
    pending.push(member);
  };
  const writeNext = async () => {
    const member = await (pending.shift() as Promise<Buffer>);
    compressed.update(member);
    size += member.length;
    await Promise.all([out.write(member), options.onMember?.(member)]);
    options.onBytes?.(size);
  };
  try {
    for await (const data of input) {
      for (let taken = 0; taken < (data as Buffer).length; ) {
        current ??= new StoredChunk(chunkBytes);
        taken += current.fill(taken === 0 ? (data as Buffer) : (data as Buffer).subarray(taken));
        if (current.full) submit();
        while (pending.length >= parallel) await writeNext();
      }
    }
    // An empty layer still needs one member: zero bytes are not a gzip stream.
    if ((current?.length ?? 0) > 0 || uncompressedSize === 0) submit();
    while (pending.length > 0) await writeNext();
    await out.end();
  } catch (error) {
    await out.discard();
    throw error;
  }
  return { file, open: () => out.open(), release: () => out.release(), remove: () => out.discard(), compression, digest: `sha256:${compressed.digest('hex')}`, size, diffId: diff && `sha256:${diff.digest('hex')}`, uncompressedSize };
}
