// Layer compression: independent gzip members that decompress to the tar, stored when they would not shrink,
// with the blob digest and the diff ID from the same pass; and the tar index the archive sources read.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';
import { gzipLayer } from '../../src/registry/compress/gzip-layer';
import { MemoryBudget } from '../../src/registry/compress/spool';
import { indexTar } from '../../src/registry/image-source/tar-index';
import { workDir } from './native-push-support';

const dir = workDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const read = async (stream: Readable) => Buffer.concat(await stream.toArray());
const sha256 = (bytes: Buffer) => `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;

/** Counts gzip members by walking their headers with zlib (each member decompressed on its own). */
function members(gz: Buffer): number {
  let count = 0;
  for (let rest = gz; rest.length > 0; count++) {
    const inflate = zlib.inflateRawSync(rest.subarray(10), { info: true } as zlib.ZlibOptions) as unknown as { engine: { bytesWritten: number } };
    rest = rest.subarray(10 + inflate.engine.bytesWritten + 8);
  }
  return count;
}

describe('gzipLayer', () => {
  it('writes one member per chunk that together decompress to the tar, and names both digests', async () => {
    const text = Buffer.from('a line of a config file that repeats\n'.repeat(30_000));
    const random = crypto.randomBytes(1_100_000);
    const input = Buffer.concat([text, random]);
    const file = path.join(dir, 'mixed.gz');
    const layer = await gzipLayer(Readable.from([input.subarray(0, 700_000), input.subarray(700_000)]), file, { chunkBytes: 512 * 1024, withDiffId: true });
    const gz = fs.readFileSync(file);
    expect(zlib.gunzipSync(gz).equals(input)).toBe(true);
    expect(members(gz)).toBe(Math.ceil(input.length / (512 * 1024)));
    expect(layer).toMatchObject({ digest: sha256(gz), size: gz.length, diffId: sha256(input), uncompressedSize: input.length });
    expect(gz.length).toBeLessThan(random.length * 1.01 + text.length / 10);
  });

  it('gives one valid member for an empty layer, and the same bytes for the same tar every time', async () => {
    const empty = await gzipLayer(Readable.from([]), path.join(dir, 'empty.gz'));
    expect(zlib.gunzipSync(fs.readFileSync(empty.file)).length).toBe(0);
    const tar = Buffer.alloc(1024);
    const [a, b] = await Promise.all(['a', 'b'].map((n) => gzipLayer(Readable.from([tar]), path.join(dir, `${n}.gz`), { withDiffId: true })));
    expect(a.digest).toBe(b.digest);
    expect(a.diffId).toBe(sha256(tar));
  });

  it('stores incompressible chunks as members of whole and partial 64 KiB blocks that gunzip reads', async () => {
    const random = crypto.randomBytes(2 * 0xffff + 1000);
    for (const [name, options] of [['stored0', { level: 0, chunkBytes: 2 * 0xffff }], ['stored1', { level: 1, chunkBytes: 0xffff * 4 }]] as const) {
      const layer = await gzipLayer(Readable.from([random]), path.join(dir, `${name}.gz`), options);
      const gz = fs.readFileSync(layer.file);
      expect(zlib.gunzipSync(gz).equals(random)).toBe(true);
      expect(members(gz)).toBe(Math.ceil(random.length / options.chunkBytes));
      expect(gz.length).toBeLessThan(random.length + 100);
    }
  });

  it('frames stored members in place whatever pieces the input comes in: across block and chunk edges, a byte at a time', async () => {
    const random = crypto.randomBytes(3 * 0xffff + 12345);
    const sizes = [1, 7, 0xffff - 8, 0xffff, 2, 0xffff + 1, 100_000];
    const pieces: Buffer[] = [];
    for (let at = 0, i = 0; at < random.length; at += sizes[i++ % sizes.length]) pieces.push(random.subarray(at, at + sizes[i % sizes.length]));
    for (const chunkBytes of [100_000, 2 * 0xffff, 0xffff - 1]) {
      const layer = await gzipLayer(Readable.from(pieces), path.join(dir, `pieces-${chunkBytes}.gz`), { level: 0, chunkBytes, withDiffId: true });
      const gz = fs.readFileSync(layer.file);
      expect(zlib.gunzipSync(gz).equals(random)).toBe(true);
      expect(members(gz)).toBe(Math.ceil(random.length / chunkBytes));
      expect(layer).toMatchObject({ digest: sha256(gz), size: gz.length, diffId: sha256(random), uncompressedSize: random.length });
    }
  });

  it('keeps a layer that fits the memory budget out of the disk, and gives the budget back once released', async () => {
    const input = Buffer.concat([Buffer.from('text that compresses\n'.repeat(100_000)), crypto.randomBytes(1_000_000)]);
    const budget = new MemoryBudget(8 * 1024 * 1024);
    const file = path.join(dir, 'in-memory.gz');
    const layer = await gzipLayer(Readable.from([input]), file, { chunkBytes: 512 * 1024, budget });
    expect(fs.existsSync(file)).toBe(false);
    const gz = await read(layer.open());
    expect(zlib.gunzipSync(gz).equals(input)).toBe(true);
    expect(layer).toMatchObject({ digest: sha256(gz), size: gz.length });
    expect(budget.take(8 * 1024 * 1024)).toBe(false);
    layer.release();
    expect(budget.take(8 * 1024 * 1024)).toBe(true);
  });

  it('moves a layer larger than the memory budget to its file, members in order, and reads it from there', async () => {
    const input = crypto.randomBytes(3 * 1024 * 1024);
    const file = path.join(dir, 'spilled.gz');
    const layer = await gzipLayer(Readable.from([input]), file, { chunkBytes: 512 * 1024, budget: new MemoryBudget(1024 * 1024) });
    const gz = fs.readFileSync(file);
    expect(zlib.gunzipSync(gz).equals(input)).toBe(true);
    expect(members(gz)).toBe(6);
    expect((await read(layer.open())).equals(gz)).toBe(true);
    expect(layer).toMatchObject({ digest: sha256(gz), size: gz.length });
    await layer.remove();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('refuses a compression level outside 0..9', async () => {
    await expect(gzipLayer(Readable.from([]), path.join(dir, 'bad.gz'), { level: 10 })).rejects.toMatchObject({ kind: 'USAGE' });
  });
});

describe('indexTar', () => {
  it('finds files by long names and through symlinks, at offsets that read their bytes', async () => {
    const root = path.join(dir, 'tree');
    const long = `${'d'.repeat(80)}/${'f'.repeat(90)}.json`;
    fs.mkdirSync(path.join(root, path.dirname(long)), { recursive: true });
    fs.writeFileSync(path.join(root, long), 'long');
    fs.mkdirSync(path.join(root, 'a'));
    fs.writeFileSync(path.join(root, 'a', 'layer.tar'), 'layer bytes');
    fs.mkdirSync(path.join(root, 'b'));
    fs.symlinkSync('../a/layer.tar', path.join(root, 'b', 'layer.tar'));
    const archive = path.join(dir, 'tree.tar');
    expect(spawnSync('tar', ['-cf', archive, '-C', root, '.']).status).toBe(0);
    const entries = await indexTar(archive);
    const read = (name: string) => {
      const entry = entries.get(name);
      if (!entry) throw new Error(`${name} not indexed`);
      return fs.readFileSync(archive).subarray(entry.offset, entry.offset + entry.size).toString();
    };
    expect(read(long)).toBe('long');
    expect(read('b/layer.tar')).toBe('layer bytes');
  });

  it('says a file that is not a tar is not one', async () => {
    const file = path.join(dir, 'not.tar');
    fs.writeFileSync(file, Buffer.alloc(2048, 7));
    await expect(indexTar(file)).rejects.toMatchObject({ kind: 'USAGE', message: expect.stringContaining('is not a tar archive') });
  });
});
