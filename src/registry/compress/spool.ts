// Where a compressed layer waits for its upload: in memory while a budget shared by the push allows, else in a file.
// A layer streamed to the registry as it is compressed then never touches the disk; a large one never sits in memory.
import fs from 'node:fs';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** Bytes per read of a blob's file on its way to the registry: fewer, larger writes to the socket. */
export const READ_BYTES = 1024 * 1024;

/** A blob's file, read for an upload. */
export const openBlobFile = (file: string): fs.ReadStream => fs.createReadStream(file, { highWaterMark: READ_BYTES });

/** Compressed bytes a push keeps in memory by default: the layers of most images, uploaded without a file. */
export const MEMORY_BYTES = 64 * 1024 * 1024;

/** Bytes of compressed members one push may hold in memory at once (the rest waits in files). */
export class MemoryBudget {
  constructor(private left: number) {}

  take(bytes: number): boolean {
    if (bytes > this.left) return false;
    this.left -= bytes;
    return true;
  }

  give(bytes: number): void {
    this.left += bytes;
  }
}

export class Spool {
  private members: Buffer[] = [];
  private held = 0;
  private out: fs.WriteStream | undefined;
  private failure: Error | undefined;

  /** `file` is only written once the budget (none: no memory at all) says no. */
  constructor(readonly file: string, private readonly budget?: MemoryBudget) {}

  async write(member: Buffer): Promise<void> {
    if (!this.out && this.budget?.take(member.length)) {
      this.members.push(member);
      this.held += member.length;
      return;
    }
    const out = this.out ?? (await this.spill());
    if (!out.write(member)) await once(out, 'drain');
    if (this.failure) throw this.failure;
  }

  /** All members written; the file (when there is one) is complete. */
  async end(): Promise<void> {
    if (!this.out) return;
    this.out.end();
    await finished(this.out);
  }

  /** The compressed layer from its start, as often as asked (each attempt of its upload). */
  open(): Readable {
    if (this.out) return openBlobFile(this.file);
    return Readable.from(this.members, { objectMode: false });
  }

  /** Drops the members held in memory (uploaded already), giving their bytes back to the budget. */
  release(): void {
    this.budget?.give(this.held);
    this.members = [];
    this.held = 0;
  }

  /** After a failure: nothing is kept, the partial file goes. */
  async discard(): Promise<void> {
    this.release();
    this.out?.destroy();
    await fs.promises.rm(this.file, { force: true });
  }

  /** Moves what is held in memory to the file, in order, and writes there from now on. */
  private async spill(): Promise<fs.WriteStream> {
    const out = fs.createWriteStream(this.file);
    out.on('error', (error) => (this.failure = error));
    this.out = out;
    for (const member of this.members) if (!out.write(member)) await once(out, 'drain');
    this.release();
    return out;
  }
}
