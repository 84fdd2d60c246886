// What the shell completion scripts know, read off the commander program: commands, flags and where values come from.
import type { Command, Option } from 'commander';
import { CI_STRATEGIES, REGISTRATION_TYPES } from '../../core/model';
import { HISTORY_KINDS } from '../commands/history';

/** Live values come from `facetsctl __complete KIND` (cached); the rest is fixed in the script. */
export const VALUE_KINDS = ['services', 'environments', 'release-streams', 'targets', 'registries', 'profiles'] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

export type ValueSource = { kind: 'live'; values: ValueKind } | { kind: 'choices'; values: string[] } | { kind: 'files' } | { kind: 'any' };

export interface CompletionOption {
  short?: string;
  long?: string;
  description: string;
  /** null = a flag without a value. */
  value: ValueSource | null;
}

export interface CompletionArgument {
  name: string;
  variadic: boolean;
  value: ValueSource;
}

export interface CompletionCommand {
  /** Names from the root, e.g. ['ci', 'configure']; [] is the program itself. */
  path: string[];
  description: string;
  options: CompletionOption[];
  arguments: CompletionArgument[];
  subcommands: CompletionCommand[];
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const live = (values: ValueKind): ValueSource => ({ kind: 'live', values });
const choices = (values: readonly string[]): ValueSource => ({ kind: 'choices', values: [...values] });
const FILES: ValueSource = { kind: 'files' };
const ANY: ValueSource = { kind: 'any' };

/** Where an option's value comes from, by its long name (commander's own choices win). */
const OPTION_VALUES: Record<string, ValueSource> = {
  '--service': live('services'),
  '--environment': live('environments'),
  '--release-stream': live('release-streams'),
  '--registry': live('registries'),
  '--from': live('targets'),
  '--to': live('targets'),
  '--promoted-only': live('targets'),
  '--profile': live('profiles'),
  '--blueprint': FILES,
  '--from-file': FILES,
  '--db': FILES,
  '--output-dir': FILES,
  '--registration-type': choices(REGISTRATION_TYPES),
  '--ci-strategy': choices(CI_STRATEGIES),
  '--strategy': choices(['project', 'service', 'manual']),
  '--kind': choices(HISTORY_KINDS),
};

/** Where a command's option names something new rather than a value of the current project, by path and long name. */
const COMMAND_OPTION_VALUES: Record<string, ValueSource> = {
  'init --environment': ANY,
  'init --prod-stream': ANY,
  'init --service': ANY,
  'init --registry': ANY,
};

/** Positional arguments by command path and argument name. */
const ARGUMENT_VALUES: Record<string, ValueSource> = {
  'registries repos registry': live('registries'),
  'registries tags registry': live('registries'),
  'completion shell': choices(SHELLS),
  'render inputs': FILES,
};

const HELP: CompletionOption = { short: '-h', long: '--help', description: 'display help for command', value: null };

function optionSpec(option: Option, path: string[]): CompletionOption {
  const takesValue = option.required || option.optional;
  let value: ValueSource | null = null;
  const long = option.long ?? '';
  if (takesValue) value = option.argChoices ? choices(option.argChoices) : (COMMAND_OPTION_VALUES[[...path, long].join(' ')] ?? OPTION_VALUES[long] ?? ANY);
  return { short: option.short, long: option.long, description: option.description, value };
}

function isHidden(command: Command): boolean {
  return Boolean((command as unknown as { _hidden?: boolean })._hidden);
}

function commandSpec(command: Command, path: string[]): CompletionCommand {
  const options = command.options.filter((o) => !o.hidden).map((o) => optionSpec(o, path));
  options.push(HELP);
  return {
    path,
    description: command.description(),
    options,
    arguments: command.registeredArguments.map((a) => ({
      name: a.name(),
      variadic: a.variadic,
      value: a.argChoices ? choices(a.argChoices) : (ARGUMENT_VALUES[[...path, a.name()].join(' ')] ?? ANY),
    })),
    subcommands: command.commands.filter((c) => !isHidden(c)).map((c) => commandSpec(c, [...path, c.name()])),
  };
}

/** The whole tree, root first; hidden commands and options are left out. */
export function completionSpec(program: Command): CompletionCommand {
  return commandSpec(program, []);
}

/** Every command of the tree, depth first. */
export function allCommands(root: CompletionCommand): CompletionCommand[] {
  return [root, ...root.subcommands.flatMap(allCommands)];
}

/** Global options that pick the control plane or project: forwarded to `__complete` so live values match. */
export const FORWARDED_GLOBALS = ['--profile', '--control-plane', '--project', '--blueprint'] as const;

export function optionNames(o: CompletionOption): string[] {
  return [o.short, o.long].filter((n): n is string => Boolean(n));
}
