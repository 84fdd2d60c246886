// Loads the CLI bundle (dist/cli/facetsctl.js) with V8's code cache, so that a run reuses the code an earlier run of
// the same command compiled instead of compiling ~2 MB of JavaScript again (Node 22's module.enableCompileCache, for 20).
// Only Node built-ins here: this runs before anything else.
import { isAscii } from 'node:buffer';
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** First operands that get a cache of their own (each command runs different code); anything else shares "default". */
export const CACHED_COMMANDS = ['login', 'logout', 'whoami', 'push', 'register', 'attach', 'detach', 'resolve', 'promote', 'history', 'serve', 'completion', 'ci', 'artifacts', 'registries', 'init', 'render'];

/**
 * Emitted on `process` when a command starts long work (a push's upload): a run that is to write the cache writes it
 * then, marked partial, because V8 drops the bytecode of start-up code that long work leaves idle (a cache written at
 * exit lacks it); the next run that ends without long work replaces a partial cache with its whole code.
 */
export const COMPILE_CACHE_CHECKPOINT = 'facetsctl:compile-cache-checkpoint';
const PARTIAL = ' partial';

export interface CompileCacheOptions {
  env: Record<string, string | undefined>;
  homedir?: string;
  argv: string[];
}

/**
 * `$XDG_CACHE_HOME/facetsctl-v8`, else `~/.cache/facetsctl-v8` (beside, not inside, the completion cache in
 * `~/.cache/facetsctl`); null when turned off (FACETSCTL_COMPILE_CACHE=0) or there is no home.
 */
export function cacheDirectory(env: Record<string, string | undefined>, homedir?: string): string | null {
  if (env.FACETSCTL_COMPILE_CACHE === '0') return null;
  const base = env.XDG_CACHE_HOME || (homedir ? path.join(homedir, '.cache') : '');
  return base && path.isAbsolute(base) ? path.join(base, 'facetsctl-v8') : null;
}

/** The cache a run uses: its command's, or "help" for any help (which runs none of a command's code). */
export function cacheCommand(argv: string[]): string {
  if (argv.some((a) => a === '--help' || a === '-h') || argv[0] === 'help') return 'help';
  return argv.find((a) => CACHED_COMMANDS.includes(a)) ?? 'default';
}

/** FNV-1a, 32 bits: names a cache file after the bundle's path without loading node:crypto. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

/** What the cached code was compiled from; any change (new build, other Node) means compiling afresh. */
function stampOf(file: string, stat: fs.Stats): string {
  return JSON.stringify([file, stat.size, stat.mtimeMs, process.version, process.arch]);
}

function readCache(cacheFile: string, stamp: string): { data: Buffer; partial: boolean } | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const header = data.indexOf(10);
  const line = header > 0 ? data.toString('utf8', 0, header) : '';
  if (line !== stamp && line !== stamp + PARTIAL) return undefined;
  return { data: data.subarray(header + 1), partial: line !== stamp };
}

function writeCache(dir: string, cacheFile: string, stamp: string, data: Buffer): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Written aside and renamed: a concurrent run reads the old cache or the new one, never half of one.
    const temp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(temp, Buffer.concat([Buffer.from(`${stamp}\n`), data]), { mode: 0o600 });
    fs.renameSync(temp, cacheFile);
  } catch {
    // A cache that cannot be written only costs the next run its compile time.
  }
}

/**
 * Runs the CommonJS file `file` like require() does and returns its exports, compiling it with the code cached for
 * this command, if any, and caching the compiled code when the process exits if there was none (or V8 refused it).
 */
export function requireWithCompileCache(file: string, options: CompileCacheOptions): unknown {
  const dir = cacheDirectory(options.env, options.homedir);
  const bytes = fs.readFileSync(file);
  // The bundle is ASCII (esbuild escapes the rest): read as latin1, a large file becomes an external string, not a copy.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const stamp = stampOf(file, fs.statSync(file));
  const cacheFile = dir ? path.join(dir, `${fnv1a(file)}-${cacheCommand(options.argv)}.cache`) : null;
  const cached = cacheFile ? readCache(cacheFile, stamp) : undefined;
  const cachedData = cached?.data;

  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const missing = !cachedData || script.cachedDataRejected;
  if (dir && cacheFile && (missing || cached?.partial)) {
    let longWork = false;
    // A partial cache is kept by a run that does long work too: it would write no better one.
    process.once(COMPILE_CACHE_CHECKPOINT, () => {
      longWork = true;
      if (missing) writeCache(dir, cacheFile, stamp + PARTIAL, script.createCachedData());
    });
    // At exit the cache holds every function this run compiled; a failed run (usage error...) ran too little to keep.
    process.once('exit', (code) => {
      if (code === 0 && !longWork) writeCache(dir, cacheFile, stamp, script.createCachedData());
    });
  }
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeRequire, module: NodeModule, filename: string, dirname: string) => void;
  const require = createRequire(file);
  // A module like require() makes, and in require.cache like one, so that tools that list loaded modules see it.
  const module = new Module(file, undefined) as NodeModule & { filename: string; loaded: boolean };
  module.filename = file;
  require.cache[file] = module;
  wrapper.call(module.exports, module.exports, require, module, file, path.dirname(file));
  module.loaded = true;
  return module.exports;
}
