// "Newest first" for tags: the registry's tag list has no dates, so order by the image's `created` where known, else by version.

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

type Semver = { core: [number, number, number]; pre: string[] };

function parseSemver(tag: string): Semver | null {
  const m = SEMVER.exec(tag);
  if (!m) return null;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

/** Semver precedence: a > b -> positive. */
function compareSemver(a: Semver, b: Semver): number {
  for (let i = 0; i < 3; i++) if (a.core[i] !== b.core[i]) return a.core[i] - b.core[i];
  if (a.pre.length === 0 || b.pre.length === 0) return (a.pre.length === 0 ? 1 : 0) - (b.pre.length === 0 ? 1 : 0);
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const [x, y] = [a.pre[i], b.pre[i]];
    const [nx, ny] = [/^\d+$/.test(x), /^\d+$/.test(y)];
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.pre.length - b.pre.length;
}

function time(value: string | Date | undefined): number | null {
  if (value === undefined) return null;
  const t = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

/**
 * Newest first: tags with a known `created` time by that time; then semver tags by precedence (highest first);
 * then the rest in descending natural order ("build-10" before "build-9").
 */
export function orderTagsNewestFirst(tags: readonly string[], created: ReadonlyMap<string, string | Date> = new Map()): string[] {
  const natural = new Intl.Collator('en', { numeric: true });
  return [...new Set(tags)].sort((a, b) => {
    const [ta, tb] = [time(created.get(a)), time(created.get(b))];
    if (ta !== null || tb !== null) {
      if (ta === null || tb === null) return ta === null ? 1 : -1;
      if (ta !== tb) return tb - ta;
    }
    const [sa, sb] = [parseSemver(a), parseSemver(b)];
    if (sa || sb) {
      if (!sa || !sb) return sa ? -1 : 1;
      const c = compareSemver(sb, sa);
      if (c !== 0) return c;
    }
    return natural.compare(b, a);
  });
}
