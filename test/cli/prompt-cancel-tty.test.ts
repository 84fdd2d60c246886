// Ctrl-C at any prompt is a cancellation (exit 10, nothing written); prompts follow NO_COLOR and --no-color. Real pty, real inquirer.
import crypto from 'node:crypto';
import { EXIT_CODES } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { uploadImage } from '../support/registry-upload';
import { DOWN, ENTER, runOnTerminal } from './pty';
import { makeWorkspace, shopBlueprint, type Workspace } from './run-cli';

const CTRL_C = '\x03';
/** Select Graphic Rendition: the escape codes that paint (colors, bold, dim). */
const SGR = /\x1b\[[0-9;]*m/;

let ws: Workspace;
let repository: string;
beforeAll(async () => {
  const open = getInfra().registries.open;
  ws = makeWorkspace(shopBlueprint([{ name: 'local', uri: open.host, insecure: true }]));
  repository = `prompts/cancel-${crypto.randomBytes(3).toString('hex')}`;
  for (const tag of ['1.0.0', '1.1.0']) await uploadImage({ url: open.url }, repository, tag, [Buffer.from(`${tag}${crypto.randomUUID()}`)]);
});
afterAll(() => ws?.remove());

async function nothingWritten(): Promise<void> {
  const history = await ws.run(['--json', 'history', '-s', 'checkout']);
  expect(history.json().total).toBe(0);
  expect((await ws.run(['--json', 'ci', 'show'])).json().ciConfig.mode).toBe('NONE');
}

describe('Ctrl-C at a prompt cancels: exit 10 (CANCELLED), nothing written, so `facetsctl ... && deploy` stops', () => {
  test.each<[string, string[], Array<[RegExp, string]>]>([
    ['attach, the environment list', ['attach', '-s', 'checkout'], [[/\? Environment/, CTRL_C]]],
    ['attach, the tag list', ['attach', '-s', 'checkout', '-e', 'dev', '--registry', 'local', '--repository', 'REPO'], [[/\? Tag[\s\S]*1\.0\.0/, CTRL_C]]],
    ['attach, the image URI text prompt', ['attach', '-s', 'checkout', '-e', 'dev'], [[/\? Attach[\s\S]*full image URI/, DOWN + ENTER], [/\? Image URI/, `127.0.0.1:1/x${CTRL_C}`]]],
    ['ci configure, the first list', ['ci', 'configure'], [[/\? Configure/, CTRL_C]]],
    ['ci configure, the branch rules text prompt', ['ci', 'configure'], [[/\? Configure/, ENTER], [/\? Registration type/, ENTER], [/\? CI strategy/, ENTER], [/\? Branch rules/, `main=dev${CTRL_C}`]]],
  ])('%s', async (_name, args, steps) => {
    const r = await runOnTerminal(ws, args.map((a) => (a === 'REPO' ? repository : a)), steps);
    expect(r.code).toBe(EXIT_CODES.CANCELLED);
    expect(r.screen).toMatch(/error: cancelled at the prompt "[^"]+"; nothing was changed/);
    await nothingWritten();
  });
});

describe('prompts are painted on a color terminal, and not at all with NO_COLOR or --no-color', () => {
  const firstPrompt = (flags: string[], env: Record<string, string>) =>
    runOnTerminal(ws, [...flags, 'ci', 'configure'], [[/\? Configure[\s\S]*service cart/, CTRL_C]], { TERM: 'xterm-256color', ...env });

  test('a color terminal gets a painted prompt', async () => {
    expect((await firstPrompt([], {})).raw).toMatch(SGR);
  });
  test.each<[string, string[], Record<string, string>]>([
    ['NO_COLOR=1', [], { NO_COLOR: '1' }],
    ['--no-color', ['--no-color'], {}],
  ])('%s: no color escape codes in the prompt', async (_name, flags, env) => {
    const r = await firstPrompt(flags, env);
    expect(r.screen).toContain('? Configure');
    expect(r.raw).not.toMatch(SGR);
  });
});
