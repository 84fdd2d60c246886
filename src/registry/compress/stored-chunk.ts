// A chunk of a layer laid out as the stored gzip member it may become: the layer's bytes are copied in once, with room
// left for the gzip header, each 64 KiB block's 5-byte header and the trailer, so that a chunk that does not shrink
// (random or already-compressed data) is framed where it lies. Fresh memory costs a page fault per 4 KiB touched; a
// second copy of every incompressible byte into a member of its own cost more than the copy itself.
import zlib from 'node:zlib';

/** The most a stored deflate block holds. */
const BLOCK = 0xffff;
const BLOCK_HEADER = 5;
/** magic, deflate, no flags, no mtime, no extra flags, OS unknown: what zlib writes. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
const TRAILER = 8;

const crc32 = (zlib as unknown as { crc32?: (data: Buffer, value?: number) => number }).crc32;

/** zlib.crc32 (Node 20.15+, 22.2+): without it a stored member is zlib's level 0 of the chunk's bytes. */
export const framesInPlace = (): boolean => crc32 !== undefined;

/** Buffers of one size, free for the next chunk of any layer: fresh ones cost page faults and GC time. */
const free = new Map<number, Buffer[]>();
const KEPT_FREE = 8;

function pooledBuffer(bytes: number): Buffer {
  return free.get(bytes)?.pop() ?? Buffer.allocUnsafeSlow(bytes);
}

function givePooled(buffer: Buffer): void {
  const list = free.get(buffer.length) ?? [];
  free.set(buffer.length, list);
  if (list.length < KEPT_FREE) list.push(buffer);
}

/** Where block `i`'s data starts in the buffer. */
const blockStart = (i: number) => GZIP_HEADER.length + (i + 1) * BLOCK_HEADER + i * BLOCK;

export class StoredChunk {
  readonly buffer: Buffer;
  /** Bytes of the layer it holds. */
  length = 0;

  constructor(readonly capacity: number) {
    const blocks = Math.max(1, Math.ceil(capacity / BLOCK));
    this.buffer = pooledBuffer(GZIP_HEADER.length + blocks * BLOCK_HEADER + capacity + TRAILER);
  }

  get full(): boolean {
    return this.length === this.capacity;
  }

  /** Copies from the start of `data` until the chunk is full; returns how many bytes it took. */
  fill(data: Buffer): number {
    let taken = 0;
    while (taken < data.length && this.length < this.capacity) {
      const block = Math.floor(this.length / BLOCK);
      const room = Math.min((block + 1) * BLOCK, this.capacity) - this.length;
      const at = blockStart(block) + (this.length - block * BLOCK);
      const copied = data.copy(this.buffer, at, taken, taken + Math.min(room, data.length - taken));
      taken += copied;
      this.length += copied;
    }
    return taken;
  }

  /** The data of each block in order, where it lies (no copy). */
  blocks(): Buffer[] {
    const count = Math.ceil(this.length / BLOCK);
    return Array.from({ length: count }, (_, i) => this.buffer.subarray(blockStart(i), blockStart(i) + Math.min(BLOCK, this.length - i * BLOCK)));
  }

  /** `length` bytes from the layer offset `from` (within the chunk), copied out. */
  slice(from: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let done = 0; done < length; ) {
      const at = from + done;
      const block = Math.floor(at / BLOCK);
      const start = blockStart(block) + (at - block * BLOCK);
      done += this.buffer.copy(out, done, start, start + Math.min(length - done, (block + 1) * BLOCK - at));
    }
    return out;
  }

  /** `use` given the chunk's bytes in one buffer (a copy; pooled when the chunk is full, the size every chunk but a last has). */
  async contiguous<T>(use: (data: Buffer) => Promise<T>): Promise<T> {
    const data = this.full ? pooledBuffer(this.length) : Buffer.allocUnsafe(this.length);
    let at = 0;
    for (const block of this.blocks()) at += block.copy(data, at);
    try {
      return await use(data);
    } finally {
      if (this.full) givePooled(data);
    }
  }

  /** Frames the chunk as a stored gzip member in its own buffer, which the member then is (never pooled again). */
  storedMember(): Buffer {
    const count = Math.max(1, Math.ceil(this.length / BLOCK));
    GZIP_HEADER.copy(this.buffer, 0);
    let crc = 0;
    for (let i = 0; i < count; i++) {
      const size = Math.min(BLOCK, this.length - i * BLOCK);
      const header = blockStart(i) - BLOCK_HEADER;
      this.buffer[header] = i === count - 1 ? 1 : 0;
      this.buffer.writeUInt16LE(size, header + 1);
      this.buffer.writeUInt16LE(~size & 0xffff, header + 3);
      crc = crc32!(this.buffer.subarray(blockStart(i), blockStart(i) + size), crc);
    }
    const end = blockStart(count - 1) + (this.length - (count - 1) * BLOCK);
    this.buffer.writeUInt32LE(crc >>> 0, end);
    this.buffer.writeUInt32LE(this.length >>> 0, end + 4);
    return this.buffer.subarray(0, end + TRAILER);
  }

  /** Gives the buffer back for the next chunk (not after storedMember: the member is the buffer). */
  release(): void {
    givePooled(this.buffer);
  }
}
