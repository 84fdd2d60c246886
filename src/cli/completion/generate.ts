// One entry point for the three shells, and where their scripts live in the package.
import type { Command } from 'commander';
import { bashScript } from './bash';
import { fishScript } from './fish';
import { completionSpec, type Shell } from './spec';
import { zshScript } from './zsh';

/** File names under completions/ (zsh wants `_facetsctl` on $fpath). */
export const SCRIPT_FILES: Record<Shell, string> = { bash: 'facetsctl.bash', zsh: '_facetsctl', fish: 'facetsctl.fish' };

export function completionScript(shell: Shell, program: Command): string {
  const spec = completionSpec(program);
  if (shell === 'bash') return bashScript(spec);
  if (shell === 'zsh') return zshScript(spec);
  return fishScript(spec);
}
