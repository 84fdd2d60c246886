// The commander program: global options and every command, each defined in src/cli/commands/<name>.ts.
import { Command, Option } from 'commander';
import type { Factory } from './factory';
import { requestTimeoutMs } from './inputs';
import { outputMode } from './output-format';
import { usage } from '../core/errors';

/** A command module: `define(parent, f)` adds its commander command under `parent`. */
export interface CommandModule {
  define(parent: Command, f: Factory): Command;
}

type Loader = () => CommandModule;

const TOP_LEVEL: Array<[name: string, load: Loader]> = [
  ['init', () => require('./commands/init')],
  ['login', () => require('./commands/login')],
  ['logout', () => require('./commands/logout')],
  ['whoami', () => require('./commands/whoami')],
  ['push', () => require('./commands/push')],
  ['register', () => require('./commands/register')],
  ['attach', () => require('./commands/attach')],
  ['detach', () => require('./commands/detach')],
  ['resolve', () => require('./commands/resolve')],
  ['promote', () => require('./commands/promote')],
  ['history', () => require('./commands/history')],
  ['render', () => require('./commands/render')],
  ['serve', () => require('./commands/serve')],
  ['completion', () => require('./commands/completion')],
];

const GROUPS: Array<[name: string, description: string, members: Array<[string, Loader]>]> = [
  [
    'ci',
    'Configure the CI/CD workflow (registration type, routing rules, promotion, image version policy)',
    [
      ['configure', () => require('./commands/ci-configure')],
      ['show', () => require('./commands/ci-show')],
      ['reset', () => require('./commands/ci-reset')],
    ],
  ],
  ['artifacts', 'List registered artifacts', [['list', () => require('./commands/artifacts-list')]]],
  [
    'registries',
    'Browse the project\'s container registries',
    [
      ['list', () => require('./commands/registries-list')],
      ['repos', () => require('./commands/registries-repos')],
      ['tags', () => require('./commands/registries-tags')],
    ],
  ],
];

/** Global options that take a value: the word after them is not a command. */
const GLOBAL_VALUE_OPTIONS = new Set(['--profile', '--control-plane', '--project', '--blueprint', '--timeout']);

/** Commands that describe the whole program (the completion scripts list every command). */
const WHOLE_PROGRAM = new Set(['completion']);

/**
 * The top-level command (or group) `argv` runs, when it is one of ours and needs no other; null when none is named
 * (root help, a typo) or the command describes the whole program.
 */
export function invokedCommand(argv: string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (GLOBAL_VALUE_OPTIONS.has(word)) i++;
    else if (word === '--') return null;
    else if (!word.startsWith('-')) {
      const known = TOP_LEVEL.some(([name]) => name === word) || GROUPS.some(([name]) => name === word);
      return known && !WHOLE_PROGRAM.has(word) ? word : null;
    }
  }
  return null;
}


/**
 * The program; given the invocation's argv, with only the command it names (help, suggestions and the command list
 * need them all, so they get them all): the other command modules are neither loaded nor defined.
 */
export function buildProgram(f: Factory, version: string, argv?: string[]): Command {
  const only = argv ? invokedCommand(argv) : null;
  const program = new Command('facetsctl')
    .description('Attach container images to the services of a Facets project: register, push, attach, route and promote.')
    .version(version, '-V, --version', 'print the version')
    .option('--json', 'print exactly one JSON document on stdout')
    .option('-q, --quiet', 'no progress or information on stderr')
    .option('--no-color', 'no colors (also NO_COLOR=1)')
    .addOption(new Option('--profile <name>', 'credentials profile from ~/.facets/credentials').env('FACETS_PROFILE'))
    .option('--control-plane <url>', 'remote control plane URL (default: embedded, unless logged in)')
    .option('--project <name>', 'project (blueprint) name; default: the only one')
    .option('--blueprint <file>', 'blueprint file for the embedded control plane (default: facets.yaml upward from cwd)')
    .option('-y, --yes', 'answer yes to confirmations (needed for destructive steps in scripts)')
    .option('--timeout <seconds>', 'most seconds one HTTP request may take, retries included (default 60)')
    .option('--debug', 'print debug details, HTTP requests and stack traces on stderr (secrets redacted)')
    .showHelpAfterError(false)
    // Commander suggests any word within three edits ("bogus" -> logout); main.ts suggests near misses only.
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void f.io.out.write(s),
      writeErr: (s) => void f.io.err.write(s),
      outputError: () => undefined,
    })
    .addHelpText(
      'after',
      `
Examples:
  $ facetsctl ci configure --registration-type ENVIRONMENT --branch-rule main=dev --branch-rule 'release/*=staging'
  $ facetsctl register 127.0.0.1:5000/shop/checkout:1.4.2 --service checkout --git-ref main
  $ facetsctl resolve --service checkout --all
  $ facetsctl --json artifacts list --service checkout

Control plane: embedded (a local SQLite store beside facets.yaml) unless --control-plane,
FACETS_CONTROL_PLANE_URL or a logged-in profile points at a remote one.`,
    );

  program.hook('preAction', (_root, action) => {
    const o = action.optsWithGlobals() as Record<string, unknown>;
    if (o.profile === '' && action.getOptionValueSourceWithGlobals('profile') !== 'env') throw usage('--profile needs a profile name', 'e.g. --profile staging; without it the "default" profile is used');
    const mode = outputMode(o);
    f.globals = {
      json: Boolean(mode.json),
      quiet: Boolean(o.quiet),
      color: o.color !== false,
      // An empty FACETS_PROFILE is unset, as for the other variables (commander would pass it on as "").
      profile: o.profile === '' && action.getOptionValueSourceWithGlobals('profile') === 'env' ? undefined : (o.profile as string | undefined),
      controlPlane: o.controlPlane as string | undefined,
      project: o.project as string | undefined,
      blueprint: o.blueprint as string | undefined,
      yes: Boolean(o.yes),
      debug: Boolean(o.debug),
      timeoutMs: requestTimeoutMs(o.timeout as string | undefined, f.env.FACETS_HTTP_TIMEOUT),
    };
    f.io.setMode({ ...mode, quiet: f.globals.quiet, noColor: !f.globals.color });
  });

  for (const [name, loader] of TOP_LEVEL) if (only === null || only === name) loader().define(program, f);
  for (const [name, description, members] of GROUPS) {
    if (only !== null && only !== name) continue;
    const group = program.command(name).description(description);
    for (const [member, loader] of members) loader().define(group, f);
  }
  return program;
}
