// Text tables show sha256 digests by their first 12 hex digits (as docker does), full with --no-trunc; JSON keeps them whole.
import { getInfra } from '../support/infra';
import { putImage, uniqueRepo } from './images';
import { makeWorkspace, shopBlueprint, type Workspace } from './run-cli';

const { open } = getInfra().registries;
let ws: Workspace;
let digest: string;
let short: string;

beforeAll(async () => {
  ws = makeWorkspace(shopBlueprint([{ name: 'open', uri: open.host }]));
  const repo = uniqueRepo('tables');
  digest = await putImage('open', repo, '1.0.0');
  short = digest.slice(0, 'sha256:'.length + 12);
  expect((await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev'])).code).toBe(0);
  expect((await ws.run(['register', `${open.host}/${repo}:1.0.0`, '--service', 'checkout', '--git-ref', 'main'])).code).toBe(0);
});
afterAll(() => ws?.remove());

describe.each([
  ['artifacts list', ['artifacts', 'list', '--service', 'checkout'], (doc: any) => doc.items[0].artifactUri],
  ['history', ['history', '--service', 'checkout'], (doc: any) => doc.events.find((e: any) => e.kind === 'REGISTERED').summary],
  ['resolve', ['resolve', '--service', 'checkout'], (doc: any) => doc.resolutions.find((r: any) => r.environment === 'dev').image],
])('%s', (_name, args, fromJson) => {
  test('the table shows sha256: and 12 hex digits, never the whole digest', async () => {
    const r = await ws.run(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`@${short} `.trimEnd());
    expect(r.stdout).not.toContain(digest);
  });

  test('--no-trunc shows the whole digest', async () => {
    const r = await ws.run([...args, '--no-trunc']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`@${digest}`);
  });

  test('--json is unchanged: the whole digest', async () => {
    const r = await ws.run(['--json', ...args]);
    expect(r.code).toBe(0);
    expect(fromJson(r.json())).toContain(`@${digest}`);
  });
});
