// Files of an image source, read alike from a directory or from a tar archive (by offset, no extraction).
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { usage } from '../../core/errors';
import { openBlobFile, READ_BYTES } from '../compress/spool';
import { indexTar, normalise, type TarEntry } from './tar-index';

export interface FileStore {
  /** What the store is, for messages: `docker-archive:/tmp/x.tar`. */
  readonly name: string;
  has(file: string): Promise<boolean>;
  size(file: string): Promise<number>;
  /** A fresh stream of the file's bytes; callable again (a retried upload reads it anew). */
  open(file: string): Readable;
  read(file: string): Promise<Buffer>;
}

/** The first `bytes` bytes of a file (fewer when it is shorter), to tell compressed layers from tars. */
export async function headOf(store: FileStore, file: string, bytes = 4): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  const stream = store.open(file);
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length >= bytes) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, bytes);
}

/** Small JSON files only; layers are streamed. */
const MAX_READ_BYTES = 64 * 1024 * 1024;

export function directoryStore(name: string, dir: string): FileStore {
  const full = (file: string) => path.join(dir, normalise(file));
  return {
    name,
    has: async (file) => fs.promises.stat(full(file)).then((s) => s.isFile(), () => false),
    size: async (file) => (await fs.promises.stat(full(file))).size,
    open: (file) => openBlobFile(full(file)),
    read: async (file) => {
      try {
        return await fs.promises.readFile(full(file));
      } catch (error) {
        throw missing(name, file, (error as Error).message);
      }
    },
  };
}

export async function tarStore(name: string, archive: string): Promise<FileStore> {
  const entries = await indexTar(archive);
  const entry = (file: string): TarEntry => {
    const found = entries.get(normalise(file));
    if (!found) throw missing(name, file, 'not in the archive');
    return found;
  };
  const open = (file: string): Readable => {
    const { offset, size } = entry(file);
    // createReadStream's end is inclusive; an empty file must read nothing.
    return size === 0 ? Readable.from([]) : fs.createReadStream(archive, { start: offset, end: offset + size - 1, highWaterMark: READ_BYTES });
  };
  return {
    name,
    has: async (file) => entries.has(normalise(file)),
    size: async (file) => entry(file).size,
    open,
    read: async (file) => {
      if (entry(file).size > MAX_READ_BYTES) throw usage(`${name}: ${file} is too large to be a manifest or config`, 'check the archive');
      const chunks: Buffer[] = [];
      for await (const chunk of open(file)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
  };
}

function missing(name: string, file: string, why: string) {
  return usage(`${name}: cannot read ${file} (${why})`, 'check that the source is a complete `docker save` archive or OCI image layout');
}
