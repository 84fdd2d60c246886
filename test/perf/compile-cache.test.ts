// bin/facetsctl runs the bundle through V8's code cache: a run reuses the code an earlier successful run of the same
// command compiled; any change to the file (or to Node) compiles afresh; the cache can be turned off.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheCommand, cacheDirectory, CACHED_COMMANDS, COMPILE_CACHE_CHECKPOINT } from '../../src/cli/compile-cache';
import { buildProgram } from '../../src/cli/program';
import { createFactory } from '../../src/cli/factory';
import { IOStreams } from '../../src/cli/io';
import { repoRoot } from '../cli/run-cli';

const LOADER = path.join(repoRoot, 'dist', 'cli', 'compile-cache.js');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facetsctl-compile-cache-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A CommonJS module file; `node runner` loads it with the cache and prints what it exports, then exits with `code`. */
function writeModule(answer: string): string {
  const file = path.join(dir, 'module.js');
  fs.writeFileSync(file, `'use strict';\nconst path = require('node:path');\nmodule.exports = { answer: ${JSON.stringify(answer)}, dir: path.basename(__dirname), file: path.basename(__filename) };\n`);
  return file;
}

function load(file: string, argv: string[], env: Record<string, string> = {}, code = 0) {
  const script = `const m = require(${JSON.stringify(LOADER)}).requireWithCompileCache(${JSON.stringify(file)}, { env: process.env, homedir: ${JSON.stringify(dir)}, argv: ${JSON.stringify(argv)} });
    process.stdout.write(JSON.stringify(m)); process.exitCode = ${code};`;
  const r = spawnSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  return { status: r.status, exports: r.stdout ? JSON.parse(r.stdout) : null, stderr: r.stderr };
}

const cacheFiles = () => {
  const d = path.join(dir, '.cache', 'facetsctl-v8');
  return fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.endsWith('.cache')).map((f) => path.join(d, f)) : [];
};

describe('the module runs as require() runs it, with its own __dirname, __filename and require', () => {
  test('exports, __dirname and require of built-ins', () => {
    const file = writeModule('42');
    expect(load(file, ['push'])).toMatchObject({ status: 0, exports: { answer: '42', dir: path.basename(dir), file: 'module.js' } });
  });
});

describe('a successful run leaves the compiled code in ~/.cache/facetsctl-v8, one file per command; the next run reuses it', () => {
  test('written once, then reused as it is', () => {
    const file = writeModule('a');
    load(file, ['push', 'x']);
    const [cache] = cacheFiles();
    expect(path.basename(cache)).toMatch(/^[0-9a-f]{8}-push\.cache$/);
    const written = fs.statSync(cache).mtimeMs;
    expect(load(file, ['push', 'y']).exports.answer).toBe('a');
    expect(fs.statSync(cache).mtimeMs).toBe(written);
    load(file, ['register', 'x']);
    expect(cacheFiles().map((f) => path.basename(f).split('-')[1]).sort()).toEqual(['push.cache', 'register.cache']);
  });

  test('a failed run (exit code not 0) writes nothing', () => {
    const file = writeModule('a');
    expect(load(file, ['push'], {}, 3).status).toBe(3);
    expect(cacheFiles()).toEqual([]);
  });

  test('FACETSCTL_COMPILE_CACHE=0 turns it off; XDG_CACHE_HOME moves it', () => {
    const file = writeModule('a');
    load(file, ['push'], { FACETSCTL_COMPILE_CACHE: '0' });
    expect(cacheFiles()).toEqual([]);
    const xdg = path.join(dir, 'xdg');
    load(file, ['push'], { XDG_CACHE_HOME: xdg });
    expect(fs.readdirSync(path.join(xdg, 'facetsctl-v8'))).toHaveLength(1);
  });
});

describe('long work (a push uploading) leaves a partial cache, written when it starts; the next run without it completes the cache', () => {
  /** Emits the checkpoint as the push command does when its upload starts, when LONG_WORK is set. */
  function writeLongWorkModule(): string {
    const file = path.join(dir, 'module.js');
    fs.writeFileSync(file, `'use strict';\nif (process.env.LONG_WORK) process.emit(${JSON.stringify(COMPILE_CACHE_CHECKPOINT)});\nmodule.exports = { answer: 'long' };\n`);
    return file;
  }
  const written = () => fs.statSync(cacheFiles()[0]).ino;

  test('written at the checkpoint even when the run then fails; kept by other long runs; replaced once by a run without long work', () => {
    const file = writeLongWorkModule();
    expect(load(file, ['push'], { LONG_WORK: '1' }, 5).status).toBe(5);
    expect(cacheFiles()).toHaveLength(1);
    const partial = written();
    expect(load(file, ['push'], { LONG_WORK: '1' }).exports.answer).toBe('long');
    expect(written()).toBe(partial);
    expect(load(file, ['push']).exports.answer).toBe('long');
    const whole = written();
    expect(whole).not.toBe(partial);
    load(file, ['push']);
    load(file, ['push'], { LONG_WORK: '1' });
    expect(written()).toBe(whole);
  });
});

describe('a changed file is compiled afresh: the cache never runs old code', () => {
  test('new content of the same size and a new mtime: the new code runs, the cache is rewritten', () => {
    const file = writeModule('a');
    load(file, ['push']);
    const [cache] = cacheFiles();
    const before = fs.readFileSync(cache);
    writeModule('b');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    expect(load(file, ['push']).exports.answer).toBe('b');
    expect(fs.readFileSync(cache).equals(before)).toBe(false);
  });

  test('a cache file V8 refuses (damaged) is ignored and replaced', () => {
    const file = writeModule('a');
    load(file, ['push']);
    const [cache] = cacheFiles();
    const text = fs.readFileSync(cache);
    const header = text.indexOf(10);
    fs.writeFileSync(cache, Buffer.concat([text.subarray(0, header + 1), Buffer.alloc(text.length - header - 1, 7)]));
    expect(load(file, ['push']).exports.answer).toBe('a');
    expect(fs.readFileSync(cache).subarray(header + 1).every((b) => b === 7)).toBe(false);
  });
});

describe('which cache a run uses', () => {
  test.each([
    [['push', 'img:1'], 'push'],
    [['--json', 'ci', 'show'], 'ci'],
    [['push', '--help'], 'help'],
    [['-h'], 'help'],
    [['help', 'push'], 'help'],
    [['frobnicate'], 'default'],
  ])('%j -> %s', (argv, expected) => {
    expect(cacheCommand(argv)).toBe(expected);
  });

  test('no home and no XDG_CACHE_HOME: no cache', () => {
    expect(cacheDirectory({}, undefined)).toBeNull();
    expect(cacheDirectory({ XDG_CACHE_HOME: 'relative' }, undefined)).toBeNull();
  });

  test('every top-level command of the program has a cache of its own', () => {
    const io = new IOStreams({ stdout: { write: () => true }, stderr: { write: () => true }, isStdinTTY: false, isStdoutTTY: false, isStderrTTY: false, env: {} });
    const program = buildProgram(createFactory({ io, env: {}, cwd: repoRoot, homedir: repoRoot }), '0.0.0');
    const names = program.commands.map((c) => c.name()).filter((n) => !n.startsWith('__'));
    expect([...names].sort()).toEqual([...CACHED_COMMANDS].sort());
  });
});
