// facetsctl completion bash|zsh|fish, and the hidden `__complete KIND` the scripts call for live values.
import type { Command } from 'commander';
import { usage } from '../../core/errors';
import { SHELLS, VALUE_KINDS, type Shell, type ValueKind } from '../completion/spec';
import type { Factory } from '../factory';

export interface CompletionOptions {
  shell: string;
}

function rootOf(command: Command): Command {
  let c = command;
  while (c.parent) c = c.parent;
  return c;
}

export function run(opts: CompletionOptions, program: Command, f: Factory): string {
  if (!(SHELLS as readonly string[]).includes(opts.shell)) {
    throw usage(`no completion for shell "${opts.shell}"`, `use one of: ${SHELLS.join(', ')}`);
  }
  const { completionScript } = require('../completion/generate') as typeof import('../completion/generate');
  const script = completionScript(opts.shell as Shell, program);
  f.io.out.write(script);
  return script;
}

export interface CompleteOptions {
  kind: string;
}

/** Prints one value per line; prints nothing rather than fail loudly inside a shell's completion. */
export async function runComplete(opts: CompleteOptions, f: Factory): Promise<string[]> {
  if (!(VALUE_KINDS as readonly string[]).includes(opts.kind)) {
    throw usage(`unknown completion kind "${opts.kind}"`, `use one of: ${VALUE_KINDS.join(', ')}`);
  }
  const { completionValues } = require('../completion/values') as typeof import('../completion/values');
  const values = await completionValues(opts.kind as ValueKind, f);
  if (values.length > 0) f.io.out.write(values.join('\n') + '\n');
  return values;
}

export function define(parent: Command, f: Factory): Command {
  parent
    .command('__complete <kind>', { hidden: true })
    .description(`live values for shell completion: ${VALUE_KINDS.join(', ')}`)
    .action(async (kind: string) => {
      await runComplete({ kind }, f);
    });
  return parent
    .command('completion <shell>')
    .description(`Print the shell completion script (${SHELLS.join(', ')})`)
    .addHelpText(
      'after',
      `
Examples:
  $ source <(facetsctl completion bash)                                   # bash, this shell
  $ facetsctl completion bash > /usr/share/bash-completion/completions/facetsctl
  $ facetsctl completion zsh > "\${fpath[1]}/_facetsctl"                   # zsh, then restart it
  $ facetsctl completion fish > ~/.config/fish/completions/facetsctl.fish

The same scripts ship in the package's completions/ folder.`,
    )
    .action((shell: string, _opts: unknown, command: Command) => {
      run({ shell }, rootOf(command), f);
    });
}
