// Hints name commands that work: each command a hint suggests is run as written (IMAGE filled in with a real image)
// and must not be refused as bad usage (2) or by the image version policy (6).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT_CODES } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { putImage, uniqueRepo } from './images';
import { makeWorkspace, repoRoot, shopBlueprint, type Workspace } from './run-cli';

const { open } = getInfra().registries;
const REFUSED = [EXIT_CODES.USAGE, EXIT_CODES.POLICY];

/** The `facetsctl ...` commands quoted in a hint or a reason, in order. */
function suggested(text: string): string[] {
  return [...text.matchAll(/`(facetsctl [^`]+)`/g)].map((m) => m[1]);
}

/** A suggested command as argv: IMAGE becomes `image`, ENVIRONMENT dev, a choice A|B its first alternative. */
function argv(command: string, image: string): string[] {
  const placeholders: Record<string, string> = { IMAGE: image, ENVIRONMENT: 'dev' };
  return command
    .split(' ')
    .slice(1)
    .map((word) => placeholders[word] ?? word.split('|')[0]);
}

async function newImage(tag: string): Promise<string> {
  const repo = uniqueRepo('hints');
  await putImage('open', repo, tag);
  return `${open.host}/${repo}:${tag}`;
}

let ws: Workspace;
beforeEach(() => {
  ws = makeWorkspace(shopBlueprint([{ name: 'open', uri: open.host }]));
});
afterEach(() => ws.remove());

/** Configures CI/CD, then shows the service's (which creates its CI integration: resolve then hints at the CI path). */
async function configure(...flags: string[]): Promise<void> {
  const r = await ws.run(['ci', 'configure', ...flags]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect((await ws.run(['ci', 'show', '--service', 'checkout'])).code).toBe(0);
}

/** Runs every command resolve suggests, in the order of the environments, then resolves again. */
async function followResolveHints(): Promise<{ commands: string[]; after: Array<{ environment: string; resolved: boolean; reason: string }> }> {
  const before = await ws.run(['--json', 'resolve', '--service', 'checkout']);
  expect(before.code).toBe(0);
  const commands = [...new Set(before.json().resolutions.flatMap((r: { reason: string }) => suggested(r.reason)))] as string[];
  for (const command of commands) {
    const r = await ws.run(argv(command, await newImage('1.0.0')));
    if (REFUSED.includes(r.code)) throw new Error(`\`${command}\` was refused with exit ${r.code}: ${r.stderr}`);
  }
  const after = await ws.run(['--json', 'resolve', '--service', 'checkout']);
  return { commands, after: after.json().resolutions };
}

describe('resolve: each hint names a command the policy accepts, and following them makes every environment resolve', () => {
  test('ENVIRONMENT, production takes only promoted artifacts: register to dev and staging, promote from staging to production', async () => {
    await configure('--registration-type', 'ENVIRONMENT', '--promotion', 'dev,staging,production', '--promoted-only', 'production');
    const { commands, after } = await followResolveHints();
    expect(commands).toEqual([
      'facetsctl register IMAGE --service checkout --environment dev',
      'facetsctl register IMAGE --service checkout --environment staging',
      'facetsctl promote --service checkout --from staging',
    ]);
    expect(after.map((r) => [r.environment, r.resolved])).toEqual([
      ['dev', true],
      ['staging', true],
      ['production', true],
    ]);
  });

  test('RELEASE_STREAM, PRODUCTION takes only promoted artifacts: register to QA, promote from QA', async () => {
    await configure('--registration-type', 'RELEASE_STREAM', '--promotion', 'QA,PRODUCTION', '--promoted-only', 'PRODUCTION');
    const { commands, after } = await followResolveHints();
    expect(commands).toEqual(['facetsctl register IMAGE --service checkout --release-stream QA', 'facetsctl promote --service checkout --from QA']);
    expect(after.every((r) => r.resolved)).toBe(true);
  });

  test('no promotion hierarchy: promote --to production from an environment that takes registrations', async () => {
    await configure('--registration-type', 'ENVIRONMENT', '--promoted-only', 'production');
    const { commands, after } = await followResolveHints();
    expect(commands).toContain('facetsctl promote --service checkout --from dev --to production');
    expect(after.every((r) => r.resolved)).toBe(true);
  });

  test('a MANUAL service: attach', async () => {
    await configure('--registration-type', 'ENVIRONMENT');
    await configure('--service', 'checkout', '--strategy', 'manual');
    const { commands, after } = await followResolveHints();
    expect(commands[0]).toBe('facetsctl attach IMAGE --service checkout --environment dev');
    expect(after.every((r) => r.resolved)).toBe(true);
  });

  test('no CI/CD configuration: attach, or configure CI/CD; neither is refused', async () => {
    const { commands } = await followResolveHints();
    expect(commands).toEqual(['facetsctl attach IMAGE --service checkout --environment dev', 'facetsctl ci configure --registration-type ENVIRONMENT|RELEASE_STREAM', 'facetsctl attach IMAGE --service checkout --environment staging', 'facetsctl attach IMAGE --service checkout --environment production']);
  });
});

describe('refusals name the command that works instead', () => {
  test('register to production, which takes only promoted artifacts: POLICY, and the hint (register to staging, then promote) works', async () => {
    await configure('--registration-type', 'ENVIRONMENT', '--promotion', 'dev,staging,production', '--promoted-only', 'production');
    const image = await newImage('1.0.0');
    const refused = await ws.run(['--json', 'register', image, '--service', 'checkout', '--environment', 'production']);
    expect(refused.code).toBe(EXIT_CODES.POLICY);
    const commands = suggested(refused.json().error.hint);
    expect(commands).toEqual(['facetsctl register IMAGE --service checkout --environment staging', 'facetsctl promote --service checkout --from staging']);
    for (const command of commands) expect((await ws.run(argv(command, image))).code).toBe(0);
    const production = await ws.run(['--json', 'resolve', '--service', 'checkout', '--environment', 'production']);
    expect(production.json().resolutions[0]).toMatchObject({ resolved: true, image: expect.stringContaining(image) });
  });

  test('promote --from a level that holds nothing: NOT_FOUND, and the hint puts one there as the policy allows', async () => {
    await configure('--registration-type', 'ENVIRONMENT', '--promotion', 'dev,staging,production', '--promoted-only', 'staging', '--promoted-only', 'production');
    const empty = await ws.run(['--json', 'promote', '--service', 'checkout', '--from', 'staging']);
    expect(empty.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(suggested(empty.json().error.hint)).toEqual(['facetsctl promote --service checkout --from dev']);
    const fromDev = await ws.run(['--json', 'promote', '--service', 'checkout', '--from', 'dev']);
    expect(suggested(fromDev.json().error.hint)).toEqual(['facetsctl register IMAGE --service checkout --environment dev']);
  });

  test('promote without a hierarchy: the hint sets one from the project\'s own release streams', async () => {
    await configure('--registration-type', 'RELEASE_STREAM');
    expect((await ws.run(['register', await newImage('1.0.0'), '--service', 'checkout', '--release-stream', 'QA'])).code).toBe(0);
    const r = await ws.run(['--json', 'promote', '--service', 'checkout', '--from', 'QA']);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    const [command] = suggested(r.json().error.hint);
    expect(command).toBe('facetsctl ci configure --promotion QA,PRODUCTION');
    expect((await ws.run(argv(command, ''))).code).toBe(0);
  });

  test('register for a MANUAL service: CONFLICT, and both suggested ways out (attach, switch the strategy) work', async () => {
    await configure('--registration-type', 'ENVIRONMENT');
    await configure('--service', 'checkout', '--strategy', 'manual');
    const image = await newImage('1.0.0');
    const refused = await ws.run(['--json', 'register', image, '--service', 'checkout', '--environment', 'dev']);
    expect(refused.code).toBe(EXIT_CODES.CONFLICT);
    const commands = suggested(refused.json().error.hint);
    expect(commands).toEqual(['facetsctl attach IMAGE --service checkout --environment ENVIRONMENT', 'facetsctl ci configure --service checkout --strategy project']);
    for (const command of commands) expect((await ws.run(argv(command, image))).code).toBe(0);
    expect((await ws.run(['register', image, '--service', 'checkout', '--environment', 'dev'])).code).toBe(0);
  });

  test('an unknown artifact id: the hint lists the service\'s artifacts', async () => {
    await configure('--registration-type', 'ENVIRONMENT', '--promotion', 'dev,staging,production');
    const r = await ws.run(['--json', 'promote', '--service', 'checkout', '--artifact', 'art_nosuch', '--to', 'staging']);
    expect(r.code).toBe(EXIT_CODES.NOT_FOUND);
    const [command] = suggested(r.json().error.hint);
    expect(command).toBe('facetsctl artifacts list --service checkout');
    expect((await ws.run(argv(command, ''))).code).toBe(0);
  });
});

describe('a hint names only flags the command has', () => {
  test('ci configure --from-file with a missing file: the hint names --from-file and a README section that exists', async () => {
    const r = await ws.run(['--json', 'ci', 'configure', '--from-file', 'nosuch.yaml']);
    expect(r.code).toBe(EXIT_CODES.NOT_FOUND);
    const help = (await ws.run(['ci', 'configure', '--help'])).stdout;
    const flags = r.json().error.hint.match(/--[a-z][a-z-]+/g) as string[];
    expect(flags).toEqual(['--from-file']);
    for (const flag of flags) expect(help).toContain(flag);
    const bad = ws.write('bad-ci.yaml', 'registrationType: SIDEWAYS\n');
    const invalid = await ws.run(['--json', 'ci', 'configure', '--from-file', bad]);
    const section = /see the README, "([^"]+)"/.exec(invalid.json().error.hint)?.[1];
    expect(section).toBeDefined();
    expect(readFileSync(path.join(repoRoot, 'README.md'), 'utf8')).toMatch(new RegExp(`^#+ ${section}$`, 'm'));
  });
});
