// A run defines only the command it names: the other command modules are neither loaded nor defined.
import { invokedCommand } from '../../src/cli/program';

describe('the command a run names is found past the global options, which may take values', () => {
  test.each([
    [['push', 'img:1', '--service', 's'], 'push'],
    [['--json', 'register', 'x'], 'register'],
    [['--project', 'push', 'register', 'x'], 'register'],
    [['--profile', 'ci', '--control-plane', 'http://x', 'ci', 'show'], 'ci'],
    [['-q', '--no-color', 'artifacts', 'list'], 'artifacts'],
    [['--help'], null],
    [[], null],
    [['frobnicate'], null],
    [['help', 'push'], null],
    [['__complete', 'services'], null],
    [['completion', 'bash'], null],
    [['--', 'push'], null],
  ] as Array<[string[], string | null]>)('%j -> %s', (argv, expected) => {
    expect(invokedCommand(argv)).toBe(expected);
  });
});
