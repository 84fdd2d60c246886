// Entry point: builds the factory from the process, runs the program, returns the exit code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportError } from './exit';
import { createFactory, type Factory, type FactoryInit } from './factory';
import { endQuietlyWhenOutputCloses, IOStreams } from './io';
import { outputModeFromArgv } from './output-format';
import { buildProgram } from './program';
import { reachedCommand, suggestionFor } from './suggest';
import type { Command } from 'commander';

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

const SUCCESS_CODES = new Set(['commander.helpDisplayed', 'commander.version']);

/** Runs one invocation; `argv` without the node and script entries. */
export async function run(argv: string[], init: FactoryInit): Promise<number> {
  const f: Factory = createFactory(init);
  // Usage errors happen before the preAction hook sets the mode: look at argv directly.
  f.io.setMode({ ...outputModeFromArgv(argv), noColor: argv.includes('--no-color') });
  const program = buildProgram(f, packageVersion(), argv);
  let commandPath = 'facetsctl';
  program.hook('preAction', (_root, action) => {
    const names: string[] = [];
    for (let c: typeof action | null = action; c; c = c.parent) names.unshift(c.name());
    commandPath = names.join(' ');
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if ((e as { name?: string }).name === 'CommanderError') {
      if (code && SUCCESS_CODES.has(code)) return 0;
      if (code === 'commander.help') return 2;
      commandPath = commandPathFromArgv(program, argv);
      (e as Error).message += suggestionFor(program, argv, e as Error & { code?: string });
    }
    const debug = f.globals.debug || argv.includes('--debug');
    return reportError(e, f.io, { debug, commandPath, secrets: secretsOf(f), env: f.env });
  } finally {
    await f.close().catch(() => undefined);
  }
}

function commandPathFromArgv(program: ReturnType<typeof buildProgram>, argv: string[]): string {
  const names: string[] = [];
  for (let c: Command | null = reachedCommand(program, argv); c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function secretsOf(f: Factory): string[] {
  return [f.env.FACETS_TOKEN, f.env.FACETS_PASSWORD].filter((s): s is string => Boolean(s));
}

export async function main(): Promise<void> {
  const env = process.env as Record<string, string | undefined>;
  endQuietlyWhenOutputCloses(process.stdout, process.stderr);
  const io = IOStreams.fromProcess(env);
  const code = await run(process.argv.slice(2), { io, env, cwd: process.cwd() });
  process.exitCode = code;
  // A leftover socket (keep-alive agents) must not keep a finished command alive.
  setTimeout(() => process.exit(code), 200).unref();
}

if (require.main === module) void main();
