// A stale write is refused against what the CLI read: `ci configure` and `ci reset` name the revision they read
// (If-Match on serve's paths), so a change another client made between the CLI's read and its write stays whole.
import { HttpControlPlane } from '../../src/api/http-client';
import { EXIT_CODES } from '../../src/core/errors';
import { startFaultProxy, type FaultProxy } from '../support/proxy';
import { ENTER, runOnTerminal } from './pty';
import { makeWorkspace, shopBlueprint, startServe, type ServeProcess, type Workspace } from './run-cli';

const CI = 'ci:\n  registrationType: ENVIRONMENT\n  promotion: [dev, staging, production]\n';
const PROJECT_CI_CD = /^\/cc-ui\/v1\/facetsctl\/stacks\/shop\/ci-cd$/;
const SERVICE_CI_CD = /^\/cc-ui\/v1\/facetsctl\/stacks\/shop\/resources\/checkout\/ci-cd$/;
const STALE = /changed meanwhile: admin saved it at \S+ \(revision \d+\), after this command read revision \d+; nothing was written; run the command again/;

let server: Workspace;
let serve: ServeProcess;
let client: Workspace;
let other: HttpControlPlane;
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  server = makeWorkspace(shopBlueprint([], CI));
  serve = await startServe(server);
  other = new HttpControlPlane({ baseUrl: serve.url, username: 'admin', token: serve.adminToken, retries: 0 });
});
afterAll(async () => {
  await serve?.stop();
  server?.remove();
});
beforeEach(() => {
  client = makeWorkspace();
});
afterEach(async () => {
  client.remove();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

/** The CLI talks through a proxy that holds its write (method, path) until `meanwhile` (another client's write) is done. */
async function holdingWrite(method: string, path: RegExp, meanwhile: () => Promise<unknown>): Promise<Record<string, string>> {
  const proxy = await startFaultProxy({ host: '127.0.0.1', port: serve.port }, [{ match: { method, path }, hold: meanwhile }]);
  proxies.push(proxy);
  return { FACETS_CONTROL_PLANE_URL: proxy.url, FACETS_USERNAME: 'admin', FACETS_TOKEN: serve.adminToken };
}

describe('ci configure: a change saved by someone else between the read and the write is refused, not overwritten', () => {
  test('the image version policy set meanwhile stays whole; exit 5 with what was read, what is there now, who changed it', async () => {
    await other.configureCi({ project: 'shop', config: { policy: { deniedTags: ['dev'] } } });
    const env = await holdingWrite('POST', PROJECT_CI_CD, () => other.configureCi({ project: 'shop', config: { policy: { deniedTags: ['dev'], tagPattern: '^v\\d+' } } }));
    const r = await client.run(['--json', '--project', 'shop', 'ci', 'configure', '--deny-tag', 'latest'], { env });
    expect(r.code).toBe(EXIT_CODES.CONFLICT);
    expect(r.json().error).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(STALE) });
    expect(r.json().error.message).toContain('the CI/CD configuration of project shop');
    expect((await other.getCiConfig('shop')).config!.policy).toEqual({ deniedTags: ['dev'], tagPattern: '^v\\d+' });
  });

  test("a service's own configuration: the rules saved meanwhile stay; run again, the command starts from them", async () => {
    await other.configureCi({ project: 'shop', service: 'checkout', config: { registrationType: 'ENVIRONMENT', routingRules: [] } });
    const theirs = [{ metadataKey: 'BRANCH_NAME', operator: 'EQUALS' as const, value: 'main', priority: 0, routeTo: 'dev' }];
    const env = await holdingWrite('POST', SERVICE_CI_CD, () => other.configureCi({ project: 'shop', service: 'checkout', config: { routingRules: theirs } }));
    const r = await client.run(['--json', '--project', 'shop', 'ci', 'configure', '--service', 'checkout', '--tag-pattern', '^v'], { env });
    expect(r.code).toBe(EXIT_CODES.CONFLICT);
    expect(r.json().error.message).toMatch(STALE);
    expect((await other.getCiConfig('shop', 'checkout')).config).toMatchObject({ routingRules: theirs, policy: {} });
    const again = await client.run(['--json', '--project', 'shop', 'ci', 'configure', '--service', 'checkout', '--tag-pattern', '^v'], { env });
    expect(again.code).toBe(0);
    expect(again.json().ciConfig.config).toMatchObject({ routingRules: theirs, policy: { tagPattern: '^v' } });
  });
});

describe('ci reset: a configuration changed after the read is not deleted', () => {
  test('the routing rules saved meanwhile survive the reset; exit 5', async () => {
    await other.configureCi({ project: 'shop', config: { routingRules: [] } });
    const rules = [{ metadataKey: 'BRANCH_NAME', operator: 'EQUALS' as const, value: 'release', priority: 0, routeTo: 'staging' }];
    const env = await holdingWrite('DELETE', PROJECT_CI_CD, () => other.configureCi({ project: 'shop', config: { routingRules: rules } }));
    const r = await client.run(['--json', '--yes', '--project', 'shop', 'ci', 'reset'], { env });
    expect(r.code).toBe(EXIT_CODES.CONFLICT);
    expect(r.json().error.message).toMatch(STALE);
    expect((await other.getCiConfig('shop')).config!.routingRules).toEqual(rules);
  });
});

describe('ci show states the revision a write names', () => {
  test('--json and -o yaml carry the revision; a save makes the next one', async () => {
    const before = await client.run(['--json', '--project', 'shop', 'ci', 'show'], { env: { FACETS_CONTROL_PLANE_URL: serve.url, FACETS_USERNAME: 'admin', FACETS_TOKEN: serve.adminToken } });
    expect(before.code).toBe(0);
    const revision = before.json().ciConfig.revision;
    expect(revision).toBeGreaterThan(0);
    await other.configureCi({ project: 'shop', config: { policy: { deniedTags: ['nightly'] } } });
    const yaml = await client.run(['--project', 'shop', 'ci', 'show', '-o', 'yaml'], { env: { FACETS_CONTROL_PLANE_URL: serve.url, FACETS_USERNAME: 'admin', FACETS_TOKEN: serve.adminToken } });
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toContain(`revision: ${revision + 1}`);
  });
});

describe('ci configure on a terminal (embedded control plane): rules saved by another command while the questions wait are kept', () => {
  test('the answers over the rules shown are refused, exit 5; the other command\'s rules stay', async () => {
    const ws = makeWorkspace(shopBlueprint([], CI));
    try {
      expect((await ws.run(['ci', 'configure', '--branch-rule', 'main=dev'])).code).toBe(0);
      const otherCommand = async () => {
        const saved = await ws.run(['ci', 'configure', '--branch-rule', 'hotfix/*=staging']);
        expect(saved.code).toBe(0);
        return ENTER;
      };
      const r = await runOnTerminal(ws, ['ci', 'configure'], [
        [/\? Configure/, ENTER],
        [/\? Registration type/, ENTER],
        [/\? CI strategy/, ENTER],
        [/\? Branch rules[^\n]*\n?[^\n]*\(main=dev\)/, ENTER],
        [/\? Promotion hierarchy/, ENTER],
        [/\? Tags to refuse/, otherCommand],
      ]);
      expect(r.code).toBe(EXIT_CODES.CONFLICT);
      expect(r.screen.replace(/\n/g, '')).toMatch(/the CI\/CD configuration of project shop changed meanwhile: \S+ saved it at \S+ \(revision 3\), after this command read revision 2; nothing was written; run the command again/);
      expect((await ws.run(['--json', 'ci', 'show'])).json().ciConfig.config.routingRules).toEqual([expect.objectContaining({ value: 'hotfix/', routeTo: 'staging' })]);
    } finally {
      ws.remove();
    }
  });
});

describe('against the Facets API alone (serve --reference-only, no If-Match): the client re-reads just before writing', () => {
  let reference: ServeProcess;
  beforeAll(async () => {
    reference = await startServe(server, ['--reference-only', '--db', 'reference.db']);
  });
  afterAll(() => reference?.stop());

  test('rules saved between the command\'s read and its re-read are kept: exit 5, nothing written', async () => {
    const facets = new HttpControlPlane({ baseUrl: reference.url, username: 'admin', token: reference.adminToken, retries: 0 });
    await facets.configureCi({ project: 'shop', config: { routingRules: [] } });
    const theirs = [{ metadataKey: 'BRANCH_NAME', operator: 'STARTS_WITH' as const, value: 'hotfix/', priority: 0, routeTo: 'staging' }];
    const read = { method: 'GET', path: /^\/cc-ui\/v1\/ci-cd\/shop$/ };
    // The command's own read passes; its re-read before the write waits until the other client has saved.
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: reference.port }, [{ match: read }, { match: read, hold: () => facets.configureCi({ project: 'shop', config: { routingRules: theirs } }) }]);
    proxies.push(proxy);
    const env = { FACETS_CONTROL_PLANE_URL: proxy.url, FACETS_USERNAME: 'admin', FACETS_TOKEN: reference.adminToken };
    const r = await client.run(['--json', '--project', 'shop', 'ci', 'configure', '--branch-rule', 'main=dev'], { env });
    expect(r.code).toBe(EXIT_CODES.CONFLICT);
    expect(r.json().error.message).toMatch(/the CI\/CD configuration of project shop changed meanwhile: .*saved it.*after this command read revision \d+; nothing was written; run the command again/);
    expect((await facets.getCiConfig('shop')).config!.routingRules).toEqual(theirs);
  });
});
