// Questions on a terminal. inquirer is loaded only when a question is actually asked.
import { createRequire } from 'node:module';
import { FacetsError } from '../core/errors';

export interface Choice<T extends string = string> {
  name: string;
  value: T;
}

export interface Prompter {
  input(message: string, options?: { default?: string; validate?: (value: string) => true | string }): Promise<string>;
  /** Masked input (tokens, passwords). */
  password(message: string): Promise<string>;
  confirm(message: string, defaultValue?: boolean): Promise<boolean>;
  select<T extends string>(message: string, choices: Choice<T>[], defaultValue?: T): Promise<T>;
}

type Inquirer = typeof import('inquirer');

/** What a prompt's UI exposes: its readline and inquirer's own Ctrl-C handler. */
interface PromptUi {
  rl: NodeJS.EventEmitter & { output: { write(s: string): unknown } };
  onForceClose: () => void;
  close(): void;
}

/** The prompt was interrupted (Ctrl-C): the command stops before it writes anything, with the CANCELLED exit code. */
export function cancelledAt(message: string): FacetsError {
  return new FacetsError('CANCELLED', `cancelled at the prompt "${message}"; nothing was changed`);
}

/** inquirer paints with its own copy of chalk, which reads neither NO_COLOR nor --no-color. */
function paintPromptsPlain(): void {
  const fromInquirer = createRequire(require.resolve('inquirer'));
  (fromInquirer('chalk') as { level: number }).level = 0;
}

async function ask<T>(question: Record<string, unknown> & { message: string }, colors: boolean): Promise<T> {
  const inquirer = require('inquirer') as Inquirer;
  if (!colors) paintPromptsPlain();
  const prompt = inquirer.prompt([{ ...question, name: 'value' }] as never) as unknown as Promise<{ value: T }> & { ui: PromptUi };
  const ui = prompt.ui;
  // inquirer answers Ctrl-C by sending the process SIGINT: exit 130, or 0 once any module listens for SIGINT.
  const interrupted = new Promise<never>((_resolve, reject) => {
    ui.rl.removeListener('SIGINT', ui.onForceClose);
    ui.rl.once('SIGINT', () => {
      ui.close();
      ui.rl.output.write('\n');
      reject(cancelledAt(question.message));
    });
  });
  prompt.catch(() => undefined);
  try {
    return (await Promise.race([prompt, interrupted])).value;
  } catch (e) {
    if (e instanceof FacetsError) throw e;
    // The readline closed under the prompt (the terminal went away): the user did not answer.
    throw new FacetsError('CANCELLED', `cancelled at the prompt "${question.message}"`, undefined, { cause: String(e) });
  }
}

/** Prompts through inquirer; `colors` says whether they may be painted (the same rule as the rest of the output). */
export function inquirerPrompter(colors: () => boolean): Prompter {
  return {
    input: (message, options = {}) =>
      ask<string>({ type: 'input', message, default: options.default, validate: options.validate }, colors()).then((s) => s.trim()),
    password: (message) => ask<string>({ type: 'password', message, mask: '*', validate: (v: string) => (v ? true : 'required') }, colors()),
    confirm: (message, defaultValue = false) => ask<boolean>({ type: 'confirm', message, default: defaultValue }, colors()),
    select: (message, choices, defaultValue) => ask({ type: 'list', message, choices, default: defaultValue }, colors()),
  };
}
