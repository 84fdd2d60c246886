// gzip (or zstd) of an uncompressed layer as independent members, one per chunk (as pigz writes; Docker and containerd
// read them), compressed in parallel off the main thread; the digests of both sides come out of the same pass.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { usage } from '../../core/errors';
import { zstdFrame, type Compression } from './codec';

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
}

export interface CompressedLayer {
  file: string;
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
  if (level > 0 && !(await worthDeflating(chunk))) return gzip(chunk, { level: 0, chunkSize });
  const deflated = await gzip(chunk, { level, chunkSize });
  if (level === 0 || deflated.length < chunk.length) return deflated;
  return gzip(chunk, { level: 0, chunkSize });
}

/** Deflating random or compressed data costs the most and gains nothing: a sample of slices across the chunk decides. */
async function worthDeflating(chunk: Buffer): Promise<boolean> {
  if (chunk.length < SAMPLE_SLICES * SAMPLE_BYTES * 4) return true;
  const step = Math.floor(chunk.length / SAMPLE_SLICES);
  const sample = Buffer.concat(Array.from({ length: SAMPLE_SLICES }, (_, i) => chunk.subarray(i * step, i * step + SAMPLE_BYTES)));
  return (await deflateRaw(sample, { level: 1 })).length < sample.length * WORTH_DEFLATING;
}

/** Reads `input` (a tar), writes it compressed to `file`. */
export async function gzipLayer(input: Readable, file: string, options: GzipOptions = {}): Promise<CompressedLayer> {
  const level = checkLevel(options.level ?? DEFAULT_LEVEL);
  const compression = options.compression ?? 'gzip';
  const compress = compression === 'zstd' ? zstdFrame : gzipMember;
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK;
  const parallel = Math.max(1, options.parallel ?? 4);
  const out = fs.createWriteStream(file);
  const diff = options.withDiffId ? crypto.createHash('sha256') : undefined;
  const compressed = crypto.createHash('sha256');
  const pending: Array<Promise<Buffer>> = [];
  let size = 0;
  let uncompressedSize = 0;
  let parts: Buffer[] = [];
  let partBytes = 0;
  const submit = () => {
    const chunk = parts.length === 1 ? parts[0] : Buffer.concat(parts, partBytes);
    parts = [];
    partBytes = 0;
    diff?.update(chunk);
    uncompressedSize += chunk.length;
    const member = compress(chunk, level);
    member.catch(() => {}); // awaited in order below; this only keeps an early failure from going unhandled
    pending.push(member);
  };
  const writeNext = async () => {
    const member = await (pending.shift() as Promise<Buffer>);
    compressed.update(member);
    size += member.length;
    const written = out.write(member) ? undefined : once(out, 'drain');
    await options.onMember?.(member);
    await written;
    options.onBytes?.(size);
  };
  try {
    for await (const data of input) {
      let chunk = data as Buffer;
      while (chunk.length > 0) {
        const take = Math.min(chunk.length, chunkBytes - partBytes);
        parts.push(chunk.subarray(0, take));
        partBytes += take;
        chunk = chunk.subarray(take);
        if (partBytes === chunkBytes) submit();
        while (pending.length >= parallel) await writeNext();
      }
    }
    // An empty layer still needs one member: zero bytes are not a gzip stream.
    if (partBytes > 0 || uncompressedSize === 0) submit();
    while (pending.length > 0) await writeNext();
    out.end();
    await finished(out);
  } catch (error) {
    out.destroy();
    await fs.promises.rm(file, { force: true });
    throw error;
  }
  return { file, compression, digest: `sha256:${compressed.digest('hex')}`, size, diffId: diff && `sha256:${diff.digest('hex')}`, uncompressedSize };
}
