// facetsctl init: a commented starter facets.yaml from flags or a terminal, never over an existing file, that the
// commands after it (ci configure, register) work with.
import fs from 'node:fs';
import path from 'node:path';
import { parseBlueprint } from '../../src/controlplane/blueprint';
import { EXIT_CODES } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { putImage, uniqueRepo } from './images';
import { ENTER, runOnTerminal } from './pty';
import { makeWorkspace, repoRoot, type Workspace } from './run-cli';

const open = getInfra().registries.open;
const FLAGS = ['--project', 'shop', '-e', 'dev=QA', '-e', 'staging=QA', '-e', 'production=PRODUCTION', '-s', 'checkout', '-r', open.host];

let ws: Workspace;
beforeEach(() => {
  ws = makeWorkspace();
});
afterEach(() => ws.remove());

const blueprintFile = () => path.join(ws.dir, 'facets.yaml');
const words = (command: string) => command.split(' ').slice(1);
const UP = '\x1b[A';

describe('init from flags writes a commented facets.yaml that loads, and ci configure and register follow', () => {
  test('the file names the project, its release streams (PRODUCTION prod), environments, service and registry', async () => {
    const r = await ws.run(['init', ...FLAGS]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = fs.readFileSync(blueprintFile(), 'utf8');
    expect(text).toMatch(/^# /m);
    const { project } = parseBlueprint(text, 'facets.yaml');
    expect(project).toMatchObject({
      name: 'shop',
      releaseStreams: [{ name: 'QA', prod: false }, { name: 'PRODUCTION', prod: true }],
      environments: [{ name: 'dev', releaseStream: 'QA' }, { name: 'staging', releaseStream: 'QA' }, { name: 'production', releaseStream: 'PRODUCTION' }],
      resources: [{ resourceName: 'checkout', resourceType: 'service' }],
      registries: [{ name: 'main', type: 'OTHERS', uri: open.host, insecure: true }],
    });
    expect(r.stdout).toContain('facetsctl ci configure --registration-type ENVIRONMENT --branch-rule main=dev --promotion dev,staging,production');
  });

  test('the printed next step configures CI/CD, then an image registers and routes to dev', async () => {
    const init = await ws.run(['--json', 'init', ...FLAGS]);
    expect(init.code).toBe(0);
    const { next, content, file } = init.json();
    expect(file).toBe(blueprintFile());
    expect(content).toBe(fs.readFileSync(blueprintFile(), 'utf8'));
    const configure = await ws.run(words(next));
    expect(configure.stderr).toBe('');
    expect(configure.code).toBe(0);
    const repo = uniqueRepo('init');
    const digest = await putImage('open', repo, '1.0.0');
    const register = await ws.run(['--json', 'register', `${open.host}/${repo}:1.0.0`, '--service', 'checkout', '--git-ref', 'main']);
    expect(register.stderr).toBe('');
    expect(register.code).toBe(0);
    expect(register.json()).toMatchObject({ project: 'shop', routedTo: 'dev', artifact: { digest } });
  });

  test('--blueprint elsewhere: the file goes there and the next step names it', async () => {
    fs.mkdirSync(path.join(ws.dir, 'deploy'));
    const r = await ws.run(['--json', '--blueprint', 'deploy/facets.yaml', 'init', '--project', 'shop', '-e', 'dev=QA']);
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(ws.dir, 'deploy', 'facets.yaml'))).toBe(true);
    const { next } = r.json();
    expect(next).toContain(`--blueprint ${path.join(ws.dir, 'deploy', 'facets.yaml')}`);
    expect((await ws.run(words(next))).code).toBe(0);
  });

  test('names YAML would read as something else (true, 1.5) are written so they load as names', async () => {
    const r = await ws.run(['init', '--project', 'true', '-e', '1.5=null', '-s', 'no']);
    expect(r.code).toBe(0);
    const { project } = parseBlueprint(fs.readFileSync(blueprintFile(), 'utf8'), 'facets.yaml');
    expect(project).toMatchObject({ name: 'true', environments: [{ name: '1.5', releaseStream: 'null' }], resources: [{ resourceName: 'no' }] });
  });
});

describe('init refuses to overwrite an existing file (exit 5) unless --force', () => {
  test('an existing facets.yaml is left as it was', async () => {
    ws.write('facets.yaml', 'project: mine\n');
    const r = await ws.run(['init', ...FLAGS]);
    expect(r.code).toBe(EXIT_CODES.CONFLICT);
    expect(r.stderr).toMatch(/facets\.yaml already exists/);
    expect(r.stderr).toMatch(/--force/);
    expect(fs.readFileSync(blueprintFile(), 'utf8')).toBe('project: mine\n');
  });

  test('--force replaces it', async () => {
    ws.write('facets.yaml', 'project: mine\n');
    const r = await ws.run(['--json', 'init', ...FLAGS, '--force']);
    expect(r.code).toBe(0);
    expect(r.json().overwritten).toBe(true);
    expect(parseBlueprint(fs.readFileSync(blueprintFile(), 'utf8'), 'facets.yaml').project.name).toBe('shop');
  });
});

describe('init without enough flags outside a terminal: "required when not running interactively", exit 2, nothing written', () => {
  test.each([
    [['-e', 'dev=QA'], '--project is required when not running interactively'],
    [['--project', 'shop'], '--environment is required when not running interactively'],
    [['--project', 'shop', '-e', 'dev'], '--environment expects NAME=RELEASE_STREAM (got "dev")'],
    [['--project', 'shop', '-e', 'dev=QA', '--prod-stream', 'PROD'], '--prod-stream "PROD" is not the release stream of any environment (known: QA)'],
    [['--project', 'shop', '-e', 'dev=QA', '-e', 'dev=PRODUCTION'], '--environment "dev" is given twice'],
    [['--project', 'shop', '-e', 'dev=QA', '-r', 'https://registry.example.com'], '--registry "https://registry.example.com" must be host[:port][/path]'],
    [['--project', 'my shop', '-e', 'dev=QA'], '--project "my shop" is not a valid name'],
    [['--blueprint', 'nowhere/facets.yaml', '--project', 'shop', '-e', 'dev=QA'], 'nowhere does not exist'],
  ])('%j', async (args, message) => {
    const r = await ws.run(['init', ...args]);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.stderr).toContain(message);
    expect(fs.existsSync(blueprintFile())).toBe(false);
    expect(fs.existsSync(path.join(ws.dir, 'nowhere'))).toBe(false);
  });
});

describe('init on a terminal asks for the project, environments and streams, services and a registry', () => {
  test('answers become the file, which then loads', async () => {
    const r = await runOnTerminal(ws, ['init'], [
      [/\? Project name/, `shop${ENTER}`],
      [/\? Environments and their release streams/, `dev=QA,production=PRODUCTION${ENTER}`],
      [/\? Production release streams[^\n]*\n?[^\n]*\(PRODUCTION\)/, ENTER],
      [/\? Services/, `checkout,cart${ENTER}`],
      [/\? Container registry/, `${open.host}${ENTER}`],
      // The list starts at OTHERS, the default; one up is HARBOR.
      [/\? Registry type/, `${UP}${ENTER}`],
    ]);
    expect(r.code).toBe(0);
    expect(r.screen).toContain('facetsctl ci configure --registration-type ENVIRONMENT --branch-rule main=dev --promotion dev,production');
    const { project } = parseBlueprint(fs.readFileSync(blueprintFile(), 'utf8'), 'facets.yaml');
    expect(project).toMatchObject({
      name: 'shop',
      releaseStreams: [{ name: 'QA', prod: false }, { name: 'PRODUCTION', prod: true }],
      resources: [{ resourceName: 'checkout' }, { resourceName: 'cart' }],
      registries: [{ name: 'main', type: 'HARBOR', uri: open.host }],
    });
    const show = await ws.run(['--json', 'ci', 'show']);
    expect(show.code).toBe(0);
    expect(show.json().project).toBe('shop');
  });

  test('a bad answer is explained under the question and asked again', async () => {
    const r = await runOnTerminal(ws, ['--project', 'shop', 'init'], [
      [/\? Environments and their release streams/, `dev${ENTER}`],
      // The answer stays on the line after the error: typing goes on from it.
      [/--environment expects NAME=RELEASE_STREAM/, `=QA${ENTER}`],
    ]);
    expect(r.code).toBe(0);
    expect(parseBlueprint(fs.readFileSync(blueprintFile(), 'utf8'), 'facets.yaml').project.environments).toEqual([{ id: 'dev', name: 'dev', releaseStream: 'QA' }]);
  });
});

describe('without a blueprint, the error names the command that makes one', () => {
  test('ci show in an empty folder hints at `facetsctl init`', async () => {
    const r = await ws.run(['ci', 'show']);
    expect(r.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(r.stderr).toMatch(/facetsctl init/);
  });

  test('a missing --blueprint file hints at `facetsctl init --blueprint FILE`', async () => {
    const r = await ws.run(['--blueprint', 'nope.yaml', 'ci', 'show']);
    expect(r.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(r.stderr).toMatch(/facetsctl init/);
  });

  const headings = () => fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8').split('\n').filter((l) => /^#{1,4} /.test(l)).map((l) => l.replace(/^#+ /, ''));

  test.each([
    ['the blueprint', 'facets.yaml', 'project: shop\nreleaseStreams: []\nenvironments: []\n', ['ci', 'show']],
    ['a CI/CD file', 'ci.yaml', 'registrationType: SOMETIMES\n', ['ci', 'configure', '--from-file', 'ci.yaml']],
  ])('an error in %s points at a README section that exists', async (_what, file, text, args) => {
    if (file !== 'facets.yaml') ws.write('facets.yaml', 'project: shop\nreleaseStreams: [{name: QA}]\nenvironments: [{name: dev, releaseStream: QA}]\n');
    ws.write(file, text);
    const r = await ws.run(args);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    const section = /see the README, "(.+?)"(?:,|\))/.exec(r.stderr)?.[1];
    expect(headings()).toContain(section);
  });
});
