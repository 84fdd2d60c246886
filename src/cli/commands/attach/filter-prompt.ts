// Type-to-filter for long lists without an autocomplete plugin: ask for a filter, then pick from what matches.
import { notFound } from '../../../core/errors';
import type { Factory } from '../../factory';

/** Lists at most this long are offered straight away; longer ones are filtered first. */
export const FILTER_THRESHOLD = 15;

/** Case-insensitive; every space-separated word of the query must occur in the item. */
export function filterItems(items: readonly string[], query: string): string[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return items.filter((item) => words.every((w) => item.toLowerCase().includes(w)));
}

/** Asks for a filter (empty = all) until something matches, then a list of the matches in the given order. */
export async function chooseFiltered(f: Factory, noun: string, plural: string, items: readonly string[], emptyHint: string): Promise<string> {
  if (items.length === 0) throw notFound(`there is no ${noun} to choose from`, emptyHint);
  let matches = [...items];
  while (items.length > FILTER_THRESHOLD) {
    const query = await f.prompter.input(`Filter ${plural} (${items.length}; type part of a name, empty lists all)`, { default: '' });
    matches = filterItems(items, query);
    if (matches.length > 0) break;
    f.io.warn(`no ${noun} matches "${query}"`);
  }
  const label = noun.charAt(0).toUpperCase() + noun.slice(1);
  return f.prompter.select(label, matches.map((m) => ({ name: m, value: m })));
}
