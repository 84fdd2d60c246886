// Runs facetsctl on a real pseudo-terminal (util-linux `script`) and answers its prompts like a user.
import { spawn } from 'node:child_process';
import { BIN, baseEnv, type Workspace } from './run-cli';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface PtyResult {
  code: number;
  /** Everything the terminal showed, escape sequences removed. */
  screen: string;
  /** The bytes as the terminal got them (colors included). */
  raw: string;
}

/** What to type at a step: the keys, or what another party does first, then the keys (e.g. a write while a question waits). */
export type Answer = string | (() => Promise<string>);

/** Each step: wait until `expect` appears on screen (after the previous match), then type `send`. */
export function runOnTerminal(ws: Workspace, args: string[], steps: Array<[RegExp, Answer]>, env: Record<string, string> = {}, timeoutMs = 20000): Promise<PtyResult> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, ...args].map(quote).join(' ');
    const childEnv: Record<string, string> = { ...baseEnv(ws.home), TERM: 'dumb', ...env };
    if (!('CI' in env)) delete childEnv.CI;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ws.dir, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let raw = '';
    let consumed = 0;
    let step = 0;
    const screen = () => raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
    const advance = () => {
      while (step < steps.length) {
        const [pattern, answer] = steps[step];
        const text = screen().slice(consumed);
        const match = pattern.exec(text);
        if (!match) return;
        consumed += match.index + match[0].length;
        step += 1;
        // inquirer reads keypresses: give it a moment to draw and listen before typing.
        setTimeout(() => void (typeof answer === 'string' ? Promise.resolve(answer) : answer()).then((keys) => child.stdin.write(keys), reject), 150);
      }
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`terminal session stuck at step ${step} (${steps[step]?.[0]}):\n${screen()}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      raw += d.toString();
      advance();
    });
    child.stderr.on('data', (d: Buffer) => (raw += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      if (step < steps.length) return reject(new Error(`exited (${code}) before step ${step} (${steps[step][0]}):\n${screen()}`));
      resolve({ code: code ?? -1, screen: screen(), raw });
    });
  });
}

export const ENTER = '\r';
export const DOWN = '\x1b[B';
