// Where each file of a tar archive lies (offset, size), read from its headers only, so a layer can be streamed from it.
import fs from 'node:fs/promises';
import { usage } from '../../core/errors';

export interface TarEntry {
  name: string;
  /** Byte offset of the entry's data in the archive. */
  offset: number;
  size: number;
}

const BLOCK = 512;

/** Every regular file of `file` by normalised path; symlinks and hard links resolve to the entry they name. */
export async function indexTar(file: string): Promise<Map<string, TarEntry>> {
  const handle = await fs.open(file, 'r').catch((error: Error) => {
    throw usage(`cannot read ${file}: ${error.message}`, 'give the path of a tar archive');
  });
  const entries = new Map<string, TarEntry>();
  const links: Array<[string, string]> = [];
  try {
    const header = Buffer.alloc(BLOCK);
    let position = 0;
    let longName: string | undefined;
    for (;;) {
      const { bytesRead } = await handle.read(header, 0, BLOCK, position);
      if (bytesRead < BLOCK || header.every((byte) => byte === 0)) break;
      if (!checksumOk(header)) throw usage(`${file} is not a tar archive (bad header at byte ${position})`, 'give a `docker save` or OCI layout tar');
      const size = readSize(header);
      const type = String.fromCharCode(header[156] || 48);
      const dataOffset = position + BLOCK;
      const name = normalise(longName ?? headerName(header));
      longName = undefined;
      if (type === 'L' || type === 'x') {
        const data = Buffer.alloc(size);
        await handle.read(data, 0, size, dataOffset);
        longName = type === 'L' ? data.toString('utf8').replace(/\0+$/, '') : paxPath(data);
      } else if (type === '0' || type === '7') {
        entries.set(name, { name, offset: dataOffset, size });
      } else if (type === '1' || type === '2') {
        const target = field(header, 157, 100);
        links.push([name, type === '2' ? normalise(joinRelative(name, target)) : normalise(target)]);
      }
      position = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    }
  } finally {
    await handle.close();
  }
  for (const [name, target] of links) {
    const entry = entries.get(target);
    if (entry) entries.set(name, { ...entry, name });
  }
  return entries;
}

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

function headerName(header: Buffer): string {
  const name = field(header, 0, 100);
  const prefix = field(header, 257, 6).startsWith('ustar') ? field(header, 345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function readSize(header: Buffer): number {
  // GNU base-256 for sizes of 8 GiB and more.
  if (header[124] & 0x80) return header.subarray(125, 136).reduce((n, byte) => n * 256 + byte, 0);
  return parseInt(field(header, 124, 12).trim() || '0', 8);
}

function checksumOk(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
  return sum === parseInt(field(header, 148, 8).trim(), 8);
}

function paxPath(data: Buffer): string | undefined {
  for (const record of data.toString('utf8').split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match) return match[1];
  }
  return undefined;
}

function joinRelative(from: string, target: string): string {
  if (target.startsWith('/')) return target;
  const parts = from.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '..') parts.pop();
    else if (part && part !== '.') parts.push(part);
  }
  return parts.join('/');
}

/** `./a//b/` -> `a/b`. */
export function normalise(name: string): string {
  return name.split('/').filter((part) => part && part !== '.').join('/');
}
