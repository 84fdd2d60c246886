// The layer compressions a push can write: gzip (everywhere, the default) and zstd (only where the runtime has it).
import zlib from 'node:zlib';
import { usage } from '../../core/errors';

export type Compression = 'gzip' | 'zstd';
export const COMPRESSIONS: readonly Compression[] = ['gzip', 'zstd'];

type ZstdCompress = (chunk: Buffer, options: { params: Record<number, number> }, done: (error: Error | null, result: Buffer) => void) => void;

/** zlib's zstd (Node >= 22.15 / 23.8), absent from older runtimes and from their type definitions. */
const zstd = (): { compress: ZstdCompress; levelParam: number } | undefined => {
  const z = zlib as unknown as { zstdCompress?: ZstdCompress; constants: Record<string, number> };
  const levelParam = z.constants.ZSTD_c_compressionLevel;
  return typeof z.zstdCompress === 'function' && levelParam !== undefined ? { compress: z.zstdCompress, levelParam } : undefined;
};

export const zstdAvailable = (): boolean => zstd() !== undefined;

/** `--compression` as given: gzip, or zstd where this runtime can write it; anything else is a usage error. */
export function checkCompression(name: string | undefined): Compression {
  if (name === undefined || name === 'gzip') return 'gzip';
  if (name !== 'zstd') throw usage(`--compression must be gzip or zstd, not "${name}"`, 'drop it for gzip (the default), or use --compression zstd');
  if (!zstdAvailable()) {
    throw usage(`--compression zstd needs Node.js 22.15 or later (this is ${process.version}, whose zlib has no zstd)`, 'run facetsctl on Node.js 22.15+ / 24, or push with gzip (drop --compression)');
  }
  return 'zstd';
}

/**
 * One zstd frame of a chunk, on libuv's pool as gzip members are; frames concatenate into one valid stream. zstd
 * stores what does not shrink by itself (raw blocks), so no sample decides first. Level 0 is zstd's default (3).
 */
export async function zstdFrame(chunk: Buffer, level: number): Promise<Buffer> {
  const codec = zstd();
  if (!codec) throw usage('zstd is not available in this runtime', 'run facetsctl on Node.js 22.15+ / 24, or push with gzip');
  return new Promise((resolve, reject) => codec.compress(chunk, { params: { [codec.levelParam]: level } }, (error, result) => (error ? reject(error) : resolve(result))));
}
