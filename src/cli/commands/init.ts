// facetsctl init: writes a commented starter blueprint (facets.yaml) for the embedded control plane.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import type { StarterEnvironment, StarterInput } from '../../controlplane/blueprint-starter';
import { conflict, FacetsError, usage } from '../../core/errors';
import { REGISTRY_TYPES, type Project, type RegistryType } from '../../core/model';
import { formatCommand } from '../ci-format';
import type { Factory } from '../factory';
import { collect, notInteractive } from '../inputs';

export interface InitOptions {
  environment?: string[];
  prodStream?: string[];
  service?: string[];
  registry?: string;
  registryName?: string;
  registryType?: RegistryType;
  force?: boolean;
}

export interface InitResult {
  file: string;
  overwritten: boolean;
  project: Project;
  /** The step that follows: the project's CI/CD, as one command line. */
  next: string;
  /** The text written. */
  content: string;
}

const DEFAULT_ENVIRONMENTS = 'dev=QA,staging=QA,production=PRODUCTION';
const DEFAULT_REGISTRY_NAME = 'main';
const BLUEPRINT_FILE = 'facets.yaml';

type Starter = typeof import('../../controlplane/blueprint-starter');
const loadStarter = (): Starter => require('../../controlplane/blueprint-starter') as Starter;

/** `dev=QA` pairs, from repeated flags or one comma-separated answer. */
export function parseEnvironments(specs: string[]): StarterEnvironment[] {
  return specs
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean)
    .map((spec) => {
      const eq = spec.indexOf('=');
      if (eq <= 0 || eq === spec.length - 1) throw usage(`--environment expects NAME=RELEASE_STREAM (got "${spec}")`, 'e.g. --environment dev=QA --environment production=PRODUCTION');
      return { name: spec.slice(0, eq).trim(), releaseStream: spec.slice(eq + 1).trim() };
    });
}

const list = (answer: string) => answer.split(',').map((s) => s.trim()).filter(Boolean);

/** A prompt's validate(): the same check the flags get, its message shown under the question. */
function validating(check: (value: string) => unknown): (value: string) => true | string {
  return (value) => {
    try {
      check(value);
      return true;
    } catch (e) {
      return e instanceof FacetsError ? e.message : String(e);
    }
  };
}

/** Where the file goes: --blueprint, else FACETS_BLUEPRINT, else facets.yaml in the working directory. */
function targetFile(f: Factory): { file: string; discoverable: boolean } {
  const given = f.globals.blueprint ?? (f.env.FACETS_BLUEPRINT || undefined);
  const file = path.resolve(f.cwd, given ?? BLUEPRINT_FILE);
  // The commands that follow find it by themselves when FACETS_BLUEPRINT names it or it is ./facets.yaml.
  const discoverable = (f.globals.blueprint === undefined && given !== undefined) || file === path.join(path.resolve(f.cwd), BLUEPRINT_FILE);
  return { file, discoverable };
}

/** Flags first; on a terminal with no flag at all every question is asked, with flags only the missing required ones. */
async function gatherInput(opts: InitOptions, f: Factory): Promise<StarterInput> {
  const starter = loadStarter();
  const anyFlag = [f.globals.project, opts.environment, opts.prodStream, opts.service, opts.registry, opts.registryName, opts.registryType].some((v) => v !== undefined);
  const canPrompt = f.io.canPrompt();
  const askAll = canPrompt && !anyFlag;

  let project = f.globals.project;
  if (project === undefined) {
    if (!canPrompt) throw notInteractive('--project');
    const suggested = path.basename(path.resolve(f.cwd)).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '');
    project = await f.prompter.input('Project name', { default: suggested || undefined, validate: validating((v) => starter.checkStarterInput({ ...EMPTY, project: v.trim() })) });
  }

  let environments = opts.environment ? parseEnvironments(opts.environment) : undefined;
  if (environments === undefined) {
    if (!canPrompt) throw notInteractive('--environment');
    const check = (v: string) => starter.checkStarterInput({ ...EMPTY, environments: parseEnvironments([v]) });
    environments = parseEnvironments([await f.prompter.input('Environments and their release streams (NAME=RELEASE_STREAM, comma-separated)', { default: DEFAULT_ENVIRONMENTS, validate: validating(check) })]);
  }

  const streams = starter.releaseStreamsOf(environments);
  let prodStreams = opts.prodStream?.flatMap(list) ?? starter.defaultProdStreams(streams);
  if (askAll) {
    const check = (v: string) => starter.checkStarterInput({ ...EMPTY, environments: environments!, prodStreams: list(v) });
    prodStreams = list(await f.prompter.input(`Production release streams, comma-separated (of: ${streams.join(', ')}; empty for none)`, { default: prodStreams.join(','), validate: validating(check) }));
  }

  let services = opts.service?.flatMap(list) ?? [];
  if (askAll) {
    services = list(await f.prompter.input('Services, comma-separated (empty for none yet)', { validate: validating((v) => starter.checkStarterInput({ ...EMPTY, services: list(v) })) }));
  }

  let uri = opts.registry;
  if (askAll) {
    const check = (v: string) => v.trim() && starter.checkStarterInput({ ...EMPTY, registry: { name: DEFAULT_REGISTRY_NAME, type: 'OTHERS', uri: v.trim() } });
    uri = (await f.prompter.input('Container registry, host[:port][/path] (empty for none yet)', { validate: validating(check) })) || undefined;
  }
  let type = opts.registryType ?? 'OTHERS';
  if (askAll && uri) type = await f.prompter.select('Registry type', REGISTRY_TYPES.map((t) => ({ name: t, value: t })), 'OTHERS');
  if (uri === undefined && (opts.registryName !== undefined || opts.registryType !== undefined)) throw usage('--registry-name and --registry-type need --registry URI', 'e.g. --registry 127.0.0.1:5000');
  const registry = uri ? { name: opts.registryName ?? DEFAULT_REGISTRY_NAME, type, uri } : null;

  return { project, environments, prodStreams, services, registry };
}

/** A value every check passes, for checking one answer at a time. */
const EMPTY: StarterInput = { project: 'project', environments: [{ name: 'dev', releaseStream: 'QA' }], prodStreams: [], services: [], registry: null };

/** Written whole or not at all: a temporary file, then a link that fails if the file appeared meanwhile (or a rename with --force). */
function writeNew(file: string, text: string, force: boolean): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temporary, text, { mode: 0o644 });
    if (force) fs.renameSync(temporary, file);
    else linkOrCreate(temporary, file, text);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EEXIST' && !force) throw exists(file);
    throw usage(`cannot write ${file}: ${err.message}`, 'check that the folder is writable, or pass --blueprint FILE');
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** A file system without hard links gets an exclusive create of the same few hundred bytes instead. */
function linkOrCreate(temporary: string, file: string, text: string): void {
  try {
    fs.linkSync(temporary, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
    fs.writeFileSync(file, text, { flag: 'wx', mode: 0o644 });
  }
}

const exists = (file: string) => conflict(`${file} already exists`, 'edit it, or pass --force to replace it with a new starter');

function nextStep(project: Project, file: string, discoverable: boolean): string {
  const envs = project.environments.map((e) => e.name);
  return formatCommand(['facetsctl', ...(discoverable ? [] : ['--blueprint', file]), 'ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', `main=${envs[0]}`, '--promotion', envs.join(',')]);
}

export async function run(opts: InitOptions, f: Factory): Promise<InitResult> {
  const { file, discoverable } = targetFile(f);
  // No folder is made: a mistyped --blueprint path is an error, not a new tree (and mkdir -p loops on /proc in Node 20).
  const folder = path.dirname(file);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw usage(`folder ${folder} does not exist`, `create it first, or pass --blueprint with a file in an existing folder`);
  const existed = fs.existsSync(file);
  if (existed && fs.statSync(file).isDirectory()) throw usage(`${file} is a folder`, 'pass --blueprint FILE with a file name');
  // Refused before any question: nothing to answer for a file that will not be written.
  if (existed && !opts.force) throw exists(file);
  const input = await gatherInput(opts, f);
  const { text, blueprint } = loadStarter().starterBlueprint(input, path.basename(file));
  writeNew(file, text, Boolean(opts.force));

  const result: InitResult = { file, overwritten: existed, project: blueprint.project, next: nextStep(blueprint.project, file, discoverable), content: text };
  if (f.io.json) {
    f.io.printJson(result);
    return result;
  }
  const c = f.io.color;
  const p = blueprint.project;
  const streams = p.releaseStreams.map((s) => (s.prod ? `${s.name} (prod)` : s.name)).join(', ');
  f.io.println(`${existed ? 'Replaced' : 'Wrote'} ${file}: project ${c.bold(p.name)}, release streams ${streams}, environments ${p.environments.map((e) => e.name).join(', ')}`);
  f.io.println(`  services: ${p.resources.map((r) => r.resourceName).join(', ') || 'none yet (add them under services:)'}; registries: ${p.registries.map((r) => `${r.name} (${r.uri})`).join(', ') || 'none yet (add one under registries:)'}`);
  f.io.println('Next, the CI/CD of the project (on a terminal `facetsctl ci configure` asks its questions):');
  f.io.println(`  ${result.next}`);
  return result;
}

export function define(parent: Command, f: Factory): Command {
  return parent
    .command('init')
    .description('Write a commented starter blueprint (facets.yaml) for a new project')
    .option('-e, --environment <name=stream>', 'an environment and its release stream, e.g. dev=QA (repeatable, in promotion order)', collect)
    .option('--prod-stream <name>', 'a release stream with prod: true (repeatable; default: the streams whose name starts with "prod")', collect)
    .option('-s, --service <name>', 'a service (repeatable)', collect)
    .option('-r, --registry <uri>', 'a container registry, host[:port][/path] without a scheme')
    .option('--registry-name <name>', `the registry's name (default: ${DEFAULT_REGISTRY_NAME})`)
    .addOption(new Option('--registry-type <type>', "the registry's type (default: OTHERS)").choices(REGISTRY_TYPES))
    .option('--force', 'replace an existing file')
    .addHelpText(
      'after',
      `
Examples:
  $ facetsctl init                                  # asks on a terminal
  $ facetsctl init --project shop --environment dev=QA --environment staging=QA --environment production=PRODUCTION \\
      --service checkout --registry 127.0.0.1:5000
  $ facetsctl --blueprint deploy/facets.yaml init --project shop -e dev=QA -e production=PRODUCTION --prod-stream PRODUCTION

Writes facets.yaml in the working directory (or --blueprint FILE, FACETS_BLUEPRINT); an existing file is
left alone (exit 5) unless --force. --project is required when not running interactively, and so is
--environment. The file loads as written; then configure CI/CD with \`facetsctl ci configure\`.`,
    )
    .action(async (opts: InitOptions) => {
      await run(opts, f);
    });
}
