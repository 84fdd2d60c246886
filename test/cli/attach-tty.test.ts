// The real program on a real pseudo-terminal (util-linux `script`): inquirer lists, keys typed as a person would.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { getInfra } from '../support/infra';
import { uploadImage } from '../support/registry-upload';
import { BIN, makeWorkspace, shopBlueprint, type Workspace } from './run-cli';

const ENTER = '\r';
const DOWN = '\x1b[B';
const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/** Runs facetsctl on a pty; each step waits for its prompt, then types its keys. Stopped by PID on timeout. */
function onTerminal(ws: Workspace, args: string[], steps: Array<[RegExp, string]>): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qefc', command, '/dev/null'], {
      cwd: ws.dir,
      env: { PATH: process.env.PATH, HOME: ws.home, TERM: 'dumb', NO_COLOR: '1', LANG: 'C.UTF-8' },
    });
    let screen = '';
    let pending = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no prompt ${steps[0]?.[0] ?? ''} in:\n${strip(screen)}`));
    }, 20000);
    child.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
      pending += strip(d.toString());
      const step = steps[0];
      if (step && step[0].test(pending)) {
        steps.shift();
        pending = '';
        setTimeout(() => child.stdin.write(step[1]), 50);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, screen: strip(screen) });
    });
  });
}

describe('on a TTY, missing values are chosen from lists (real terminal, real inquirer)', () => {
  let ws: Workspace;
  afterAll(() => ws?.remove());

  test('the environment from a list, then the newest tag is the first choice', async () => {
    const open = getInfra().registries.open;
    ws = makeWorkspace(shopBlueprint([{ name: 'local', uri: open.host, insecure: true }]));
    const repository = `attach/pty-${crypto.randomBytes(3).toString('hex')}`;
    const digests: Record<string, string> = {};
    for (const tag of ['0.9.0', '1.1.0', '1.0.0']) digests[tag] = (await uploadImage({ url: open.url }, repository, tag, [Buffer.from(`${tag}${crypto.randomUUID()}`)])).digest;

    const { code, screen } = await onTerminal(ws, ['attach', '-s', 'checkout', '--registry', 'local', '--repository', repository], [
      [/Environment[\s\S]*production/, DOWN + ENTER],
      [/Tag[\s\S]*0\.9\.0/, ENTER],
    ]);
    expect(screen).toMatch(/Tag[^\n]*\n\W*1\.1\.0\s*\n\s*1\.0\.0\s*\n\s*0\.9\.0/);
    expect(screen).toContain(`Attached ${open.host}/${repository}:1.1.0@${digests['1.1.0']} to checkout in environment staging`);
    expect(code).toBe(0);
  });
});
