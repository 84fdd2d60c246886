// attach on a terminal names the override's revision it read: an attach made while it asked is refused, not overwritten.
import crypto from 'node:crypto';
import { EXIT_CODES } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { uploadImage } from '../support/registry-upload';
import { ENTER, runOnTerminal } from './pty';
import { makeWorkspace, shopBlueprint, type Workspace } from './run-cli';

const open = getInfra().registries.open;
let ws: Workspace;
beforeEach(() => {
  ws = makeWorkspace(shopBlueprint([{ name: 'local', uri: open.host, insecure: true }]));
});
afterEach(() => ws.remove());

describe('an attach confirmed on a terminal after another command attached there is refused', () => {
  test('exit 5 with who attached what; the other image stays attached', async () => {
    const repository = `attach/stale-${crypto.randomBytes(3).toString('hex')}`;
    for (const tag of ['1.0.0', '2.0.0']) await uploadImage({ url: open.url }, repository, tag, [Buffer.from(`${tag}${crypto.randomUUID()}`)]);
    const mine = `${open.host}/${repository}:1.0.0`;
    const theirs = `${open.host}/${repository}:2.0.0`;
    const otherAttach = async () => {
      expect((await ws.run(['--yes', 'attach', theirs, '-s', 'checkout', '-e', 'production'])).code).toBe(0);
      return `y${ENTER}`;
    };
    const r = await runOnTerminal(ws, ['attach', mine, '-s', 'checkout', '-e', 'production'], [[/production is a prod environment[\s\S]*there\?/, otherAttach]]);
    expect(r.code).toBe(EXIT_CODES.CONFLICT);
    const screen = r.screen.replace(/\n/g, '');
    expect(screen).toMatch(/the image attached to service checkout in environment production of project shop changed meanwhile: \S+ attached \S+:2\.0\.0@sha256:\w+ at \S+ \(revision 1\), after this command found none; nothing was written; run the command again/);
    const shown = await ws.run(['--json', 'resolve', '-s', 'checkout', '-e', 'production']);
    expect(shown.json().resolutions[0]).toMatchObject({ source: 'OVERRIDE', image: expect.stringContaining(`${repository}:2.0.0@`) });
  });
});
