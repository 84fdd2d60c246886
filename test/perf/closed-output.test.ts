// `facetsctl ... | head -1`: a reader that goes away ends the program quietly with exit 0, whatever the command prints.
import { spawn } from 'node:child_process';
import { BIN, baseEnv, makeWorkspace, shopBlueprint, type Workspace } from '../cli/run-cli';

let ws: Workspace;
beforeAll(async () => {
  ws = makeWorkspace(shopBlueprint());
  expect((await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev'])).code).toBe(0);
});
afterAll(() => ws.remove());

/** Runs facetsctl with its stdout's reading end closed before it writes anything: every write to stdout fails with EPIPE. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ws.dir, env: baseEnv(ws.home), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('a closed stdout ends the process quietly with exit 0, as `git log | head` does', () => {
  test.each([
    [['--help']],
    [['ci', 'show', '--help']],
    [['completion', 'bash']],
    [['--json', 'ci', 'show']],
    [['artifacts', 'list', '--service', 'checkout']],
  ])('facetsctl %j: exit 0, nothing on stderr', async (args) => {
    const r = await runWithClosedStdout(args);
    expect(r).toEqual({ code: 0, signal: null, stderr: '' });
  });

  test('with stdout open the same commands print in full (the pipe was what ended them)', async () => {
    const r = await ws.run(['completion', 'bash']);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(1000);
  });
});
