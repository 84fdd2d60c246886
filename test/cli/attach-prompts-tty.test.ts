// attach: an identical re-attach changes nothing; a prod environment asks first on a terminal; a run that chose from lists
// ends with the same attach as one command; a single registry is taken without a question. Real pty, real registry.
import crypto from 'node:crypto';
import { EXIT_CODES } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { uploadImage } from '../support/registry-upload';
import { ENTER, runOnTerminal } from './pty';
import { makeWorkspace, shopBlueprint, type Workspace } from './run-cli';

const open = () => getInfra().registries.open;
let ws: Workspace;
let repository: string;
let image: (tag: string) => string;
const digests: Record<string, string> = {};
beforeAll(async () => {
  repository = `attach/prompts-${crypto.randomBytes(3).toString('hex')}`;
  for (const tag of ['1.0.0', '1.1.0']) digests[tag] = (await uploadImage({ url: open().url }, repository, tag, [Buffer.from(`${tag}${crypto.randomUUID()}`)])).digest;
  image = (tag) => `${open().host}/${repository}:${tag}`;
});
beforeEach(() => {
  ws = makeWorkspace(
    shopBlueprint([
      { name: 'local', uri: open().host, insecure: true },
      { name: 'facets-config-auto', uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com', internal: true },
    ]),
  );
});
afterEach(() => ws.remove());

const attachedEvents = async (environment: string) =>
  (await ws.run(['--json', 'history', '-s', 'checkout', '-e', environment, '--kind', 'ATTACHED'])).json().total as number;

describe('attaching the image that is already attached there changes nothing', () => {
  test('no new revision, no event; the text says so and --json has changed: false', async () => {
    const first = await ws.run(['--json', 'attach', image('1.0.0'), '-s', 'checkout', '-e', 'dev']);
    expect(first.json()).toMatchObject({ revision: 1, changed: true });
    const again = await ws.run(['--json', 'attach', image('1.0.0'), '-s', 'checkout', '-e', 'dev']);
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ revision: 1, changed: false, image: `${image('1.0.0')}@${digests['1.0.0']}` });
    const text = await ws.run(['attach', '-s', 'checkout', '-e', 'dev', '--registry', 'local', '--repository', repository, '--tag', '1.0.0']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Already attached: ${image('1.0.0')}@${digests['1.0.0']} is the image of checkout in environment dev (revision 1); nothing changed`);
    expect(await attachedEvents('dev')).toBe(1);
    const other = await ws.run(['--json', 'attach', image('1.1.0'), '-s', 'checkout', '-e', 'dev']);
    expect(other.json()).toMatchObject({ revision: 2, changed: true });
    expect(await attachedEvents('dev')).toBe(2);
  });
});

describe('attaching to an environment of a prod release stream asks first on a terminal (default No)', () => {
  const args = () => ['attach', image('1.0.0'), '-s', 'checkout', '-e', 'production'];
  const question = /production is a prod environment \(release stream PRODUCTION\)\. Attach[\s\S]*? to checkout there\? \(y\/N\)/;

  test('no (or Enter) cancels: exit 10, nothing attached', async () => {
    const r = await runOnTerminal(ws, args(), [[question, ENTER]]);
    expect(r.code).toBe(EXIT_CODES.CANCELLED);
    expect(r.screen).toContain('error: attach to production cancelled; nothing was changed');
    expect(await attachedEvents('production')).toBe(0);
  });
  test('yes attaches', async () => {
    const r = await runOnTerminal(ws, args(), [[question, `y${ENTER}`]]);
    expect(r.code).toBe(0);
    expect(await attachedEvents('production')).toBe(1);
  });
  test('--yes skips the question; a non-prod environment has none', async () => {
    expect((await runOnTerminal(ws, ['--yes', ...args()], [])).code).toBe(0);
    const dev = await runOnTerminal(ws, ['attach', image('1.0.0'), '-s', 'checkout', '-e', 'dev'], []);
    expect(dev.code).toBe(0);
    expect(dev.screen).not.toContain('prod environment');
  });
  test('without a terminal (CI) nothing is asked and no --yes is needed', async () => {
    const r = await ws.run(args());
    expect(r.code).toBe(0);
    expect(await attachedEvents('production')).toBe(1);
  });
});

describe('an attach chosen from lists ends with the same attach as one command; the only registry is taken without a question', () => {
  test('the printed command, run in a script, finds the image already attached', async () => {
    const r = await runOnTerminal(ws, ['attach', '-s', 'checkout', '--repository', repository], [
      [/\? Environment/, ENTER],
      [/\? Tag[\s\S]*1\.0\.0/, ENTER],
    ]);
    expect(r.code).toBe(0);
    expect(r.screen).toContain(`Registry: local (${open().host}), the only one offered for manual attach`);
    expect(r.screen).not.toContain('? Registry');
    const pinned = `${image('1.1.0')}@${digests['1.1.0']}`;
    const command = `facetsctl attach ${pinned} --service checkout --environment dev --registry local`;
    expect(r.screen).toContain(`The same, in one command:\n  ${command}`);
    const again = await ws.run(['--json', ...command.split(' ').slice(1)]);
    expect(again.json()).toMatchObject({ changed: false, revision: 1 });
  });
  test('everything given on a terminal: no command is printed', async () => {
    const r = await runOnTerminal(ws, ['attach', image('1.0.0'), '-s', 'checkout', '-e', 'dev'], []);
    expect(r.code).toBe(0);
    expect(r.screen).not.toContain('The same, in one command');
  });
});
