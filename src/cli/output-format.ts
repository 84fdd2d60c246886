// -o table|wide|json|yaml and --jq EXPR on list and show commands, as kubectl and gh offer them (--json stays).
import { Option, type Command } from 'commander';
import { usage } from '../core/errors';
import type { IOStreams, OutputMode } from './io';

export const OUTPUT_FORMATS = ['table', 'wide', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Adds -o/--output and --jq to a list or show command. */
export function withOutputOptions(command: Command): Command {
  return command
    .addOption(new Option('-o, --output <format>', 'table, wide (more columns), json or yaml (the --json document)').choices(OUTPUT_FORMATS))
    .option('--jq <expression>', 'filter the JSON document with a jq expression; strings print without quotes');
}

/** What --json, -o and --jq ask of the IO streams; conflicting asks are a usage error. */
export function outputMode(o: { json?: unknown; output?: unknown; jq?: unknown }): Partial<OutputMode> {
  const output = o.output as OutputFormat | undefined;
  const jq = o.jq as string | undefined;
  if (jq !== undefined && output !== undefined && output !== 'json') throw usage(`--jq filters the JSON document: it cannot be used with -o ${output}`, 'drop -o, or use -o json');
  if (jq !== undefined && jq.trim() === '') throw usage('--jq needs a jq expression', "e.g. --jq '.items[].artifactUri'");
  if (o.json && output !== undefined && output !== 'json') throw usage(`--json and -o ${output} ask for different output: give one of them`, `drop --json, or use -o json`);
  const json = Boolean(o.json) || output === 'json' || output === 'yaml' || jq !== undefined;
  return { json, documentFormat: output === 'yaml' ? 'yaml' : 'json', jq, wide: output === 'wide' };
}

/** The same, read off argv before commander has parsed it (a usage error must already come out as a document). */
export function outputModeFromArgv(argv: string[]): Partial<OutputMode> {
  let output: string | undefined;
  let jq: string | undefined;
  argv.forEach((word, i) => {
    if (word === '-o' || word === '--output') output = argv[i + 1];
    else if (word.startsWith('--output=')) output = word.slice('--output='.length);
    else if (word === '--jq') jq = argv[i + 1] ?? '';
  });
  const known = OUTPUT_FORMATS.includes(output as OutputFormat) ? output : undefined;
  return { json: argv.includes('--json') || known === 'json' || known === 'yaml' || jq !== undefined, documentFormat: known === 'yaml' ? 'yaml' : 'json', jq };
}

/** The command's result: the one document (--json, -o json|yaml, --jq), else the human view (-o table, -o wide). */
export async function printOutput(io: IOStreams, document: unknown, human: () => void): Promise<void> {
  if (!io.json) return human();
  if (io.jq === undefined) return io.printJson(document);
  const { runJq } = require('./jq') as typeof import('./jq');
  const out = await runJq(io.jq, document);
  io.printText(out === '' ? '' : `${out}\n`);
}
