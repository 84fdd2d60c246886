// "Did you mean …?" after an unknown command or option: only for a near miss (a typo), never for a far-off word.
import type { Command } from 'commander';

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost 1. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Edits a typo may hold: one in a short word, two from eight letters on (commander allows three, so "bogus" became "logout"). */
const allowedEdits = (length: number) => (length >= 8 ? 2 : 1);

/** The candidates nearest to `word` within the allowed edits, alphabetically; none when nothing is that close. */
export function closeMatches(word: string, candidates: readonly string[]): string[] {
  let best = Infinity;
  let matches: string[] = [];
  for (const candidate of new Set(candidates)) {
    if (candidate.length <= 1) continue;
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance > allowedEdits(Math.max(word.length, candidate.length)) || distance > best) continue;
    if (distance < best) matches = [];
    best = distance;
    matches.push(candidate);
  }
  return matches.sort((a, b) => a.localeCompare(b));
}

/** The command argv reached: commander reports an unknown subcommand or option there. */
export function reachedCommand(program: Command, argv: string[]): Command {
  let current = program;
  for (const arg of argv) {
    const sub = current.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (sub) current = sub;
  }
  return current;
}

function candidatesFor(command: Command, word: string): string[] {
  if (!word.startsWith('-')) {
    const names = command.commands.flatMap((c) => [c.name(), ...c.aliases()]);
    return command.commands.length > 0 ? [...names, 'help'] : names;
  }
  const flags = ['--help'];
  for (let c: Command | null = command; c; c = c.parent) flags.push(...c.options.map((o) => o.long).filter((l): l is string => Boolean(l)));
  return flags;
}

/** "\n(Did you mean X?)" for commander's unknown command or option error, or "" when nothing is close. */
export function suggestionFor(program: Command, argv: string[], error: { code?: string; message: string }): string {
  if (error.code !== 'commander.unknownCommand' && error.code !== 'commander.unknownOption') return '';
  const word = /'([^']*)'/.exec(error.message)?.[1];
  if (!word || (word.startsWith('-') && !word.startsWith('--'))) return '';
  const candidates = candidatesFor(reachedCommand(program, argv), word);
  // Options are compared without their dashes, which every candidate shares.
  const similar = word.startsWith('--') ? closeMatches(word.slice(2), candidates.map((c) => c.slice(2))).map((c) => `--${c}`) : closeMatches(word, candidates);
  if (similar.length === 0) return '';
  return similar.length === 1 ? `\n(Did you mean ${similar[0]}?)` : `\n(Did you mean one of ${similar.join(', ')}?)`;
}
