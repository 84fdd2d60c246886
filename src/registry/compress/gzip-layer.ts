// gzip (or zstd) of an uncompressed layer as independent members, one per chunk (as pigz writes; Docker and containerd
// read them), compressed in parallel off the main thread; the digests of both sides come out of the same pass.
import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { usage } from '../../core/errors';
import { zstdFrame, type Compression } from './codec';
import { Spool, type MemoryBudget } from './spool';

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
 * One gzip member. zlib's async calls run on libuv's thread pool, so members deflate on every core at once; a chunk
 * that does not shrink (random or already-compressed data) is stored (deflate level 0) instead.
 */
export async function gzipMember(chunk: Buffer, level: number): Promise<Buffer> {
  // Output buffers the size of the whole member: zlib's default 16 KiB ones cost a main-thread callback each.
  const chunkSize = Math.max(zlib.constants.Z_MIN_CHUNK, chunk.length + 1024);
  if (level === 0 || !(await worthDeflating(chunk))) return storedMember(chunk);
  // memLevel 9 (zlib's largest hash table): about 10 % faster at level 1 than the default 8, for the same size.
  const deflated = await gzip(chunk, { level, chunkSize, memLevel: 9 });
  return deflated.length < chunk.length ? deflated : storedMember(chunk);
}

const crc32 = (zlib as unknown as { crc32?: (data: Buffer) => number }).crc32;
const STORED_BLOCK = 0xffff;
/** magic, deflate, no flags, no mtime, no extra flags, OS unknown: what zlib writes. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/** A member of stored deflate blocks, framed here (zlib's level 0 copies through 64 KiB windows, 2-3 times slower). */
async function storedMember(chunk: Buffer): Promise<Buffer> {
  if (!crc32) return gzip(chunk, { level: 0, chunkSize: Math.max(zlib.constants.Z_MIN_CHUNK, chunk.length + 1024) });
  const blocks = Math.max(1, Math.ceil(chunk.length / STORED_BLOCK));
  const out = Buffer.allocUnsafe(GZIP_HEADER.length + blocks * 5 + chunk.length + 8);
  let at = GZIP_HEADER.copy(out, 0);
  for (let i = 0; i < blocks; i++) {
    const block = chunk.subarray(i * STORED_BLOCK, (i + 1) * STORED_BLOCK);
    out[at] = i === blocks - 1 ? 1 : 0;
    out.writeUInt16LE(block.length, at + 1);
    out.writeUInt16LE(~block.length & 0xffff, at + 3);
    at += 5 + block.copy(out, at + 5);
  }
  out.writeUInt32LE(crc32(chunk) >>> 0, at);
  out.writeUInt32LE(chunk.length >>> 0, at + 4);
  return out;
}

/** Deflating random or compressed data costs the most and gains nothing: a sample of slices across the chunk decides. */
async function worthDeflating(chunk: Buffer): Promise<boolean> {
  if (chunk.length < SAMPLE_SLICES * SAMPLE_BYTES * 4) return true;
  const step = Math.floor(chunk.length / SAMPLE_SLICES);
  const sample = Buffer.concat(Array.from({ length: SAMPLE_SLICES }, (_, i) => chunk.subarray(i * step, i * step + SAMPLE_BYTES)));
  return (await deflateRaw(sample, { level: 1 })).length < sample.length * WORTH_DEFLATING;
}

/** Chunk buffers of one size, free for the next chunk of any layer: fresh ones cost page faults and GC time. */
const freeChunks = new Map<number, Buffer[]>();
const KEPT_FREE = 8;

function chunkBuffer(bytes: number): Buffer {
  return freeChunks.get(bytes)?.pop() ?? Buffer.allocUnsafeSlow(bytes);
}

function freeChunk(buffer: Buffer): void {
  const free = freeChunks.get(buffer.length) ?? [];
  freeChunks.set(buffer.length, free);
  if (free.length < KEPT_FREE) free.push(buffer);
}

/** Reads `input` (a tar), writes it compressed to `file` (or memory, within `budget`). */
export async function gzipLayer(input: AsyncIterable<Buffer>, file: string, options: GzipOptions = {}): Promise<CompressedLayer> {
  const level = checkLevel(options.level ?? DEFAULT_LEVEL);
  const compression = options.compression ?? 'gzip';
  const compress = compression === 'zstd' ? zstdFrame : gzipMember;
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK;
  const parallel = Math.max(1, options.parallel ?? 4);
  const out = new Spool(file, options.budget);
  const diff = options.withDiffId ? crypto.createHash('sha256') : undefined;
  const compressed = crypto.createHash('sha256');
  const pending: Array<Promise<Buffer>> = [];
  let size = 0;
  let uncompressedSize = 0;
  let current: Buffer | undefined;
  let partBytes = 0;
  const submit = () => {
    const buffer = current ?? Buffer.alloc(0);
    const chunk = buffer.subarray(0, partBytes);
    current = undefined;
    partBytes = 0;
    diff?.update(chunk);
    uncompressedSize += chunk.length;
    const member = compress(chunk, level);
    member.then(() => buffer.length > 0 && freeChunk(buffer), () => {}); // failures are awaited in order below; this only keeps them handled
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
      let chunk = data as Buffer;
      while (chunk.length > 0) {
        current ??= chunkBuffer(chunkBytes);
        const take = chunk.copy(current, partBytes, 0, Math.min(chunk.length, chunkBytes - partBytes));
        partBytes += take;
        chunk = chunk.subarray(take);
        if (partBytes === chunkBytes) submit();
        while (pending.length >= parallel) await writeNext();
      }
    }
    // An empty layer still needs one member: zero bytes are not a gzip stream.
    if (partBytes > 0 || uncompressedSize === 0) submit();
    while (pending.length > 0) await writeNext();
    await out.end();
  } catch (error) {
    await out.discard();
    throw error;
  }
  return { file, open: () => out.open(), release: () => out.release(), remove: () => out.discard(), compression, digest: `sha256:${compressed.digest('hex')}`, size, diffId: diff && `sha256:${diff.digest('hex')}`, uncompressedSize };
}
