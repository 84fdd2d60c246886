// facetsctl history: registrations, promotions, attaches, detaches and configuration changes, newest first.
import { MODES, ok, openAttachProject, type AttachProject } from './attach-fixture';

interface Event {
  kind: string;
  resourceName: string | null;
  environment: string | null;
  revision: number | null;
  at: string;
  by: string;
  summary: string;
}

describe.each(MODES)('facetsctl history --service S [--environment E] (%s control plane)', (mode) => {
  let p: AttachProject;
  // What the scenario did, oldest first: [kind, environment].
  const done: Array<[string, string | null]> = [];
  beforeAll(async () => {
    p = await openAttachProject(mode, 'history');
    const image = (tag: string) => `${p.openHost}/${p.repository}:${tag}`;
    for (const tag of ['1.0.0', '2.0.0']) await p.upload(tag);
    // Project level: listed in every service's history, as it applies to every service on PROJECT_CI.
    ok(await p.cli(['--json', 'ci', 'configure', '--registration-type', 'RELEASE_STREAM', '--branch-rule', 'main=QA']));
    done.push(['CONFIG_CHANGED', null]);
    // Service level: the service's own change, and its switch to SERVICE_CI.
    ok(await p.cli(['--json', 'ci', 'configure', '-s', 'checkout', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev', '--promotion', 'dev,staging,production']));
    done.push(['CONFIG_CHANGED', null], ['STRATEGY_CHANGED', null]);
    ok(await p.cli(['--json', 'register', image('1.0.0'), '-s', 'checkout', '--git-ref', 'main']));
    done.push(['REGISTERED', 'dev']);
    ok(await p.cli(['--json', 'promote', '-s', 'checkout', '--from', 'dev']));
    done.push(['PROMOTED', 'staging']);
    ok(await p.cli(['--json', 'attach', image('2.0.0'), '-s', 'checkout', '-e', 'production']));
    done.push(['ATTACHED', 'production']);
    ok(await p.cli(['--json', 'detach', '-s', 'checkout', '-e', 'production']));
    done.push(['DETACHED', 'production']);
  });
  afterAll(async () => {
    await p?.close();
  });

  test('registrations, promotions, attaches, detaches and configuration changes, newest first, with --json', async () => {
    const out = ok(await p.cli(['--json', 'history', '--service', 'checkout']));
    expect(out).toMatchObject({ project: 'shop', service: 'checkout', environment: null, total: done.length, offset: 0 });
    const events = out.events as Event[];
    expect(events.map((e) => [e.kind, e.environment])).toEqual([...done].reverse());
    const times = events.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const detach = events[0];
    expect(detach).toMatchObject({ kind: 'DETACHED', environment: 'production', revision: 2, by: mode === 'serve' ? 'admin' : expect.any(String) });
    expect(events[1]).toMatchObject({ kind: 'ATTACHED', environment: 'production', revision: 1 });
    const projectLevel = events.at(-1)!;
    expect(projectLevel).toMatchObject({ kind: 'CONFIG_CHANGED', resourceName: null, summary: expect.stringMatching(/^CI\/CD configuration of project created .*; applies to every service on PROJECT_CI$/) });
  });

  test('--environment keeps the events of that environment', async () => {
    const events = ok(await p.cli(['--json', 'history', '-s', 'checkout', '--environment', 'production'])).events as Event[];
    expect(events.map((e) => [e.kind, e.revision])).toEqual([['DETACHED', 2], ['ATTACHED', 1]]);
  });

  test('--environment lists an image registered or promoted to that environment', async () => {
    const dev = ok(await p.cli(['--json', 'history', '-s', 'checkout', '--environment', 'dev']));
    expect(dev).toMatchObject({ environment: 'dev', total: 1, events: [{ kind: 'REGISTERED', environment: 'dev', summary: expect.stringMatching(/ to dev$/) }] });
    const staging = ok(await p.cli(['--json', 'history', '-s', 'checkout', '-e', 'staging']));
    expect(staging).toMatchObject({ total: 1, events: [{ kind: 'PROMOTED', environment: 'staging', summary: expect.stringMatching(/ from dev to staging$/) }] });
  });

  test('--kind filters (repeatable, comma-separated, any case); --limit/--offset page', async () => {
    const kinds = ok(await p.cli(['--json', 'history', '-s', 'checkout', '--kind', 'registered,promoted', '--kind', 'CONFIG_CHANGED'])).events as Event[];
    expect(kinds.map((e) => e.kind)).toEqual(['PROMOTED', 'REGISTERED', 'CONFIG_CHANGED', 'CONFIG_CHANGED']);
    const page = ok(await p.cli(['--json', 'history', '-s', 'checkout', '--limit', '2', '--offset', '1']));
    // newest first: DETACHED, ATTACHED, PROMOTED, ...
    expect(page).toMatchObject({ total: done.length, limit: 2, offset: 1 });
    expect((page.events as Event[]).map((e) => e.kind)).toEqual(['ATTACHED', 'PROMOTED']);
  });

  test('human output: one line per event, newest first', async () => {
    const r = await p.cli(['history', '-s', 'checkout']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^AT\s+KIND\s+ENVIRONMENT\s+REV\s+BY\s+WHAT$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[1])).toEqual([...done].reverse().map(([kind]) => kind));
  });

  test.each([
    ['history', '--offset', '99999999999999999999'],
    ['history', '--offset', '9007199254740993'],
    ['history', '--limit', '99999999999999999999'],
    ['artifacts list', '--offset', '99999999999999999999'],
    ['artifacts list', '--offset', '9007199254740993'],
    ['artifacts list', '--limit', '9007199254740993'],
  ])('%s %s %s: exit 2 naming the flag, never rounded, never a database error', async (command, flag, value) => {
    const r = await p.cli(['--json', ...command.split(' '), '-s', 'checkout', flag, value]);
    expect(r.code).toBe(2);
    expect(r.json().error).toMatchObject({ code: 'USAGE', message: `${flag} ${value} is too large (at most 9007199254740991: a bigger number would be rounded)` });
  });

  test('--offset 9007199254740991 (Number.MAX_SAFE_INTEGER) is a valid, empty page', async () => {
    for (const command of [['history'], ['artifacts', 'list']]) {
      const out = ok(await p.cli(['--json', ...command, '-s', 'checkout', '--offset', '9007199254740991']));
      expect(out).toMatchObject({ offset: 9007199254740991, total: expect.any(Number) });
    }
  });

  test.each([
    ['-e', 'nosuch', 'environment "nosuch" does not exist in project shop (known: dev, staging, production)', '--environment'],
    ['-e', 'QA', 'environment "QA" does not exist in project shop (known: dev, staging, production)', '--environment'],
    ['-r', 'nosuch', 'release stream "nosuch" does not exist in project shop (known: QA, PRODUCTION)', '--release-stream'],
    ['-r', 'dev', 'release stream "dev" does not exist in project shop (known: QA, PRODUCTION)', '--release-stream'],
  ])('artifacts list %s %s: exit 4 NOT_FOUND listing the known ones, not an empty list', async (flag, value, message, hintFlag) => {
    const r = await p.cli(['--json', 'artifacts', 'list', '-s', 'checkout', flag, value]);
    expect(r.code).toBe(4);
    expect(r.json().error).toMatchObject({ code: 'NOT_FOUND', message, hint: expect.stringContaining(hintFlag) });
  });

  test('artifacts list -e dev lists what was registered to dev', async () => {
    const out = ok(await p.cli(['--json', 'artifacts', 'list', '-s', 'checkout', '-e', 'dev']));
    expect(out).toMatchObject({ total: 1, items: [{ registrationValue: 'dev' }] });
  });

  test.each([
    ['unknown kind', ['--kind', 'deployed'], 2, 'USAGE', /unknown history kind DEPLOYED/],
    ['unknown environment', ['-e', 'qa'], 4, 'NOT_FOUND', /qa/],
    ['unknown service', ['-s', 'billing'], 4, 'NOT_FOUND', /service "billing" is not a service of project shop/],
  ] as Array<[string, string[], number, string, RegExp]>)('bad input: %s', async (_name, args, code, kind, message) => {
    const r = await p.cli(['--json', 'history', '-s', 'checkout', ...args]);
    expect(r.code).toBe(code);
    expect(r.json().error.code).toBe(kind);
    expect(r.json().error.message).toMatch(message);
  });
});
