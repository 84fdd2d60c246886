// Profiles switch control planes: two `facetsctl serve` instances for real, one profile each.
import { EXIT_CODES } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { putImage, uniqueRepo } from '../cli/images';
import { makeWorkspace, shopBlueprint, startServe, type ServeProcess, type Workspace } from '../cli/run-cli';

const { open } = getInfra().registries;
const servers: Array<{ ws: Workspace; serve: ServeProcess }> = [];
let alpha: ServeProcess;
let beta: ServeProcess;
/** The developer's machine: no blueprint, only ~/.facets/credentials. */
let client: Workspace;

beforeAll(async () => {
  const blueprints = [shopBlueprint([{ name: 'open', uri: open.host }]), shopBlueprint([{ name: 'open', uri: open.host }]).replace('  - {name: cart}', '  - {name: billing}')];
  for (const blueprint of blueprints) {
    const ws = makeWorkspace(blueprint);
    servers.push({ ws, serve: await startServe(ws) });
  }
  [alpha, beta] = servers.map((s) => s.serve);
  client = makeWorkspace();
  for (const [profile, serve] of [['alpha', alpha], ['beta', beta]] as const) {
    const r = await client.run(['login', '--profile', profile, '--url', serve.url, '--username', 'admin', '--token-stdin'], { input: `${serve.adminToken}\n` });
    expect(r.code).toBe(0);
    const ci = await client.run(['--profile', profile, 'ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev']);
    expect(ci.code).toBe(0);
  }
}, 60000);
afterAll(async () => {
  for (const { ws, serve } of servers) {
    await serve.stop();
    ws.remove();
  }
  client?.remove();
});

const artifactUris = async (env: Record<string, string>, args: string[]) =>
  ((await client.run([...args, '--json', 'artifacts', 'list', '-s', 'checkout'], { env })).json().items as Array<{ artifactUri: string }>).map((a) => a.artifactUri);

describe('--profile NAME (or FACETS_PROFILE) picks the control plane the command talks to', () => {
  test('whoami names the profile and its control plane', async () => {
    const a = await client.run(['--json', '--profile', 'alpha', 'whoami']);
    expect(a.json().controlPlane).toMatchObject({ kind: 'remote', url: alpha.url, source: 'profile', profile: 'alpha', reason: expect.stringContaining('profile "alpha"') });
    const b = await client.run(['--json', 'whoami'], { env: { FACETS_PROFILE: 'beta' } });
    expect(b.json().controlPlane).toMatchObject({ kind: 'remote', url: beta.url, source: 'profile', profile: 'beta' });
  });

  test('register with --profile alpha lands in alpha only; FACETS_PROFILE=beta in beta only', async () => {
    const repo = uniqueRepo('profiles');
    const digest = await putImage('open', repo, '1.0.0');
    const image = `${open.host}/${repo}:1.0.0`;
    const toAlpha = await client.run(['--json', '--profile', 'alpha', 'register', `${image}`, '-s', 'checkout', '--git-ref', 'main']);
    expect(toAlpha.code).toBe(0);
    expect(await artifactUris({}, ['--profile', 'alpha'])).toContain(`${image}@${digest}`);
    expect(await artifactUris({ FACETS_PROFILE: 'beta' }, [])).not.toContain(`${image}@${digest}`);

    const toBeta = await client.run(['--json', 'register', image, '-s', 'checkout', '--git-ref', 'main'], { env: { FACETS_PROFILE: 'beta' } });
    expect(toBeta.code).toBe(0);
    expect(await artifactUris({ FACETS_PROFILE: 'beta' }, [])).toContain(`${image}@${digest}`);
    // Each control plane made its own ciName for the service.
    expect(toBeta.json().ciName).not.toBe(toAlpha.json().ciName);
  });

  test('--profile wins over FACETS_PROFILE', async () => {
    const r = await client.run(['--json', '--profile', 'alpha', 'whoami'], { env: { FACETS_PROFILE: 'beta' } });
    expect(r.json().controlPlane.url).toBe(alpha.url);
  });

  test('completion values follow the profile', async () => {
    expect((await client.run(['--profile', 'alpha', '__complete', 'services'])).stdout).toBe('checkout\ncart\n');
    expect((await client.run(['--profile', 'beta', '__complete', 'services'])).stdout).toBe('checkout\nbilling\n');
  });

  test('an unknown profile is NOT_FOUND with the login command as the hint', async () => {
    const r = await client.run(['--json', '--profile', 'gamma', 'whoami']);
    expect(r.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(r.json().error).toMatchObject({ code: 'NOT_FOUND', hint: 'run `facetsctl login --profile gamma`' });
  });
});
