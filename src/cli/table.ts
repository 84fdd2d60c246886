// Plain aligned columns for human output (the --json document is the machine format).
import type { Page } from '../core/model';
import { escapeControls } from './display';
import type { IOStreams } from './io';

/** A cell is its text, or its text and a colour: the width counts the text, not the colour's escape codes. */
export type Cell = string | { text: string; paint: (s: string) => string };

export interface TableOptions {
  /** Full sha256 digests (`--no-trunc`); by default a table shows their first 12 hex digits, as docker does. */
  noTrunc?: boolean;
}

const DIGEST = /\bsha256:([0-9a-f]{12})[0-9a-f]{52}\b/g;

/** `sha256:` and the first 12 hex digits of every full digest in the text, so a table keeps to one line per row. */
export function shortDigests(text: string): string {
  return text.replace(DIGEST, 'sha256:$1');
}

export function formatTable(header: string[], rows: Cell[][], options: TableOptions = {}): string {
  // Cells echo what users and servers wrote: a control character must not break the row or drive the terminal.
  const show = (text: string) => escapeControls(options.noTrunc ? text : shortDigests(text));
  const cells = rows.map((r) => r.map((c) => (typeof c === 'string' ? { text: show(c), paint: undefined } : { text: show(c.text), paint: c.paint })));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i]?.text ?? '').length)));
  const line = (row: { text: string; paint?: (s: string) => string }[]) =>
    row
      .map((c, i) => {
        const text = i === row.length - 1 ? c.text : c.text.padEnd(widths[i]);
        return c.paint ? c.paint(c.text) + text.slice(c.text.length) : text;
      })
      .join('  ')
      .trimEnd();
  return [line(header.map((text) => ({ text }))), ...cells.map(line)].join('\n');
}

/** One page of a paged list as a table, or `empty` (with where the page starts), and the hint to the next page. */
export function printPage<T>(io: IOStreams, page: Page<T>, empty: string, header: string[], row: (item: T) => Cell[], options: TableOptions = {}): void {
  if (page.items.length === 0) {
    io.println(`${empty}${page.total > 0 ? ` at offset ${page.offset} (total ${page.total})` : ''}`);
    return;
  }
  io.println(formatTable(header, page.items.map(row), options));
  if (page.total > page.offset + page.items.length) io.info(`${page.total} in all; next page: --offset ${page.offset + page.items.length}`);
}
