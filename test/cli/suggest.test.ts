// Near misses only: the distance and the bound on it, as a table.
import { closeMatches, editDistance } from '../../src/cli/suggest';

describe('edit distance counts insertions, deletions, substitutions and neighbour swaps', () => {
  test.each<[string, string, number]>([
    ['regster', 'register', 1],
    ['histroy', 'history', 1],
    ['bogus', 'logout', 3],
    ['', 'push', 4],
    ['push', 'push', 0],
  ])('%s -> %s: %i', (a, b, d) => expect(editDistance(a, b)).toBe(d));
});

describe('closeMatches allows one edit in a short word, two from eight letters on', () => {
  const commands = ['login', 'logout', 'whoami', 'push', 'register', 'attach', 'detach', 'resolve', 'promote', 'history', 'serve', 'completion', 'ci', 'artifacts', 'registries', 'help'];
  test.each<[string, string[]]>([
    ['regster', ['register']],
    ['registr', ['register']],
    ['bogus', []],
    ['frobnicate', []],
    ['lgout', ['logout']],
    ['logn', ['login']],
    ['atach', ['attach']],
    ['regsitires', ['registries']],
    ['xyz', []],
  ])('%s -> %j', (word, expected) => expect(closeMatches(word, commands)).toEqual(expected));
});
