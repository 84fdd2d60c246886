// resolve, promote, artifacts list and registries on the embedded control plane with a real registry.
import { EXIT_CODES } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { putImage, uniqueRepo } from './images';
import { makeWorkspace, shopBlueprint, type Workspace } from './run-cli';

const { open, basic } = getInfra().registries;
let ws: Workspace;
let repo: string;
const digests: string[] = [];

beforeAll(async () => {
  ws = makeWorkspace(
    shopBlueprint([
      { name: 'open', uri: open.host },
      { name: 'basic', uri: basic.host, fromEnv: { username: 'BASIC_USER', password: 'BASIC_PASS' } },
      { name: 'facets-config-auto', uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com', internal: true },
    ]),
    { BASIC_USER: basic.username, BASIC_PASS: basic.password },
  );
  const c = await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev', '--promotion', 'dev,staging,production']);
  expect(c.code).toBe(0);
  repo = uniqueRepo('flow');
  for (const tag of ['1.0.0', '1.1.0', '1.2.0']) {
    digests.push(await putImage('open', repo, tag));
    const r = await ws.run(['register', `${open.host}/${repo}:${tag}`, '-s', 'checkout', '--git-ref', 'main']);
    expect(r.code).toBe(0);
  }
});
afterAll(() => ws.remove());

const uri = (i: number) => `${open.host}/${repo}:1.${i}.0@${digests[i]}`;

describe('artifacts list: newest first, filtered by target, paged with --limit/--offset', () => {
  test('newest first with the total', async () => {
    const r = await ws.run(['--json', 'artifacts', 'list', '-s', 'checkout', '-e', 'dev']);
    expect(r.code).toBe(0);
    const page = r.json();
    expect(page).toMatchObject({ project: 'shop', service: 'checkout', total: 3 });
    expect(page.items.map((a: { artifactUri: string }) => a.artifactUri)).toEqual([uri(2), uri(1), uri(0)]);
  });
  test('--limit 1 --offset 1 is the second newest', async () => {
    const r = await ws.run(['--json', 'artifacts', 'list', '-s', 'checkout', '--limit', '1', '--offset', '1']);
    expect(r.json()).toMatchObject({ total: 3, limit: 1, offset: 1, items: [{ artifactUri: uri(1) }] });
  });
  test('human output is a table, and says where the next page starts', async () => {
    const r = await ws.run(['artifacts', 'list', '-s', 'checkout', '--limit', '2']);
    expect(r.stdout.split('\n')[0]).toMatch(/^ID +TARGET +ARTIFACT +TAGS +BRANCH +PROMOTED +CREATED$/);
    // The table shows the digest's first 12 hex digits (--no-trunc: all of it).
    expect(r.stdout).toContain(uri(2).slice(0, -52) + ' ');
    expect(r.stderr).toContain('3 in all; next page: --offset 2');
  });
  test('an environment with nothing registered', async () => {
    const r = await ws.run(['artifacts', 'list', '-s', 'checkout', '-e', 'production']);
    expect(r).toMatchObject({ code: 0, stdout: 'No artifacts for checkout\n' });
  });
});

describe('resolve: per environment, the newest artifact routed there, else a reason naming what is missing', () => {
  test('--all (the default) lists every environment', async () => {
    const r = await ws.run(['--json', 'resolve', '-s', 'checkout']);
    expect(r.code).toBe(0);
    const byEnv = Object.fromEntries(r.json().resolutions.map((x: { environment: string }) => [x.environment, x]));
    expect(byEnv.dev).toMatchObject({ resolved: true, image: uri(2), source: 'ARTIFACT_BY_ENVIRONMENT' });
    expect(byEnv.production).toMatchObject({ resolved: false, image: null });
    expect(byEnv.production.reason).toMatch(/production/);
  });
  test('one environment that resolves to nothing: NOT_FOUND (4) with the reason', async () => {
    const r = await ws.run(['--json', 'resolve', '-s', 'cart', '-e', 'dev']);
    expect(r.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(r.json().error.message).toMatch(/^cart does not resolve in environment dev: /);
  });
  test('unknown environment: NOT_FOUND naming the known ones', async () => {
    const r = await ws.run(['--json', 'resolve', '-s', 'checkout', '-e', 'qa']);
    expect(r.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(r.json().error.message).toMatch(/qa/);
  });
});

describe('promote: the newest artifact of --from goes to the next level of the promotion hierarchy (or --to)', () => {
  test('dev -> staging (next level), then resolve shows it in staging', async () => {
    const r = await ws.run(['--json', 'promote', '-s', 'checkout', '--from', 'dev']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ routedTo: 'staging', created: true, artifactUri: uri(2), artifact: { promoted: true, registrationValue: 'staging' } });
    const resolved = await ws.run(['--json', 'resolve', '-s', 'checkout', '-e', 'staging']);
    expect(resolved.json().resolutions[0]).toMatchObject({ resolved: true, image: uri(2) });
  });
  test('--artifact ID --to production', async () => {
    const list = await ws.run(['--json', 'artifacts', 'list', '-s', 'checkout', '-e', 'dev']);
    const oldest = list.json().items[2];
    const r = await ws.run(['promote', '-s', 'checkout', '--artifact', oldest.id, '--to', 'production']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Promoted ${uri(0).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} to production`));
  });
  test.each<[string, string[], number, RegExp]>([
    ['neither --from nor --artifact', ['-s', 'checkout'], EXIT_CODES.USAGE, /--from or --artifact is required/],
    ['both --from and --artifact', ['-s', 'checkout', '--from', 'dev', '--artifact', '1'], EXIT_CODES.USAGE, /cannot be used together/],
    ['from a target that is not an environment', ['-s', 'checkout', '--from', 'QA'], EXIT_CODES.NOT_FOUND, /QA/],
    ['from a level with no artifact', ['-s', 'cart', '--from', 'dev'], EXIT_CODES.NOT_FOUND, /dev/],
  ])('bad input: %s', async (_name, args, code, message) => {
    const r = await ws.run(['--json', 'promote', ...args]);
    expect(r.code).toBe(code);
    expect(r.json().error.message).toMatch(message);
  });
});

describe('registries: list (internal ones marked), repos and tags from the registry itself', () => {
  test('list', async () => {
    const r = await ws.run(['--json', 'registries', 'list']);
    expect(r.json().registries).toEqual([
      expect.objectContaining({ name: 'open', uri: open.host, internal: false }),
      expect.objectContaining({ name: 'basic', uri: basic.host, internal: false }),
      expect.objectContaining({ name: 'facets-config-auto', internal: true }),
    ]);
    const human = await ws.run(['registries', 'list']);
    expect(human.stdout).toMatch(/facets-config-auto +OTHERS +123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com +internal \(not for manual attach\)/);
  });
  test('repos and tags (open registry)', async () => {
    const repos = await ws.run(['--json', 'registries', 'repos', 'open']);
    expect(repos.code).toBe(0);
    expect(repos.json().repositories).toContain(repo);
    const tags = await ws.run(['registries', 'tags', 'open', repo]);
    expect(tags.stdout.trim().split('\n').sort()).toEqual(['1.0.0', '1.1.0', '1.2.0']);
  });
  test('tags with the control plane credentials (basic registry)', async () => {
    const basicRepo = uniqueRepo('tags-basic');
    await putImage('basic', basicRepo, 'v1');
    const tags = await ws.run(['--json', 'registries', 'tags', 'basic', basicRepo]);
    expect(tags.json().tags).toEqual(['v1']);
  });
  test('unknown registry: NOT_FOUND', async () => {
    const r = await ws.run(['--json', 'registries', 'tags', 'nope', repo]);
    expect(r.code).toBe(EXIT_CODES.NOT_FOUND);
  });
});
