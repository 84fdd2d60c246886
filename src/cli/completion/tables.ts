// The lookup tables every script embeds: subcommands, options and value sources per command path.
import { allCommands, optionNames, type CompletionCommand, type CompletionOption, type ValueSource } from './spec';

/** One script token for a value source: `@kind` live, `<files>`, `=a b c` fixed choices, `*` anything. */
export function sourceToken(source: ValueSource | null): string {
  if (source === null) return '-';
  switch (source.kind) {
    case 'live':
      return `@${source.values}`;
    case 'files':
      return '<files>';
    case 'choices':
      return `=${source.values.join(' ')}`;
    default:
      return '*';
  }
}

export function pathKey(command: CompletionCommand): string {
  return command.path.join(' ');
}

/** Root options are accepted after any subcommand too (commander's default); --version only at the root. */
export function globalOptions(root: CompletionCommand): CompletionOption[] {
  return root.options.filter((o) => o.long !== '--version' && o.long !== '--help');
}

export function optionsAt(root: CompletionCommand, command: CompletionCommand): CompletionOption[] {
  return command.path.length === 0 ? root.options : [...command.options, ...globalOptions(root)];
}

export interface ValueRow {
  /** `path option` for each name of the option, e.g. `register -s` and `register --service`. */
  keys: string[];
  token: string;
}

/** Every option that takes a value, of every command, with where the value comes from (flags are left out). */
export function optionValueRows(root: CompletionCommand): ValueRow[] {
  return allCommands(root).flatMap((command) =>
    command.options.filter((option) => option.value !== null).map((option) => ({ keys: optionNames(option).map((name) => [...command.path, name].join(' ')), token: sourceToken(option.value) })),
  );
}

/** Positional arguments: `path#index` -> token (the last variadic one also answers for later indexes). */
export function argumentRows(root: CompletionCommand): Array<{ path: string; index: number; variadic: boolean; token: string }> {
  return allCommands(root).flatMap((command) =>
    command.arguments.map((a, index) => ({ path: pathKey(command), index, variadic: a.variadic, token: sourceToken(a.value) })),
  );
}

/** Single-quoted for sh/zsh/fish ('\'' for a quote inside). */
export function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** First line of a description, without a trailing period, short enough for a completion menu. */
export function shortDescription(text: string): string {
  const first = text.split('\n')[0].replace(/\.$/, '');
  return first.length > 80 ? `${first.slice(0, 77)}...` : first;
}
