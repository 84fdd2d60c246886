// The parsed blueprint, kept as JSON beside the state database, so that a run whose facets.yaml has not changed
// neither loads the YAML parser nor parses. Any change to the file (or to facetsctl) means parsing it again.
import { type BigIntStats, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Blueprint } from './blueprint';

export const BLUEPRINT_CACHE_FILE = 'blueprint-cache.json';
const FORMAT = 1;
/** A file changed this recently may change again within the same timestamp tick: it is parsed, not cached (git's "racy clean"). */
export const RACY_MS = 2000;

interface CacheDocument {
  format: number;
  key: string;
  blueprint: Blueprint;
}

/** Everything that changes when the blueprint's bytes or facetsctl's parser do: path, inode, size, times (ns) of both. */
function cacheKey(file: string, stat: BigIntStats, parser: BigIntStats | null): string {
  const parserKey = parser ? [parser.size, parser.mtimeNs, parser.ino].map(String) : null;
  return JSON.stringify([file, String(stat.dev), String(stat.ino), String(stat.size), String(stat.mtimeNs), String(stat.ctimeNs), parserKey]);
}

function parse(file: string): Blueprint {
  const { loadBlueprint } = require('./blueprint') as typeof import('./blueprint');
  return loadBlueprint(file);
}

/**
 * loadBlueprint(file), answered from `cacheFile` when it holds this very file's parse; parsed (and the cache
 * rewritten) otherwise. `cacheFile` null: no cache. Errors are loadBlueprint's: an invalid file is never cached.
 */
export function loadBlueprintCached(file: string, cacheFile: string | null, now: () => number = Date.now): Blueprint {
  const absolute = path.resolve(file);
  let stat: BigIntStats | undefined;
  try {
    stat = statSync(absolute, { bigint: true });
  } catch {
    return parse(absolute);
  }
  if (!cacheFile || !stat.isFile()) return parse(absolute);
  // The code that parses is part of the key: a new build of facetsctl parses again.
  const key = cacheKey(absolute, stat, statSync(__filename, { bigint: true, throwIfNoEntry: false }) ?? null);
  try {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as CacheDocument;
    if (cached.format === FORMAT && cached.key === key && cached.blueprint?.path === absolute) return cached.blueprint;
  } catch {
    // No cache yet, or one that cannot be read: parse.
  }
  const blueprint = parse(absolute);
  const changedAt = Number((stat.mtimeNs > stat.ctimeNs ? stat.mtimeNs : stat.ctimeNs) / 1_000_000n);
  if (now() - changedAt >= RACY_MS) writeCache(cacheFile, { format: FORMAT, key, blueprint });
  return blueprint;
}

function writeCache(cacheFile: string, document: CacheDocument): void {
  const text = JSON.stringify(document);
  // Only what JSON gives back exactly (no undefined fields) is worth keeping.
  if (!isDeepStrictEqual((JSON.parse(text) as CacheDocument).blueprint, document.blueprint)) return;
  try {
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    const temp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temp, text);
    renameSync(temp, cacheFile);
  } catch {
    // Without a cache the next run parses again; nothing else depends on it.
  }
}

/** The cache beside the state database (`<dir>/.facets/blueprint-cache.json`); none for an in-memory database. */
export function blueprintCachePath(dbPath: string): string | null {
  return dbPath === ':memory:' ? null : path.join(path.dirname(dbPath), BLUEPRINT_CACHE_FILE);
}
