// GitHub Actions: step outputs in $GITHUB_OUTPUT, a summary in $GITHUB_STEP_SUMMARY, ::error:: annotations.
import fs from 'node:fs';
import path from 'node:path';
import { errorAnnotation, escapeData, formatOutputs, writeGithubOutputs } from '../../src/cli/ci-output';
import { EXIT_CODES } from '../../src/core/errors';
import { getInfra } from '../support/infra';
import { putImage, uniqueRepo } from '../cli/images';
import { makeWorkspace, shopBlueprint, type Workspace } from '../cli/run-cli';

const infra = getInfra();
const { open } = infra.registries;
let ws: Workspace;

beforeAll(async () => {
  ws = makeWorkspace(shopBlueprint([{ name: 'open', uri: open.host }]));
  const r = await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev']);
  expect(r.code).toBe(0);
});
afterAll(() => ws.remove());

let counter = 0;
/** A fresh $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY, as the runner creates them for each step. */
function githubStep(extra: Record<string, string> = {}) {
  counter += 1;
  const output = ws.write(`gh/${counter}/output`, '');
  const summary = ws.write(`gh/${counter}/summary`, '');
  return {
    env: { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, GITHUB_REF_NAME: 'main', ...extra },
    output: () => fs.readFileSync(output, 'utf8'),
    summary: () => fs.readFileSync(summary, 'utf8'),
  };
}

describe('on GitHub Actions, register writes ci-name, artifact-uri, digest and routed-to to $GITHUB_OUTPUT', () => {
  test('name=value lines for the next steps, and a markdown table in the job summary', async () => {
    const repo = uniqueRepo('gha');
    const digest = await putImage('open', repo, '1.0.0');
    const step = githubStep();
    const r = await ws.run(['register', `${open.host}/${repo}:1.0.0`, '--service', 'checkout'], { env: step.env });
    expect(r.code).toBe(0);
    const ciName = /ciName (shop-checkout-[a-z0-9]{8})/.exec(r.stdout)?.[1];
    expect(step.output()).toBe(`ci-name=${ciName}\nartifact-uri=${open.host}/${repo}:1.0.0@${digest}\ndigest=${digest}\nrouted-to=dev\n`);
    expect(step.summary()).toBe(
      [
        '### facetsctl register: registered',
        '',
        '| Service | CI name | Artifact | Routed to |',
        '| --- | --- | --- | --- |',
        `| checkout | \`${ciName}\` | \`${open.host}/${repo}:1.0.0@${digest}\` | environment dev (rule \`BRANCH_NAME EQUALS main => dev priority 0\`) |`,
        '',
      ].join('\n'),
    );
    expect(r.stdout).not.toContain('::');
  });

  test('with --json, stdout stays exactly one JSON document and the outputs are written all the same', async () => {
    const repo = uniqueRepo('gha-json');
    const digest = await putImage('open', repo, '2.0.0');
    const step = githubStep();
    const r = await ws.run(['--json', 'register', `${open.host}/${repo}:2.0.0`, '-s', 'cart'], { env: step.env });
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(step.output()).toBe(`ci-name=${doc.ciName}\nartifact-uri=${doc.artifactUri}\ndigest=${digest}\nrouted-to=dev\n`);
    expect(step.summary()).toContain('| cart |');
  });

  test('an unrouted artifact: routed-to is empty and the summary says unrouted', async () => {
    const repo = uniqueRepo('gha-unrouted');
    await putImage('open', repo, '3.0.0');
    const step = githubStep({ GITHUB_REF_NAME: 'feature/x' });
    const r = await ws.run(['register', `${open.host}/${repo}:3.0.0`, '-s', 'checkout'], { env: step.env });
    expect(r.code).toBe(0);
    expect(step.output()).toMatch(/\nrouted-to=\n$/);
    expect(step.summary()).toContain('| unrouted (no rule matched) |');
  });

  test('outside GitHub Actions nothing is written, even when the variables are set', async () => {
    const repo = uniqueRepo('gha-off');
    await putImage('open', repo, '1.0.0');
    const step = githubStep({ GITHUB_ACTIONS: '' });
    const r = await ws.run(['register', `${open.host}/${repo}:1.0.0`, '-s', 'checkout'], { env: step.env });
    expect(r.code).toBe(0);
    expect(step.output()).toBe('');
    expect(step.summary()).toBe('');
  });
});

describe('push reports the same outputs (it prints through register)', () => {
  test('push through the engine, then ci-name, artifact-uri, digest, routed-to in $GITHUB_OUTPUT and a push summary', async () => {
    const step = githubStep({ DOCKER_HOST: infra.dockerHost });
    const repo = uniqueRepo('gha-push');
    const r = await ws.run(['--json', 'push', infra.testImage, '-s', 'checkout', '--repository', repo, '--tag', '1.0.0'], { env: step.env, timeoutMs: 60000 });
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(doc).toMatchObject({ pushed: true, routedTo: 'dev' });
    expect(doc.artifactUri).toMatch(new RegExp(`^${open.host}/${repo}:1\\.0\\.0@sha256:[0-9a-f]{64}$`));
    expect(step.output()).toBe(`ci-name=${doc.ciName}\nartifact-uri=${doc.artifactUri}\ndigest=${doc.artifact.digest}\nrouted-to=dev\n`);
    expect(step.summary()).toMatch(/^### facetsctl push: registered\n/);
  });
});

describe('errors become ::error:: annotations on stderr (the runner reads workflow commands there too); stdout keeps the result', () => {
  test('a registry error: the annotation carries the message and hint; the exit code is unchanged', async () => {
    const step = githubStep();
    const image = `${open.host}/${uniqueRepo('absent')}:9.9.9`;
    const r = await ws.run(['register', image, '-s', 'checkout'], { env: step.env });
    expect(r.code).toBe(EXIT_CODES.REGISTRY);
    expect(r.stdout).toBe('');
    const annotation = r.stderr.split('\n').find((l) => l.startsWith('::error '));
    expect(annotation).toMatch(new RegExp(`^::error title=facetsctl register failed::image ${image.replace(/[.]/g, '\\.')} is not in registry open; push it first .*%0Ahint: see what is there: `));
    expect(step.output()).toBe('');
  });

  test('with --json, stdout is only the error document', async () => {
    const step = githubStep();
    const r = await ws.run(['--json', 'register', `${open.host}/shop/nope:1`, '-s', 'nope'], { env: step.env });
    expect(r.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(r.json().error.code).toBe('NOT_FOUND');
    expect(r.stderr).toMatch(/^::error title=facetsctl register failed::service "nope" does not exist/m);
  });

  test('usage errors too', async () => {
    const r = await ws.run(['register', '--bogus'], { env: githubStep().env });
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.stderr).toMatch(/^::error title=facetsctl register failed::unknown option '--bogus'%0Ahint: run `facetsctl register --help` for usage$/m);
  });

  test('no annotation outside GitHub Actions', async () => {
    const r = await ws.run(['register', '--bogus']);
    expect(r.code).toBe(EXIT_CODES.USAGE);
    expect(r.stderr).not.toContain('::error');
  });
});

describe('the file and command formats are the runner\'s', () => {
  test('a value with a line break uses the heredoc form with a delimiter the value does not contain', () => {
    const delimiters = ['EOF_A', 'EOF_B'];
    const text = formatOutputs({ one: 'x', many: 'line 1\nEOF_A\nline 3' }, () => delimiters.shift() as string);
    expect(text).toBe('one=x\nmany<<EOF_B\nline 1\nEOF_A\nline 3\nEOF_B\n');
  });

  test('annotation data escapes %, CR and LF; the title also escapes : and ,', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(errorAnnotation('a: b, c', 'm')).toBe('::error title=a%3A b%2C c::m\n');
  });

  test('outputs are appended: what earlier commands of the step wrote stays', () => {
    const file = path.join(ws.dir, 'gh', 'append');
    fs.writeFileSync(file, 'earlier=1\n');
    expect(writeGithubOutputs({ GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: file }, { later: '2' })).toBe(true);
    expect(writeGithubOutputs({ GITHUB_OUTPUT: file }, { ignored: '3' })).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('earlier=1\nlater=2\n');
  });
});
