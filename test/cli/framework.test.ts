// The program itself: start-up cost, help, usage errors, the exit-code table, JSON error documents.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { EXIT_CODES } from '../../src/core/errors';
import { BIN, MAIN, makeWorkspace, repoRoot, type Workspace } from './run-cli';

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
});
afterAll(() => ws.remove());

function runMs(args: string[]): number {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('--version is fast: under 1.5x the wall time of `node -e 0`', () => {
  test('prints the package version', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const r = await ws.run([flag]);
      expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    }
  });
  test('median of 15 interleaved runs stays under 1.5x node -e 0', () => {
    // Interleaved, so that load from other test workers weighs on both sides alike.
    const node: number[] = [];
    const version: number[] = [];
    runMs(['-e', '0']);
    for (let i = 0; i < 15; i++) {
      node.push(runMs(['-e', '0']));
      version.push(runMs([BIN, '--version']));
    }
    expect(median(version)).toBeLessThan(median(node) * 1.5);
  });
});

describe('--help loads only commander and the command definitions', () => {
  const heavy = ['axios', 'fastify', 'dockerode', 'better-sqlite3', 'kysely', 'inquirer', 'ora', 'chalk', 'yaml'];
  test.each([[['--help']], [['register', '--help']], [['ci', 'configure', '--help']]])('facetsctl %j loads none of the heavy modules', (args) => {
    const record = path.join(ws.dir, `modules-${args.join('-')}.txt`);
    const r = spawnSync(process.execPath, ['--require', path.join(__dirname, 'fixtures', 'record-modules.js'), MAIN, ...args], {
      env: { PATH: process.env.PATH, HOME: ws.home, RECORD_MODULES_FILE: record },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const loaded = fs.readFileSync(record, 'utf8').split('\n');
    expect(loaded.some((m) => m.includes(`${path.sep}commander${path.sep}`))).toBe(true);
    const offending = loaded.filter((m) => heavy.some((h) => m.includes(`node_modules${path.sep}${h}${path.sep}`)) || /dist\/(api|controlplane|docker|registry)\//.test(m));
    expect(offending).toEqual([]);
  });
});

describe('every command has help with real examples', () => {
  const commands = [
    ['login'], ['logout'], ['whoami'], ['register'], ['resolve'], ['promote'], ['serve'],
    ['ci', 'configure'], ['ci', 'show'], ['ci', 'reset'], ['artifacts', 'list'],
    ['registries', 'list'], ['registries', 'repos'], ['registries', 'tags'],
  ];
  test.each(commands)('facetsctl %s %s --help shows "Examples:" with facetsctl command lines', async (...names) => {
    const r = await ws.run([...names.filter(Boolean), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:\n\s+\$ facetsctl /);
    expect(r.stderr).toBe('');
  });
});

describe('usage errors exit 2 with a message and a hint; with --json an error document on stdout', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown option', ['whoami', '--bogus'], /unknown option '--bogus'/],
    ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['missing argument', ['register'], /missing required argument 'image'/],
    ['option without its value', ['register', 'x', '--service'], /option '-s, --service <name>' argument missing/],
    ['bad integer', ['artifacts', 'list', '--service', 'checkout', '--limit', 'ten'], /--limit must be an integer >= 1 \(got "ten"\)/],
    ['group without a subcommand', ['ci'], /Usage: facetsctl ci/],
  ];
  test.each(cases)('%s', async (_name, args, message) => {
    const r = await ws.run(args);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
  test.each(cases.filter(([name]) => name !== 'group without a subcommand'))('%s with --json', async (_name, args, message) => {
    const r = await ws.run(['--json', ...args]);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    const doc = r.json();
    expect(Object.keys(doc)).toEqual(['error']);
    expect(doc.error.code).toBe('USAGE');
    expect(doc.error.message).toMatch(message);
    expect(doc.error.hint).toMatch(/--help|e\.g\. --limit 20/);
  });
});

describe('no blueprint and no remote control plane: NOT_FOUND with a hint, never 0', () => {
  test('whoami in an empty directory', async () => {
    const r = await ws.run(['whoami']);
    expect(r.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(r.stderr).toMatch(/^error: no facets\.yaml found in /m);
    expect(r.stderr).toMatch(/^hint: .*--blueprint/m);
  });
  test('an explicit --profile that does not exist', async () => {
    const r = await ws.run(['--json', '--profile', 'nope', 'whoami']);
    expect(r.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(r.json().error).toMatchObject({ code: 'NOT_FOUND', hint: 'run `facetsctl login --profile nope`' });
  });
});

describe('"Did you mean …?" only for a near miss: a typo gets the command or option, a far-off word gets nothing', () => {
  test.each<[string[], string | null]>([
    [['regster'], 'register'],
    [['histroy'], 'history'],
    [['pus'], 'push'],
    [['ci', 'confgure'], 'configure'],
    [['--jsn', 'ci', 'show'], '--json'],
    [['push', 'x', '--servce', 'checkout'], '--service'],
    [['bogus'], null],
    [['frobnicate'], null],
    [['ci', 'xyz'], null],
    [['push', 'x', '--zzz'], null],
  ])('facetsctl %j', async (args, suggested) => {
    const r = await ws.run(args);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    if (suggested === null) expect(r.stderr).not.toContain('Did you mean');
    else expect(r.stderr).toContain(`(Did you mean ${suggested}?)`);
    // One error line, one hint line: commander's line break is not shown as a literal \n.
    expect(r.stderr).not.toContain('\\n');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(2);
  });
});

describe('help examples use values of the form the control plane gives', () => {
  test('promote --help names an artifact by an id shaped like a real one (art_ and 21 characters)', async () => {
    const help = await ws.run(['promote', '--help']);
    expect(help.stdout).toMatch(/\$ facetsctl promote [^\n]*--artifact art_[0-9a-z]{21} /);
    expect(help.stdout).not.toMatch(/--artifact \d/);
  });
});
