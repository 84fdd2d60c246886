// What the CLI echoes (arguments, blueprint values, server messages) stays short, redacted and on one line,
// however long or strange the input: real runs of the built CLI, `serve` behind the fault proxy for server text.
import { spawnSync } from 'node:child_process';
import { EXIT_CODES } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { startFaultProxy } from '../support/proxy';
import { putImage, uniqueRepo } from './images';
import { makeWorkspace, shopBlueprint, startServe, type ServeProcess, type Workspace } from './run-cli';

const MB = 1 << 20;
/** The longest single argument Linux passes to a program (MAX_ARG_STRLEN, 128 KiB with its NUL). */
const LONGEST_ARGUMENT = 128 * 1024 - 1;
/** An error, or a warning, is a couple of short lines whatever the input: far below the input's size. */
const SHORT_OUTPUT = 2000;

const { open } = getInfra().registries;
let ws: Workspace;
beforeEach(() => {
  ws = makeWorkspace(shopBlueprint([{ name: 'open', uri: open.host }]));
});
afterEach(() => ws.remove());

describe('a huge input is reported promptly, in a short line, secrets redacted (jest\'s timeout is the bound)', () => {
  test('the longest argument the OS passes, with credentials in a URL: one clipped, redacted error line', async () => {
    const prefix = 'http://deployer:s3cret-pass@';
    const reference = prefix + 'a'.repeat(LONGEST_ARGUMENT - prefix.length);
    const r = await ws.run(['register', reference, '--service', 'checkout', '--git-ref', 'main']);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.stderr.length).toBeLessThan(SHORT_OUTPUT);
    expect(r.stderr).not.toContain('s3cret-pass');
    expect(r.stderr).toMatch(/^error: invalid image reference "http:\/\/\*\*\*@a{100,}…": must not include a scheme/);
    expect(r.stderr.split('\n')).toHaveLength(3); // error, hint, and the final newline
  });

  test('--json: the message is clipped too; details keep the whole value a script passed, redacted', async () => {
    const prefix = 'http://deployer:s3cret-pass@';
    const reference = prefix + 'a'.repeat(LONGEST_ARGUMENT - prefix.length);
    const r = await ws.run(['--json', 'register', reference, '--service', 'checkout', '--git-ref', 'main']);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    const { error } = r.json();
    expect(error.message.length).toBeLessThan(SHORT_OUTPUT);
    expect(error.message).toContain('…');
    expect(error.details.reference).toBe('http://***@' + 'a'.repeat(LONGEST_ARGUMENT - prefix.length));
    expect(r.stdout).not.toContain('s3cret-pass');
  });

  test('a blueprint with a 1 MB value: the error names the field, clipped and redacted', async () => {
    ws.write('facets.yaml', shopBlueprint([{ name: 'open', uri: `http://deployer:s3cret-pass@${'u'.repeat(MB)}` }]));
    const r = await ws.run(['resolve', '--service', 'checkout']);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.stderr.length).toBeLessThan(SHORT_OUTPUT);
    expect(r.stderr).not.toContain('s3cret-pass');
    expect(r.stderr).toMatch(/^error: facets\.yaml:\d+:\d+: registries\[0\]\.uri "http:\/\/\*\*\*@u{100,}…" must be host\[:port\]/);
  });

  describe('a 1 MB error message from the control plane (through the proxy)', () => {
    let serve: ServeProcess;
    beforeAll(async () => {
      const server = makeWorkspace(shopBlueprint([{ name: 'open', uri: open.host }]));
      serve = await startServe(server);
      serve.stop = ((stop) => async () => {
        await stop();
        server.remove();
      })(serve.stop);
    });
    afterAll(async () => serve?.stop());

    test('is clipped, redacted (URL userinfo, Bearer, the token in use) and escaped, in two lines', async () => {
      const message = `refused http://admin:s3cret-pass@cp.example/x Bearer abc.def token ${serve.adminToken}\n\x1b[2J ${'x'.repeat(MB)} ${'word '.repeat(MB / 5)}`;
      const { port } = new URL(serve.url);
      const proxy = await startFaultProxy({ host: '127.0.0.1', port: Number(port) }, [
        { times: 1000, status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'USAGE', message, hint: `retry\n${'y'.repeat(MB)}` }) },
      ]);
      try {
        const env = { FACETS_CONTROL_PLANE_URL: proxy.url, FACETS_USERNAME: 'admin', FACETS_TOKEN: serve.adminToken };
        const r = await ws.run(['artifacts', 'list', '--service', 'checkout'], { env });
        expect(r.code).toBe(EXIT_CODES.USAGE);
        expect(r.stderr.length).toBeLessThan(2 * SHORT_OUTPUT);
        expect(r.stderr).not.toContain('s3cret-pass');
        expect(r.stderr).not.toContain(serve.adminToken);
        expect(r.stderr).not.toContain('\x1b');
        expect(r.stderr).toContain('refused http://***@cp.example/x Bearer *** token ***\\n\\x1b[2J xxx');
        const lines = r.stderr.split('\n');
        expect(lines).toHaveLength(3);
        expect(lines[0]).toMatch(/^error: .*x…( word)+ ?…$/);
        expect(lines[1]).toMatch(/^hint: retry\\ny{100,}…$/);
      } finally {
        await proxy.close();
      }
    });
  });
});

describe('control characters in echoed input are shown escaped: every error, warning and table row stays one line', () => {
  test('a reference ending in a newline: the error line shows `\\n`', async () => {
    const r = await ws.run(['register', `${open.host}/shop/checkout:1.0.0\n`, '--service', 'checkout', '--git-ref', 'main']);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.stderr.split('\n')[0]).toBe(`error: invalid image reference "${open.host}/shop/checkout:1.0.0\\n": must not contain whitespace`);
    expect(r.stderr.split('\n')).toHaveLength(3);
  });

  test('an ESC sequence in an argument is shown as `\\x1b`, never sent to the terminal', async () => {
    const r = await ws.run(['register', 'foo:1\x1b[2J\x1b[31mred', '--service', 'checkout', '--git-ref', 'main']);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.stderr).not.toContain('\x1b');
    expect(r.stderr).toContain('"foo:1\\x1b[2J\\x1b[31mred"');
  });

  test("--git-ref $'main\\nx': the unrouted warning and the artifacts table show `main\\nx` on one line", async () => {
    const repo = uniqueRepo('escape');
    await putImage('open', repo, '1.0.0');
    expect((await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev'])).code).toBe(0);
    const r = await ws.run(['register', `${open.host}/${repo}:1.0.0`, '--service', 'checkout', '--git-ref', 'main\nx\x1b[31m']);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter((line) => line.startsWith('warning:'))).toEqual(['warning: stored unrouted: no rule matched BRANCH_NAME=main\\nx\\x1b[31m; it will not deploy anywhere until promoted or re-registered']);
    const list = await ws.run(['artifacts', 'list', '--service', 'checkout']);
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('  main\\nx\\x1b[31m  ');
    // JSON is already escaped by JSON itself: the value stays as it was given.
    const json = await ws.run(['--json', 'artifacts', 'list', '--service', 'checkout']);
    expect(json.json().items[0].metadata.BRANCH_NAME).toBe('main\nx\x1b[31m');
  });
});

describe('--debug lines are clipped and escaped like every other line', () => {
  test('a control-plane URL with a 100k-character path and an ESC: each debug line is short and shows `\\x1b`', async () => {
    const url = `http://127.0.0.1:1/${'p'.repeat(100_000)}x\x1b[31m`;
    const r = await ws.run(['--debug', 'whoami'], { env: { FACETS_CONTROL_PLANE_URL: url, FACETS_USERNAME: 'ci', FACETS_TOKEN: 'not-a-real-token' } });
    expect(r.code).toBe(EXIT_CODES.UNREACHABLE);
    const debug = r.stderr.split('\n').filter((line) => line.startsWith('debug:'));
    expect(debug.length).toBeGreaterThanOrEqual(2);
    for (const line of debug) {
      expect(line.length).toBeLessThan(SHORT_OUTPUT);
      expect(line).not.toContain('\x1b');
    }
    expect(debug.some((line) => line.includes('…'))).toBe(true);
  });
});

describe('ci configure and ci show echo a routing rule with a control character escaped', () => {
  const pattern = "ma'\\\x1b[31min";
  test('the rule lines show `\\x1b`, on stdout of both commands', async () => {
    const r = await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', `${pattern}=dev`]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).toContain("(branch ma'\\\\x1b[31min)");
    const show = await ws.run(['ci', 'show']);
    expect(show.stdout).not.toContain('\x1b');
    expect(show.stdout).toContain("(branch ma'\\\\x1b[31min)");
  });

  test("the equivalent command quotes it as $'…', which bash reads back as the same value", async () => {
    const r = await ws.run(['--json', 'ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', `${pattern}=dev`]);
    const { command } = r.json() as { command: string };
    expect(command).toContain("--branch-rule $'ma\\'\\\\\\x1b[31min=dev'");
    const words = spawnSync('bash', ['-c', `printf '%s\\0' ${command}`], { encoding: 'utf8' }).stdout.split('\0');
    expect(words).toContain(`${pattern}=dev`);
  });
});

describe("what a server answers is echoed escaped: a registry's tags and repositories, the control plane's user", () => {
  test('registries tags and repos: a control character in the registry\'s list is shown escaped', async () => {
    const [host, port] = open.host.split(':');
    const json = { 'content-type': 'application/json' };
    const proxy = await startFaultProxy({ host, port: Number(port) }, [
      { match: { path: /\/tags\/list/ }, times: 10, status: 200, headers: json, body: JSON.stringify({ name: 'shop/x', tags: ['1.0\x1b[2J', '2.0'] }) },
      { match: { path: /\/_catalog/ }, times: 10, status: 200, headers: json, body: JSON.stringify({ repositories: ['shop/x\nshop/y'] }) },
    ]);
    try {
      ws.write('facets.yaml', shopBlueprint([{ name: 'open', uri: proxy.host }]));
      const tags = await ws.run(['registries', 'tags', 'open', 'shop/x']);
      expect(tags.code).toBe(0);
      expect(tags.stdout).toContain('1.0\\x1b[2J\n');
      expect(tags.stdout).not.toContain('\x1b');
      const repos = await ws.run(['registries', 'repos', 'open']);
      expect(repos.code).toBe(0);
      expect(repos.stdout).toBe('shop/x\\nshop/y\n');
    } finally {
      await proxy.close();
    }
  });

  test("whoami: the control plane's username and name are shown escaped", async () => {
    const server = makeWorkspace(shopBlueprint([{ name: 'open', uri: open.host }]));
    const serve = await startServe(server);
    const { port } = new URL(serve.url);
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: Number(port) }, [
      { match: { path: /\/api\/me/ }, times: 10, status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'adm\x1b[31min', name: 'Ad\nMin' }) },
    ]);
    try {
      const r = await ws.run(['whoami'], { env: { FACETS_CONTROL_PLANE_URL: proxy.url, FACETS_USERNAME: 'admin', FACETS_TOKEN: serve.adminToken } });
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe('adm\\x1b[31min (Ad\\nMin)');
      expect(r.stdout).toContain(`control plane: remote ${proxy.url}`);
    } finally {
      await proxy.close();
      await serve.stop();
      server.remove();
    }
  });
});
