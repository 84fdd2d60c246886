// Shell completion: the checked-in scripts match the program, bash completes for real, live values are cached.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { completionScript, SCRIPT_FILES } from '../../src/cli/completion/generate';
import { SHELLS } from '../../src/cli/completion/spec';
import { CACHE_TTL_MS } from '../../src/cli/completion/values';
import { createFactory } from '../../src/cli/factory';
import { IOStreams } from '../../src/cli/io';
import { buildProgram } from '../../src/cli/program';
import { baseEnv, BIN, makeWorkspace, repoRoot, shopBlueprint, startServe, type Workspace } from '../cli/run-cli';

const completionsDir = path.join(repoRoot, 'completions');
const scriptPath = (shell: keyof typeof SCRIPT_FILES) => path.join(completionsDir, SCRIPT_FILES[shell]);

function programInProcess() {
  const sink = { write: () => true };
  const io = new IOStreams({ stdout: sink, stderr: sink, isStdinTTY: false, isStdoutTTY: false, isStderrTTY: false, env: {} });
  const version = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version;
  return buildProgram(createFactory({ io, env: {}, cwd: repoRoot, homedir: repoRoot }), version);
}

let ws: Workspace;
/** A directory with `facetsctl` in it, first on PATH, as after `npm install -g`. */
let binDir: string;

beforeAll(() => {
  ws = makeWorkspace(shopBlueprint([{ name: 'open', uri: '127.0.0.1:5000' }, { name: 'ecr', uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com' }]));
  binDir = path.join(ws.dir, '..', 'bin');
  fs.mkdirSync(binDir);
  fs.symlinkSync(BIN, path.join(binDir, 'facetsctl'));
});
afterAll(() => ws.remove());

function shellEnv(w: Workspace, extra: Record<string, string> = {}): Record<string, string> {
  return { ...baseEnv(w.home), PATH: `${binDir}:${process.env.PATH}`, ...extra };
}

/** Sources the bash script, sets COMP_WORDS/COMP_CWORD as bash does for `line`, calls the function, reads COMPREPLY. */
function bashComplete(words: string[], w: Workspace = ws, env: Record<string, string> = {}): string[] {
  const program = `
source "$1"; shift
complete -p facetsctl >/dev/null || exit 90
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=\${#COMP_LINE}
_facetsctl
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', program, 'bash', scriptPath('bash'), 'facetsctl', ...words], {
    cwd: w.dir,
    env: shellEnv(w, env),
    encoding: 'utf8',
  });
  return out.split('\n').filter((l) => l !== '');
}

describe('the checked-in completion scripts (completions/) are what the program generates', () => {
  const program = programInProcess();
  test.each([...SHELLS])('%s: the file equals the generated script (regenerate with `npm run completions`)', (shell) => {
    expect(fs.readFileSync(scriptPath(shell), 'utf8')).toBe(completionScript(shell, program));
  });

  test.each([...SHELLS])('`facetsctl completion %s` prints the same script', async (shell) => {
    const r = await ws.run(['completion', shell]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(fs.readFileSync(scriptPath(shell), 'utf8'));
  });

  test('an unknown shell is a usage error naming the shells', async () => {
    const r = await ws.run(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: no completion for shell "tcsh"');
    expect(r.stderr).toContain('use one of: bash, zsh, fish');
  });

  test('the hidden __complete command is in no script and not in --help', async () => {
    const help = await ws.run(['--help']);
    expect(help.stdout).toContain('completion <shell>');
    expect(help.stdout).not.toContain('__complete');
    for (const shell of SHELLS) expect(fs.readFileSync(scriptPath(shell), 'utf8')).not.toMatch(/'__complete'|-a __complete/);
  });
});

describe('bash completes commands, flags and live values (the script run by bash: COMP_WORDS in, COMPREPLY out)', () => {
  const cases: Array<[string, string[], string[] | ReturnType<typeof expect.arrayContaining>]> = [
    ['top-level commands by prefix', ['re'], ['register', 'registries', 'render', 'resolve']],
    ['render: its flags', ['render', '--'], expect.arrayContaining(['--environment', '--output-dir', '--allow-unresolved'])],
    ['the output formats of -o', ['artifacts', 'list', '-o', ''], ['json', 'table', 'wide', 'yaml']],
    ['history --diff', ['history', '--di'], ['--diff']],
    ['--jq on a list command', ['resolve', '--j'], ['--jq', '--json']],
    ['render: environments (live) for -e', ['render', '-e', ''], ['dev', 'production', 'staging']],
    ['render: files as inputs, more than one', ['render', '-e', 'dev', 'facets.yaml', 'fac'], ['facets.yaml']],
    ['subcommands of a group', ['ci', ''], ['configure', 'reset', 'show']],
    ['subcommands after a global option', ['--json', 'registries', ''], ['list', 'repos', 'tags']],
    ["a command's flags", ['register', '--se'], ['--service']],
    ['global flags after a command', ['resolve', '--js'], ['--json']],
    ['services of the project (live)', ['register', 'img:1', '--service', ''], ['cart', 'checkout']],
    ['services after the short flag', ['resolve', '-s', 'c'], ['cart', 'checkout']],
    ['environments (live)', ['--json', 'artifacts', 'list', '-e', ''], ['dev', 'production', 'staging']],
    ['release streams (live)', ['register', 'img:1', '--release-stream', ''], ['PRODUCTION', 'QA']],
    ['promotion targets: environments and release streams', ['promote', '-s', 'checkout', '--to', ''], ['PRODUCTION', 'QA', 'dev', 'production', 'staging']],
    ['registries as a positional argument', ['registries', 'tags', ''], ['ecr', 'open']],
    ['registries of --registry', ['push', 'img', '--registry', 'o'], ['open']],
    ['fixed choices of a flag', ['ci', 'configure', '--registration-type', ''], ['ENVIRONMENT', 'RELEASE_STREAM']],
    ["commander's own choices", ['attach', '--type', ''], ['docker_image', 'freestyle']],
    ['the shells of `completion`', ['completion', ''], ['bash', 'fish', 'zsh']],
    ['files for --blueprint', ['--blueprint', 'fac'], ['facets.yaml']],
    ['a value after --opt= (bash splits at the =)', ['resolve', '--service', '=', ''], ['cart', 'checkout']],
    ['a value right at the = of --opt=', ['resolve', '--service', '='], ['cart', 'checkout']],
    ['nothing for a free-text value', ['register', 'img', '--description', ''], []],
    ['nothing after the last positional argument', ['registries', 'tags', 'open', 'shop/app', ''], []],
  ];
  test.each(cases)('%s', (_name, words, expected) => {
    expect(bashComplete(words).sort()).toEqual(expected);
  });

  test('--blueprint on the command line is forwarded: values come from that blueprint', () => {
    const other = ws.write('other/facets.yaml', shopBlueprint().replace('services:\n  - {name: checkout, type: service}\n  - {name: cart}', 'services:\n  - {name: billing}'));
    expect(bashComplete(['--blueprint', other, 'resolve', '-s', ''])).toEqual(['billing']);
    // bash splits --blueprint=FILE at the = (COMP_WORDBREAKS); with = taken out of it, it stays one word
    expect(bashComplete(['--blueprint', '=', other, 'resolve', '-s', ''])).toEqual(['billing']);
    expect(bashComplete([`--blueprint=${other}`, 'resolve', '-s', ''])).toEqual(['billing']);
  });

  test('profiles from ~/.facets/credentials for --profile', () => {
    fs.mkdirSync(path.join(ws.home, '.facets'), { recursive: true });
    fs.writeFileSync(path.join(ws.home, '.facets', 'credentials'), '[default]\ncontrol_plane_url = http://127.0.0.1:1\n\n[staging]\ncontrol_plane_url = http://127.0.0.1:2\n', { mode: 0o600 });
    try {
      expect(bashComplete(['--profile', ''])).toEqual(['default', 'staging']);
    } finally {
      fs.rmSync(path.join(ws.home, '.facets'), { recursive: true });
    }
  });
});

const fishInstalled = spawnSync('fish', ['--version']).status === 0;
(fishInstalled ? describe : describe.skip)('fish completes the same (complete -C in a fish subprocess)', () => {
  test.each<[string, string[]]>([
    ['facetsctl ci ', ['configure', 'reset', 'show']],
    ['facetsctl register x --service ', ['cart', 'checkout']],
    ['facetsctl registries repos ', ['ecr', 'open']],
    ['facetsctl completion ', ['bash', 'fish', 'zsh']],
  ])('%s', (line, expected) => {
    const out = execFileSync('fish', ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', scriptPath('fish'), line], { cwd: ws.dir, env: shellEnv(ws), encoding: 'utf8' });
    expect(out.split('\n').filter(Boolean).map((l) => l.split('\t')[0]).sort()).toEqual(expected);
  });
});

const zshInstalled = spawnSync('zsh', ['--version']).status === 0;
(zshInstalled ? test : test.skip)('zsh parses the zsh script (zsh -n)', () => {
  expect(spawnSync('zsh', ['-n', scriptPath('zsh')]).status).toBe(0);
});

describe('live values come from the embedded blueprint or the remote control plane, cached for a minute under ~/.cache/facetsctl', () => {
  test('__complete reads the blueprint; an edited blueprint is read again at once', async () => {
    const w = makeWorkspace(shopBlueprint());
    try {
      expect((await w.run(['__complete', 'services'])).stdout).toBe('checkout\ncart\n');
      w.write('facets.yaml', shopBlueprint().replace('  - {name: cart}', '  - {name: cart}\n  - {name: search}'));
      expect((await w.run(['__complete', 'services'])).stdout).toBe('checkout\ncart\nsearch\n');
      expect(fs.readdirSync(path.join(w.home, '.cache', 'facetsctl')).filter((f) => f.endsWith('.json')).length).toBe(2);
    } finally {
      w.remove();
    }
  });

  test('an unknown kind is a usage error', async () => {
    const r = await ws.run(['__complete', 'tags']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown completion kind "tags"');
  });

  test('remote: read once from the control plane, then from the cache until it is a minute old', async () => {
    const server = makeWorkspace(shopBlueprint([{ name: 'open', uri: '127.0.0.1:5000' }]));
    const client = makeWorkspace();
    const serve = await startServe(server);
    try {
      const env = { FACETS_CONTROL_PLANE_URL: serve.url, FACETS_USERNAME: 'admin', FACETS_TOKEN: serve.adminToken };
      const first = await client.run(['__complete', 'environments'], { env });
      expect(first.stderr).toBe('');
      expect(first.stdout).toBe('dev\nstaging\nproduction\n');
      await serve.stop();
      const cached = await client.run(['__complete', 'registries'], { env });
      expect(cached).toMatchObject({ code: 0, stdout: 'open\n' });
      const cacheDir = path.join(client.home, '.cache', 'facetsctl');
      const [file] = fs.readdirSync(cacheDir);
      expect(fs.readFileSync(path.join(cacheDir, file), 'utf8')).not.toContain(serve.adminToken);
      const old = new Date(Date.now() - CACHE_TTL_MS - 1000);
      fs.utimesSync(path.join(cacheDir, file), old, old);
      const stale = await client.run(['__complete', 'registries'], { env });
      expect(stale.stdout).toBe('');
      expect(stale.code).toBe(9);
    } finally {
      await serve.stop();
      server.remove();
      client.remove();
    }
  });
});
