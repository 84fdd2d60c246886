// Questions on a terminal. inquirer is loaded only when a question is actually asked.
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

async function ask<T>(question: Record<string, unknown>): Promise<T> {
  const inquirer = require('inquirer') as Inquirer;
  try {
    const answers = await inquirer.prompt([{ ...question, name: 'value' }] as never);
    return (answers as { value: T }).value;
  } catch (e) {
    // Ctrl-C closes the readline: the user said no.
    throw new FacetsError('CANCELLED', 'cancelled at the prompt', undefined, { cause: String(e) });
  }
}

export const inquirerPrompter: Prompter = {
  input: (message, options = {}) =>
    ask<string>({ type: 'input', message, default: options.default, validate: options.validate }).then((s) => s.trim()),
  password: (message) => ask<string>({ type: 'password', message, mask: '*', validate: (v: string) => (v ? true : 'required') }),
  confirm: (message, defaultValue = false) => ask<boolean>({ type: 'confirm', message, default: defaultValue }),
  select: (message, choices, defaultValue) => ask({ type: 'list', message, choices, default: defaultValue }),
};
