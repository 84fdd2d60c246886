// Paging of tags and catalog lists: the next page's URL from `Link: <url>; rel="next"` (RFC 8288).

/** The `rel="next"` target of a Link header, resolved against `base`; undefined on the last page. */
export function nextPageUrl(linkHeader: string | string[] | undefined, base: string): string | undefined {
  if (!linkHeader) return undefined;
  const values = Array.isArray(linkHeader) ? linkHeader : [linkHeader];
  for (const value of values) {
    for (const match of value.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
      const params = match[2].split(';').map((p) => p.trim().toLowerCase());
      const rel = params.find((p) => p.startsWith('rel='));
      if (rel && rel.slice(4).replace(/"/g, '').split(/\s+/).includes('next')) return new URL(match[1], base).toString();
    }
  }
  return undefined;
}
