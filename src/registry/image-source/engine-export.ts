// The engine's export (`GET /images/{name}/get`) read as it streams: each large entry is compressed while the engine
// still writes the next, so export and gzip overlap; manifest.json (last in the classic layout) then names the layers.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { FacetsError } from '../../core/errors';
import { gzipLayer, type GzipOptions } from '../compress/gzip-layer';
import { MEMORY_BYTES, MemoryBudget, openBlobFile } from '../compress/spool';
import { dockerArchiveImage } from './docker-archive';
import type { FileStore } from './file-store';
import { normalise } from './tar-index';
import { compressionOf, type ImageSource, type LayerSink, type PreparedLayer } from './types';

/** Entries up to this size stay in memory (manifests, configs, small layers); larger ones are layers, compressed on arrival. */
const IN_MEMORY_BYTES = 1024 * 1024;

export interface ExportOptions extends Pick<GzipOptions, 'level' | 'chunkBytes' | 'compression'> {
  tmpDir: string;
  /** Opens a streamed upload per layer, so the upload runs while the engine still exports (native push). */
  sink?: () => LayerSink;
  /** Compressed bytes written so far of the large entry `file` (a layer, before the manifest says which). */
  onBytes?: (file: string, compressedBytes: number) => void;
}

/** Reads a `docker save` stream; `close()` removes the compressed layers it wrote. */
export async function streamedExportSource(image: string, stream: NodeJS.ReadableStream, options: ExportOptions): Promise<ImageSource> {
  const dir = await fs.promises.mkdtemp(path.join(options.tmpDir, 'facetsctl-export-'));
  const budget = new MemoryBudget(MEMORY_BYTES);
  const large = new Map<string, Promise<PreparedLayer>>();
  // Layers may still be compressing when a push gives up: let them end before their folder goes.
  const close = async () => {
    await Promise.allSettled(large.values());
    await fs.promises.rm(dir, { recursive: true, force: true });
  };
  const small = new Map<string, Buffer>();
  const links = new Map<string, string>();
  const extract = tar.extract();
  extract.on('entry', (header, entry, next) => {
    const name = normalise(header.name);
    if (header.type === 'symlink' || header.type === 'link') {
      links.set(name, normalise(header.type === 'symlink' ? path.posix.join(path.posix.dirname(name), header.linkname ?? '') : (header.linkname ?? '')));
    }
    if (header.type !== 'file' && header.type !== 'contiguous-file') {
      entry.resume();
      entry.on('end', () => next());
      return;
    }
    if ((header.size ?? 0) <= IN_MEMORY_BYTES) {
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => {
        small.set(name, Buffer.concat(chunks));
        next();
      });
      return;
    }
    const prepared = prepare(entry, path.join(dir, `${large.size}.layer`), { ...options, budget, onBytes: options.onBytes && ((bytes: number) => options.onBytes?.(name, bytes)) });
    prepared.catch(() => {}); // awaited when the layer is pushed; this only keeps an early failure from going unhandled
    large.set(name, prepared);
    entry.on('end', () => next());
  });
  try {
    await pipeline(stream as Readable, extract);
    const resolve = (file: string) => links.get(normalise(file)) ?? normalise(file);
    const store = memoryStore(`engine export of ${image}`, small, large, resolve);
    const root = await dockerArchiveImage(store);
    for (const layer of root.layers) {
      const prepared = large.get(resolve(layer.file ?? ''));
      if (!prepared) continue;
      layer.prepared = prepared;
      // The entry's own name, as its compression progress named it.
      layer.file = resolve(layer.file ?? '');
    }
    return { name: store.name, root, close };
  } catch (error) {
    await close();
    throw error instanceof FacetsError ? error : new FacetsError('ENGINE', `reading the engine's export of ${image} failed: ${(error as Error).message}`, 'check the engine, or push with --via-engine');
  }
}

/** A large entry to a file: compressed here, or copied as it is when the export already holds it compressed. */
async function prepare(entry: Readable, file: string, options: Omit<ExportOptions, 'onBytes'> & Pick<GzipOptions, 'budget' | 'onBytes'>): Promise<PreparedLayer> {
  const iterator = chunksOf(entry);
  const first = await iterator.next();
  const head = first.done ? Buffer.alloc(0) : (first.value as Buffer);
  // The entry's bytes as they come, without another stream around them (one more copy and tick per chunk).
  const rest = (async function* () {
    if (!first.done) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value as Buffer;
  })();
  const compression = compressionOf(head);
  if (!compression) {
    const sink = options.sink?.();
    const layer = await gzipLayer(rest, file, { ...options, onMember: sink && ((member) => sink.write(member)) });
    const streamed = sink ? await sink.end(layer.digest) : false;
    // Uploaded already: its memory goes back to the budget for the layers still to come.
    if (streamed) layer.release();
    return { ...layer, streamed };
  }
  const hash = crypto.createHash('sha256');
  let size = 0;
  const hashed = (async function* () {
    for await (const chunk of rest) {
      hash.update(chunk);
      size += chunk.length;
      yield chunk;
    }
  })();
  await pipeline(hashed, fs.createWriteStream(file));
  return { open: () => openBlobFile(file), digest: `sha256:${hash.digest('hex')}`, size, compression };
}

/** Bytes of an entry read ahead of its compression before the entry is paused. */
const AHEAD_BYTES = 4 * 1024 * 1024;

/**
 * An entry's chunks as the export delivered them. A stream's async iterator reads whatever is buffered joined into
 * one new buffer: a copy of every byte into fresh memory, ~35 ms per 50 MB here, that the chunk copy makes anyway.
 */
function chunksOf(entry: Readable): AsyncIterator<Buffer> {
  const queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  entry.on('data', (chunk: Buffer) => {
    queue.push(chunk);
    queued += chunk.length;
    if (queued >= AHEAD_BYTES) entry.pause();
    notify();
  });
  entry.on('end', () => {
    ended = true;
    notify();
  });
  entry.on('error', (error: Error) => {
    failure = error;
    notify();
  });
  return {
    async next() {
      while (!queue.length && !ended && !failure) await new Promise<void>((resolve) => (wake = resolve));
      if (failure) throw failure;
      const value = queue.shift();
      if (!value) return { done: true, value: undefined };
      queued -= value.length;
      if (queued < AHEAD_BYTES && entry.isPaused()) entry.resume();
      return { done: false, value };
    },
  };
}

/** The small entries as a FileStore (large ones are never read from it: they are prepared). */
function memoryStore(name: string, small: Map<string, Buffer>, large: Map<string, unknown>, resolve: (file: string) => string): FileStore {
  const get = (file: string) => small.get(resolve(file));
  return {
    name,
    has: async (file) => small.has(resolve(file)) || large.has(resolve(file)),
    size: async (file) => get(file)?.length ?? 0,
    open: (file) => Readable.from([get(file) ?? Buffer.alloc(0)]),
    read: async (file) => {
      const data = get(file);
      if (!data) throw new FacetsError('ENGINE', `${name}: ${file} is missing from the export`, 'export the image again, or push with --via-engine');
      return data;
    },
  };
}
