// -o table|wide|json|yaml and --jq EXPR on list and show commands (--json stays), on the embedded store and `serve`.
import { parse } from 'yaml';
import { MODES, ok, openAttachProject, type AttachProject } from './attach-fixture';

const COMMANDS: Array<[string, string[]]> = [
  ['artifacts list', ['artifacts', 'list', '-s', 'checkout']],
  ['history', ['history', '-s', 'checkout']],
  ['resolve', ['resolve', '-s', 'checkout']],
  ['registries list', ['registries', 'list']],
  ['ci show', ['ci', 'show', '-s', 'checkout']],
];

describe.each(MODES)('output formats of list and show commands (%s control plane)', (mode) => {
  let p: AttachProject;
  let uri = '';
  beforeAll(async () => {
    p = await openAttachProject(mode, 'output');
    const digest = await p.upload('1.0.0');
    ok(await p.cli(['--json', 'ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev']));
    ok(await p.cli(['--json', 'register', `${p.openHost}/${p.repository}:1.0.0`, '-s', 'checkout', '--git-ref', 'main']));
    uri = `${p.openHost}/${p.repository}:1.0.0@${digest}`;
  });
  afterAll(async () => {
    await p?.close();
  });

  test.each(COMMANDS)('%s: -o json is the --json document, -o yaml the same document in YAML', async (_name, args) => {
    const json = ok(await p.cli(['--json', ...args]));
    // history and artifacts list carry times that do not change between runs; nothing here is written in between.
    expect(ok(await p.cli([...args, '-o', 'json']))).toEqual(json);
    const yaml = await p.cli([...args, '-o', 'yaml']);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout.trimStart().startsWith('{')).toBe(false);
    expect(parse(yaml.stdout)).toEqual(json);
  });

  test.each(COMMANDS)('%s: -o table is the default table', async (_name, args) => {
    const table = await p.cli([...args, '-o', 'table']);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe((await p.cli(args)).stdout);
  });

  test('-o wide: more columns and whole digests', async () => {
    const table = (await p.cli(['artifacts', 'list', '-s', 'checkout'])).stdout.split('\n');
    const wide = (await p.cli(['artifacts', 'list', '-s', 'checkout', '-o', 'wide'])).stdout.split('\n');
    expect(table[0].split(/\s+/)).toEqual(['ID', 'TARGET', 'ARTIFACT', 'TAGS', 'BRANCH', 'PROMOTED', 'CREATED']);
    expect(wide[0].split(/\s{2,}/)).toEqual(['ID', 'TARGET', 'ARTIFACT', 'TAGS', 'BRANCH', 'PROMOTED', 'CREATED', 'REGISTRY', 'EXTERNAL ID', 'FROM', 'BY']);
    expect(table[1]).not.toContain(uri);
    expect(wide[1]).toContain(uri);
    expect(wide[1]).toContain(' local ');
    const resolve = (await p.cli(['resolve', '-s', 'checkout', '-o', 'wide'])).stdout.split('\n');
    expect(resolve[0].split(/\s+/)).toEqual(['ENVIRONMENT', 'IMAGE', 'SOURCE', 'ARTIFACT', 'REV', 'WHY']);
    expect((await p.cli(['history', '-s', 'checkout', '-o', 'wide'])).stdout.split('\n')[0].split(/\s+/)[0]).toBe('ID');
    expect((await p.cli(['registries', 'list', '-o', 'wide'])).stdout.split('\n')[0].split(/\s+/)).toEqual(['NAME', 'ID', 'TYPE', 'URI', 'INSECURE']);
  });

  test('--jq filters the JSON document through jq, strings without quotes, with no jq program on PATH', async () => {
    const r = await p.cli(['artifacts', 'list', '-s', 'checkout', '--jq', '.items[].artifactUri, .total'], { env: { PATH: '/nonexistent' } });
    expect(r).toMatchObject({ code: 0, stdout: `${uri}\n1\n` });
    const objects = await p.cli(['resolve', '-s', 'checkout', '--jq', '.resolutions[] | select(.resolved) | {environment, image}']);
    expect(JSON.parse(objects.stdout)).toEqual({ environment: 'dev', image: uri });
    const tags = await p.cli(['registries', 'tags', 'local', p.repository, '--jq', '.tags | length']);
    expect(tags.stdout).toBe('1\n');
    expect((await p.cli(['history', '-s', 'checkout', '--jq', 'empty'])).stdout).toBe('');
    expect((await p.cli(['ci', 'show', '-s', 'checkout', '--jq', '.ciConfig.config.registrationType'])).stdout).toBe('ENVIRONMENT\n');
  });

  test('a jq expression jq refuses is exit 2 with what jq said; nothing on stdout', async () => {
    const r = await p.cli(['artifacts', 'list', '-s', 'checkout', '--jq', '.items[] |||']);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/^error: --jq \.items\[\] \|\|\|: jq: error: syntax error, .*jq: 1 compile error$/m);
    const runtime = await p.cli(['history', '-s', 'checkout', '--jq', 'error("no")']);
    expect(runtime).toMatchObject({ code: 2, stdout: '' });
    expect(runtime.stderr).toContain('jq: error');
  });

  test.each([
    [['--json', '-o', 'yaml'], '--json and -o yaml ask for different output: give one of them'],
    [['-o', 'wide', '--jq', '.'], '--jq filters the JSON document: it cannot be used with -o wide'],
    [['-o', 'xml'], "option '-o, --output <format>' argument 'xml' is invalid. Allowed choices are table, wide, json, yaml."],
  ])('%j is a usage error (exit 2)', async (flags, message) => {
    const r = await p.cli(['artifacts', 'list', '-s', 'checkout', ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${message}`);
  });

  test('a failure: -o json and -o yaml print the error document (YAML for -o yaml); --jq keeps stdout empty', async () => {
    const json = await p.cli(['history', '-s', 'nosuch', '-o', 'json']);
    expect(json.code).toBe(4);
    expect(json.json().error.code).toBe('NOT_FOUND');
    const yaml = await p.cli(['history', '-s', 'nosuch', '-o', 'yaml']);
    expect(yaml.code).toBe(4);
    expect(parse(yaml.stdout)).toEqual(json.json());
    const jq = await p.cli(['history', '-s', 'nosuch', '--jq', '.events']);
    expect(jq).toMatchObject({ code: 4, stdout: '' });
    expect(jq.stderr).toContain('error: service "nosuch"');
  });
});
