// On a terminal, missing values are asked (inquirer); with CI set, never: an error instead of a hang.
import fs from 'node:fs';
import path from 'node:path';
import { EXIT_CODES } from '../../src/core/errors';
import { DOWN, ENTER, runOnTerminal } from './pty';
import { makeWorkspace, shopBlueprint, startServe, type Workspace } from './run-cli';

let ws: Workspace;
beforeEach(() => {
  ws = makeWorkspace(shopBlueprint());
});
afterEach(() => ws.remove());

describe('ci configure on a terminal with nothing given asks, then prints the equivalent one-line command', () => {
  test('project level, ENVIRONMENT, SIMPLE, a branch rule, promotion and a denied tag', async () => {
    const r = await runOnTerminal(ws, ['ci', 'configure'], [
      [/\? Configure/, ENTER],
      [/\? Registration type/, ENTER],
      [/\? CI strategy/, ENTER],
      [/\? Branch rules/, `main=dev,release/*=staging${ENTER}`],
      [/\? Promotion hierarchy[^\n]*\n?[^\n]*\(dev,staging,production\)/, ENTER],
      [/\? Tags to refuse/, `latest${ENTER}`],
    ]);
    expect(r.code).toBe(0);
    expect(r.screen).toContain("facetsctl ci configure --registration-type ENVIRONMENT --ci-strategy SIMPLE --branch-rule main=dev --branch-rule 'release/*=staging' --promotion dev,staging,production --deny-tag latest");
    const show = await ws.run(['--json', 'ci', 'show']);
    expect(show.json().ciConfig.config).toMatchObject({ registrationType: 'ENVIRONMENT', promotionHierarchy: ['dev', 'staging', 'production'], policy: { deniedTags: ['latest'] } });
  });

  test('a service set to manual attach', async () => {
    const r = await runOnTerminal(ws, ['ci', 'configure'], [
      [/\? Configure/, `${DOWN}${ENTER}`],
      [/\? Image strategy/, `${DOWN}${DOWN}${ENTER}`],
    ]);
    expect(r.code).toBe(0);
    expect(r.screen).toContain('facetsctl ci configure --service checkout --strategy manual');
    const show = await ws.run(['--json', 'ci', 'show', '-s', 'checkout']);
    expect(show.json().ciConfig.strategy).toBe('MANUAL');
  });
});

describe('--reset asks for confirmation on a terminal', () => {
  beforeEach(async () => {
    expect((await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev'])).code).toBe(0);
  });
  test('answering no cancels (exit 10) and changes nothing', async () => {
    const r = await runOnTerminal(ws, ['ci', 'configure', '--registration-type', 'RELEASE_STREAM', '--branch-rule', 'main=QA', '--reset'], [[/Reset the CI\/CD configuration of project shop\?/, `n${ENTER}`]]);
    expect(r.code).toBe(EXIT_CODES.CANCELLED);
    expect(r.screen).toMatch(/error: reset of the CI\/CD configuration of project shop cancelled/);
    expect((await ws.run(['--json', 'ci', 'show'])).json().ciConfig.config.registrationType).toBe('ENVIRONMENT');
  });
  test('answering yes resets and applies the new type', async () => {
    const r = await runOnTerminal(ws, ['ci', 'configure', '--registration-type', 'RELEASE_STREAM', '--branch-rule', 'main=QA', '--reset'], [[/Reset the CI\/CD configuration of project shop\?/, `y${ENTER}`]]);
    expect(r.code).toBe(0);
    expect((await ws.run(['--json', 'ci', 'show'])).json().ciConfig.config.registrationType).toBe('RELEASE_STREAM');
  });
});

describe('a missing --service is chosen from a list on a terminal', () => {
  test('artifacts list asks for the service', async () => {
    await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev']);
    const r = await runOnTerminal(ws, ['artifacts', 'list'], [[/\? Service/, `${DOWN}${ENTER}`]]);
    expect(r.code).toBe(0);
    expect(r.screen).toContain('No artifacts for cart');
  });
});

describe('with CI set there is no prompt even on a terminal: a usage error instead', () => {
  test('ci configure with nothing given', async () => {
    const r = await runOnTerminal(ws, ['ci', 'configure'], [], { CI: 'true' });
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.screen).toContain('nothing to configure when not running interactively');
  });
  test('artifacts list without --service', async () => {
    const r = await runOnTerminal(ws, ['artifacts', 'list'], [], { CI: '1' });
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.screen).toContain('--service is required when not running interactively');
  });
});

describe('login on a terminal asks for what is missing; the token prompt is masked', () => {
  test('URL, username and token asked; the token never shows', async () => {
    const server = makeWorkspace(shopBlueprint());
    const serve = await startServe(server);
    try {
      const r = await runOnTerminal(ws, ['login'], [
        [/\? Control plane URL/, `${serve.url}${ENTER}`],
        [/\? Username/, `admin${ENTER}`],
        [/\? Personal access token/, `${serve.adminToken}${ENTER}`],
      ]);
      expect(r.code).toBe(0);
      expect(r.screen).toContain(`Logged in to ${serve.url} as admin`);
      expect(r.screen).not.toContain(serve.adminToken);
      expect(r.screen).toMatch(/\? Personal access token \*{8,}/);
      expect(fs.readFileSync(path.join(ws.home, '.facets', 'credentials'), 'utf8')).toContain(`token = ${serve.adminToken}`);
    } finally {
      await serve.stop();
      server.remove();
    }
  });
});

describe('color on a terminal only: not with --no-color, NO_COLOR, CI or --json', () => {
  const BOLD = '\x1b[1m';
  test('a terminal gets color', async () => {
    const r = await runOnTerminal(ws, ['ci', 'show'], []);
    expect(r.code).toBe(0);
    expect(r.raw).toContain(`${BOLD}CI/CD`);
  });
  test.each<[string, string[], Record<string, string>]>([
    ['--no-color', ['--no-color'], {}],
    ['NO_COLOR=1', [], { NO_COLOR: '1' }],
    ['CI=true', [], { CI: 'true' }],
    ['--json', ['--json'], {}],
  ])('%s: no escape codes', async (_name, flags, env) => {
    const r = await runOnTerminal(ws, [...flags, 'ci', 'show'], [], env);
    expect(r.code).toBe(0);
    expect(r.raw).not.toContain(BOLD);
  });
});

describe('the wizard: answering no to the reset a new registration type needs cancels the whole command', () => {
  test('exit 10, the configuration unchanged, no event', async () => {
    expect((await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev'])).code).toBe(0);
    const r = await runOnTerminal(ws, ['ci', 'configure'], [
      [/\? Configure/, ENTER],
      [/\? Registration type/, `${DOWN}${ENTER}`],
      [/\? Changing the registration type needs a reset[\s\S]*Reset\?/, `n${ENTER}`],
    ]);
    expect(r.code).toBe(EXIT_CODES.CANCELLED);
    expect(r.screen).toContain('error: ci configure cancelled: the registration type stays ENVIRONMENT; nothing was changed');
    expect((await ws.run(['--json', 'ci', 'show'])).json().ciConfig.config).toMatchObject({ registrationType: 'ENVIRONMENT', routingRules: [expect.objectContaining({ routeTo: 'dev' })] });
    expect((await ws.run(['--json', 'history', '-s', 'checkout'])).json().total).toBe(1);
  });
  test('"none" as the promotion hierarchy removes the workflow, and the equivalent command says --no-promotion', async () => {
    expect((await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev', '--promotion', 'dev,staging'])).code).toBe(0);
    const r = await runOnTerminal(ws, ['ci', 'configure'], [
      [/\? Configure/, ENTER],
      [/\? Registration type/, ENTER],
      [/\? CI strategy/, ENTER],
      [/\? Branch rules/, ENTER],
      [/\? Promotion hierarchy[^\n]*\n?[^\n]*none: no promotion\) \(dev,staging\)/, `none${ENTER}`],
      [/\? Tags to refuse/, ENTER],
    ]);
    expect(r.code).toBe(0);
    expect(r.screen).toContain('facetsctl ci configure --registration-type ENVIRONMENT --ci-strategy SIMPLE --branch-rule main=dev --no-promotion');
    expect((await ws.run(['--json', 'ci', 'show'])).json().ciConfig.config.promotionHierarchy).toEqual([]);
  });
});
