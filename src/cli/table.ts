// Plain aligned columns for human output (the --json document is the machine format).
import type { Page } from '../core/model';
import type { IOStreams } from './io';

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : (c ?? '').padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** One page of a paged list as a table, or `empty` (with where the page starts), and the hint to the next page. */
export function printPage<T>(io: IOStreams, page: Page<T>, empty: string, header: string[], row: (item: T) => string[]): void {
  if (page.items.length === 0) {
    io.println(`${empty}${page.total > 0 ? ` at offset ${page.offset} (total ${page.total})` : ''}`);
    return;
  }
  io.println(formatTable(header, page.items.map(row)));
  if (page.total > page.offset + page.items.length) io.info(`${page.total} in all; next page: --offset ${page.offset + page.items.length}`);
}
