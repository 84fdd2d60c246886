// facetsctl ci configure / show / reset on the embedded control plane.
import fs from 'node:fs';
import path from 'node:path';
import { EXIT_CODES } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { putImage, uniqueRepo } from './images';
import { makeWorkspace, shopBlueprint, type Workspace } from './run-cli';

const open = getInfra().registries.open;
const blueprint = shopBlueprint([
  { name: 'open', uri: open.host },
  { name: 'facets-config-auto', uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com', internal: true },
]);

let ws: Workspace;
beforeEach(() => {
  ws = makeWorkspace(blueprint);
});
afterEach(() => ws.remove());

const configure = (...args: string[]) => ws.run(['--json', 'ci', 'configure', ...args]);

describe('ci configure sets the project-level CI/CD: registration type, strategy, rules, promotion, image version policy', () => {
  test('SIMPLE branch rules become BRANCH_NAME criteria in priority order', async () => {
    const r = await configure('--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev', '--branch-rule', 'release/*=staging', '--promotion', 'dev,staging,production');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out.ciConfig).toMatchObject({
      project: 'shop',
      mode: 'CUSTOM',
      config: {
        registrationType: 'ENVIRONMENT',
        ciStrategy: 'SIMPLE',
        routingRules: [
          { metadataKey: 'BRANCH_NAME', operator: 'EQUALS', value: 'main', routeTo: 'dev', priority: 0 },
          { metadataKey: 'BRANCH_NAME', operator: 'STARTS_WITH', value: 'release/', routeTo: 'staging', priority: 1 },
        ],
        promotionHierarchy: ['dev', 'staging', 'production'],
      },
    });
    expect(out.command).toBe("facetsctl ci configure --registration-type ENVIRONMENT --branch-rule main=dev --branch-rule 'release/*=staging' --promotion dev,staging,production");
  });

  test('--rule makes the strategy ADVANCED; policy flags set the image version policy', async () => {
    const r = await configure(
      '--registration-type', 'RELEASE_STREAM',
      '--rule', 'TEAM EQUALS payments => QA priority 5',
      '--rule', 'BRANCH_NAME STARTS_WITH hotfix/ => PRODUCTION priority 1',
      '--tag-pattern', '^v?[0-9]+\\.[0-9]+\\.[0-9]+$',
      '--deny-tag', 'latest',
      '--promoted-only', 'PRODUCTION',
    );
    expect(r.code).toBe(0);
    expect(r.json().ciConfig.config).toMatchObject({
      registrationType: 'RELEASE_STREAM',
      ciStrategy: 'ADVANCED',
      routingRules: [
        { metadataKey: 'TEAM', operator: 'EQUALS', value: 'payments', routeTo: 'QA', priority: 5 },
        { metadataKey: 'BRANCH_NAME', operator: 'STARTS_WITH', value: 'hotfix/', routeTo: 'PRODUCTION', priority: 1 },
      ],
      policy: { tagPattern: '^v?[0-9]+\\.[0-9]+\\.[0-9]+$', deniedTags: ['latest'], promotedOnly: ['PRODUCTION'] },
    });
  });

  test('--from-file reads a CI/CD YAML file; flags given too win', async () => {
    ws.write('ci.yaml', 'registrationType: ENVIRONMENT\nbranchRules:\n  main: dev\npromotion: [dev, production]\n');
    const r = await configure('--from-file', 'ci.yaml', '--promotion', 'dev,staging,production');
    expect(r.code).toBe(0);
    expect(r.json().ciConfig.config).toMatchObject({ registrationType: 'ENVIRONMENT', routingRules: [{ value: 'main', routeTo: 'dev' }], promotionHierarchy: ['dev', 'staging', 'production'] });
  });

  test('a bad CI/CD file names the file, line and column', async () => {
    ws.write('ci.yaml', 'registrationType: ENVIRONMENT\nbranchRules:\n  main: qa\n');
    const r = await configure('--from-file', 'ci.yaml');
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.json().error.message).toMatch(/ci\.yaml:3:\d+: .*qa/);
  });
});

describe('registration type cannot be changed without a reset, which deletes the routing rules and the promotion workflow', () => {
  beforeEach(async () => {
    expect((await configure('--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev', '--promotion', 'dev,production')).code).toBe(0);
  });

  test('changing it without --reset is a CONFLICT', async () => {
    const r = await configure('--registration-type', 'RELEASE_STREAM', '--branch-rule', 'main=QA');
    expect(r.code).toBe(EXIT_CODES.CONFLICT);
    expect(r.json().error).toMatchObject({ code: 'CONFLICT', message: 'registration type is ENVIRONMENT and cannot be changed to RELEASE_STREAM without a reset' });
    const show = await ws.run(['--json', 'ci', 'show']);
    expect(show.json().ciConfig.config.registrationType).toBe('ENVIRONMENT');
  });

  test('--reset when not interactive needs --yes (USAGE), and changes nothing', async () => {
    const r = await configure('--registration-type', 'RELEASE_STREAM', '--branch-rule', 'main=QA', '--reset');
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.json().error.message).toMatch(/needs confirmation: pass --yes when not running interactively/);
    const show = await ws.run(['--json', 'ci', 'show']);
    expect(show.json().ciConfig.config).toMatchObject({ registrationType: 'ENVIRONMENT', promotionHierarchy: ['dev', 'production'] });
  });

  test('--reset --yes says what it deletes, then sets the new type', async () => {
    const human = await ws.run(['--yes', 'ci', 'configure', '--registration-type', 'RELEASE_STREAM', '--branch-rule', 'main=QA', '--reset']);
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/deletes its routing rules \(1\) and its promotion workflow \(dev -> production\)/);
    expect(human.stdout).toMatch(/Reset: deleted 1 routing rule\(s\) and the promotion workflow/);
    expect(human.stdout).toMatch(/registration type +RELEASE_STREAM/);
  });

  test('ci reset --yes deletes them; afterwards the type can be set anew', async () => {
    const refused = await ws.run(['--json', 'ci', 'reset']);
    expect(refused.code).toBe(EXIT_CODES.USAGE);
    const r = await ws.run(['--json', '--yes', 'ci', 'reset']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ project: 'shop', service: null, deletedRoutingRules: 1, deletedPromotionWorkflow: true });
    expect((await configure('--registration-type', 'RELEASE_STREAM', '--branch-rule', 'main=QA')).code).toBe(0);
  });
});

describe('service strategies: PROJECT_CI inherits live, SERVICE_CI has its own config, MANUAL has none', () => {
  beforeEach(async () => {
    expect((await configure('--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev')).code).toBe(0);
  });

  test('a service inherits the project configuration, and follows later project changes', async () => {
    const before = await ws.run(['--json', 'ci', 'show', '--service', 'cart']);
    expect(before.json().ciConfig).toMatchObject({ mode: 'INHERITED', strategy: 'PROJECT_CI', config: { routingRules: [{ routeTo: 'dev' }] } });
    await configure('--branch-rule', 'main=staging');
    const after = await ws.run(['--json', 'ci', 'show', '--service', 'cart']);
    expect(after.json().ciConfig.config.routingRules).toEqual([expect.objectContaining({ routeTo: 'staging' })]);
  });

  test('service-level configuration overrides the project for that service only', async () => {
    const r = await configure('--service', 'checkout', '--registration-type', 'RELEASE_STREAM', '--branch-rule', 'main=QA');
    expect(r.code).toBe(0);
    expect(r.json().ciConfig).toMatchObject({ service: 'checkout', mode: 'CUSTOM', strategy: 'SERVICE_CI', config: { registrationType: 'RELEASE_STREAM' } });
    const cart = await ws.run(['--json', 'ci', 'show', '-s', 'cart']);
    expect(cart.json().ciConfig.config.registrationType).toBe('ENVIRONMENT');
  });

  test('--strategy manual: no CI/CD, and register is refused with a CONFLICT pointing to attach', async () => {
    const r = await configure('--service', 'checkout', '--strategy', 'manual');
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ strategy: 'MANUAL', ciConfig: { strategy: 'MANUAL', mode: 'NONE' } });
    const repo = uniqueRepo('manual');
    await putImage('open', repo, '1.0.0');
    const reg = await ws.run(['--json', 'register', `${open.host}/${repo}:1.0.0`, '-s', 'checkout', '--git-ref', 'main']);
    expect(reg.code).toBe(EXIT_CODES.CONFLICT);
    expect(reg.json().error.message).toMatch(/manual attach/);
  });

  test('--strategy with CI/CD settings, or without --service, is a usage error', async () => {
    const a = await configure('--strategy', 'manual');
    expect(a.code).toBe(EXIT_CODES.USAGE);
    expect(a.json().error.message).toBe('--strategy applies to one service: pass --service');
    const b = await configure('--service', 'cart', '--strategy', 'project', '--branch-rule', 'main=dev');
    expect(b.code).toBe(EXIT_CODES.USAGE);
    expect(b.json().error.hint).toMatch(/drop --service/);
  });
});

describe('the image version policy refuses registrations that break it, naming the rule', () => {
  test('a denied tag is refused with POLICY and nothing is registered', async () => {
    await configure('--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev', '--deny-tag', 'latest');
    const repo = uniqueRepo('latest');
    await putImage('open', repo, 'latest');
    const r = await ws.run(['--json', 'register', `${open.host}/${repo}:latest`, '-s', 'checkout', '--git-ref', 'main']);
    expect(r.code).toBe(EXIT_CODES.POLICY);
    expect(r.json().error.message).toMatch(/latest/);
    const list = await ws.run(['--json', 'artifacts', 'list', '-s', 'checkout']);
    expect(list.json().total).toBe(0);
  });
});

describe('ci show prints the effective configuration and, per registry, the ready-to-paste `facetsctl push` line', () => {
  test('push lines for every non-internal registry of the service', async () => {
    await configure('--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev');
    const json = await ws.run(['--json', 'ci', 'show', '--service', 'checkout']);
    expect(json.code).toBe(0);
    expect(json.json().push).toEqual([{ registry: 'open', uri: open.host, command: 'facetsctl push DOCKER_IMAGE_URL --project shop --service checkout --registry open' }]);
    expect(json.json().ciConfig.ciName).toMatch(/^shop-checkout-[a-z0-9]{8}$/);
    const human = await ws.run(['ci', 'show', '--service', 'checkout']);
    expect(human.stdout).toContain('facetsctl push DOCKER_IMAGE_URL --project shop --service checkout --registry open');
    expect(human.stdout).toMatch(/ciName +shop-checkout-[a-z0-9]{8} +\(image: \$\{blueprint\.self\.artifacts\.shop-checkout-[a-z0-9]{8}\}\)/);
    expect(human.stdout).not.toContain('facets-config-auto');
  });
});

describe('ci configure bad input: each a clear message, the documented exit code, nothing changed', () => {
  const cases: Array<[string, string[], number, RegExp]> = [
    ['nothing given when not interactive', [], EXIT_CODES.USAGE, /nothing to configure when not running interactively/],
    ['first configuration without a registration type', ['--branch-rule', 'main=dev'], EXIT_CODES.USAGE, /registration type is required the first time/],
    ['bad registration type', ['--registration-type', 'CLUSTER'], EXIT_CODES.USAGE, /--registration-type "CLUSTER" is invalid \(use ENVIRONMENT or RELEASE_STREAM\)/],
    ['bad CI strategy', ['--registration-type', 'ENVIRONMENT', '--ci-strategy', 'FANCY'], EXIT_CODES.USAGE, /--ci-strategy "FANCY" is invalid/],
    ['branch rule without a target', ['--registration-type', 'ENVIRONMENT', '--branch-rule', 'main'], EXIT_CODES.USAGE, /expected PATTERN=TARGET/],
    ['branch pattern with an inner *', ['--registration-type', 'ENVIRONMENT', '--branch-rule', 'a*b=dev'], EXIT_CODES.USAGE, /invalid branch pattern "a\*b"/],
    ['rule target of the wrong kind', ['--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=QA'], EXIT_CODES.USAGE, /QA/],
    ['bad advanced rule', ['--registration-type', 'ENVIRONMENT', '--rule', 'BRANCH_NAME LIKE x => dev'], EXIT_CODES.USAGE, /LIKE/],
    ['unknown promotion level', ['--registration-type', 'ENVIRONMENT', '--promotion', 'dev,qa'], EXIT_CODES.USAGE, /qa/],
    ['bad tag pattern', ['--registration-type', 'ENVIRONMENT', '--tag-pattern', '(['], EXIT_CODES.USAGE, /\(\[/],
    ['missing CI/CD file', ['--from-file', 'nope.yaml'], EXIT_CODES.NOT_FOUND, /nope\.yaml does not exist/],
    ['unknown service', ['--service', 'payments', '--registration-type', 'ENVIRONMENT'], EXIT_CODES.NOT_FOUND, /payments/],
  ];
  test.each(cases)('%s', async (_name, args, code, message) => {
    const r = await configure(...args);
    expect(r.code).toBe(code);
    expect(r.json().error.message).toMatch(message);
    const show = await ws.run(['--json', 'ci', 'show']);
    expect(show.json().ciConfig.config).toBeNull();
    expect(fs.existsSync(path.join(ws.dir, 'facets.yaml'))).toBe(true);
  });
});

describe('the promotion hierarchy has at least one level; removing it is explicit (--no-promotion)', () => {
  beforeEach(async () => {
    expect((await configure('--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev', '--promotion', 'dev,staging,production')).code).toBe(0);
  });
  test.each([[''], [','], [' , ']])('--promotion %j is a usage error that says what to pass, and changes nothing', async (value) => {
    const r = await configure('--promotion', value);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.json().error.message).toContain('--promotion needs at least one level');
    expect(r.json().error.hint).toContain('--no-promotion');
    expect((await ws.run(['--json', 'ci', 'show'])).json().ciConfig.config.promotionHierarchy).toEqual(['dev', 'staging', 'production']);
  });
  test('--no-promotion removes the promotion workflow, keeps the routing rules, and is the equivalent command', async () => {
    const r = await configure('--no-promotion');
    expect(r.code).toBe(0);
    expect(r.json().ciConfig.config).toMatchObject({ promotionHierarchy: [], routingRules: [expect.objectContaining({ routeTo: 'dev' })] });
    expect(r.json().command).toBe('facetsctl ci configure --no-promotion');
  });
});

describe('a configure that changes nothing stores nothing and records no event', () => {
  const configChanges = async (service?: string) => {
    const events = (await ws.run(['--json', 'history', '-s', service ?? 'checkout', '--kind', 'CONFIG_CHANGED'])).json().events;
    return events.filter((e: { resourceName: string | null }) => e.resourceName === (service ?? null)).length;
  };
  test('the same project-level settings twice: one CONFIG_CHANGED event; the second says changed: false', async () => {
    const args = ['--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev', '--promotion', 'dev,staging', '--deny-tag', 'latest'];
    expect((await configure(...args)).json().changed).toBe(true);
    const again = await configure(...args);
    expect(again.code).toBe(0);
    expect(again.json().changed).toBe(false);
    expect(await configChanges()).toBe(1);
    const human = await ws.run(['ci', 'configure', ...args]);
    expect(human.stderr).toContain('No change: the CI/CD configuration of project shop already is this.');
    expect(await configChanges()).toBe(1);
    expect((await configure('--promotion', 'dev,staging,production')).json().changed).toBe(true);
    expect(await configChanges()).toBe(2);
  });
  test('the same service-level settings twice: one CONFIG_CHANGED event', async () => {
    const args = ['--service', 'cart', '--strategy', 'service', '--registration-type', 'RELEASE_STREAM', '--branch-rule', 'main=QA'];
    expect((await configure(...args)).json().changed).toBe(true);
    expect((await configure(...args)).json().changed).toBe(false);
    expect(await configChanges('cart')).toBe(1);
  });
});
