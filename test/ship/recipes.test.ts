// The CI recipes of README.md, run as the provider would run them, against a real registry.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { getInfra } from '../support/infra';
import { putImage, uniqueRepo } from '../cli/images';
import { baseEnv, BIN, makeWorkspace, repoRoot, shopBlueprint, type Workspace } from '../cli/run-cli';

const { open } = getInfra().registries;
const markdown = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

/** The fenced block marked `recipe=NAME` (exactly one). */
function recipe(name: string): string {
  const blocks = [...markdown.matchAll(/^```(\w+) recipe=([\w-]+)\n([\s\S]*?)^```$/gm)].filter((m) => m[2] === name);
  if (blocks.length !== 1) throw new Error(`README.md has ${blocks.length} blocks marked recipe=${name}`);
  return blocks[0][3];
}

let ws: Workspace;
let binDir: string;

beforeAll(async () => {
  ws = makeWorkspace(shopBlueprint([{ name: 'open', uri: open.host }]));
  binDir = path.join(ws.dir, '..', 'bin');
  fs.mkdirSync(binDir);
  fs.symlinkSync(BIN, path.join(binDir, 'facetsctl'));
  const r = await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev', '--branch-rule', 'release/*=staging']);
  expect(r.code).toBe(0);
});
afterAll(() => ws.remove());

interface ShellRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** bash -e, as the providers run a step's script, with facetsctl on PATH and only the given CI variables. */
async function runScript(script: string, env: Record<string, string>, args: string[] = []): Promise<ShellRun> {
  const file = ws.write(`recipes/${Date.now()}-${Math.random().toString(36).slice(2)}.sh`, script);
  try {
    const { stdout, stderr } = await promisify(execFile)('bash', ['-e', file, ...args], {
      cwd: ws.dir,
      env: { ...baseEnv(ws.home), PATH: `${binDir}:${process.env.PATH}`, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function image(prefix: string): Promise<{ name: string; repo: string; digest: string }> {
  const repo = uniqueRepo(prefix);
  const digest = await putImage('open', repo, '1.0.0');
  return { name: `${open.host}/${repo}:1.0.0`, repo, digest };
}

async function artifact(uri: string) {
  const r = await ws.run(['--json', 'artifacts', 'list', '-s', 'checkout', '--limit', '100']);
  return (r.json().items as Array<{ artifactUri: string; externalId: string | null; metadata: Record<string, string> }>).find((a) => a.artifactUri === uri);
}

describe('GitHub Actions recipe: the register step writes ci-name, artifact-uri, digest, routed-to and a job summary', () => {
  test('the workflow runs exactly the shell block in its facets step', () => {
    const workflow = parse(recipe('github-workflow'));
    const step = workflow.jobs.image.steps.find((s: { id?: string }) => s.id === 'facets');
    expect(step.run).toBe(recipe('github'));
    expect(workflow.jobs.image.env.FACETS_TOKEN).toBe('${{ secrets.FACETS_TOKEN }}');
  });

  test('run with the runner\'s variables on a push to main: routed to dev, outputs and summary written', async () => {
    const img = await image('recipe-github');
    const output = ws.write('gh/output', '');
    const summary = ws.write('gh/summary', '');
    const r = await runScript(recipe('github'), {
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_REF_NAME: 'main',
      GITHUB_RUN_ID: '4242',
      IMAGE: img.name,
    });
    expect(r.code).toBe(0);
    const outputs = Object.fromEntries(fs.readFileSync(output, 'utf8').trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
    expect(outputs).toEqual({ 'ci-name': expect.stringMatching(/^shop-checkout-[a-z0-9]{8}$/), 'artifact-uri': `${img.name}@${img.digest}`, digest: img.digest, 'routed-to': 'dev' });
    expect(fs.readFileSync(summary, 'utf8')).toContain(`| checkout | \`${outputs['ci-name']}\` | \`${img.name}@${img.digest}\` | environment dev`);
    expect(await artifact(`${img.name}@${img.digest}`)).toMatchObject({ externalId: '4242', metadata: { BRANCH_NAME: 'main' } });
  });

  test('a failing register fails the step with an ::error:: annotation', async () => {
    const r = await runScript(recipe('github'), { GITHUB_ACTIONS: 'true', GITHUB_REF_NAME: 'main', GITHUB_RUN_ID: '1', IMAGE: `${open.host}/shop/never-pushed:1` });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/^::error title=facetsctl register failed::image .* is not in registry open/m);
  });
});

describe('GitLab CI recipe: --json and jq turn the result into a dotenv report', () => {
  const job = () => parse(recipe('gitlab-ci')).register;

  test('the job runs exactly the shell block after its install line', () => {
    expect(job().script.slice(1).join('\n') + '\n').toBe(recipe('gitlab'));
    expect(job().artifacts.reports.dotenv).toBe('facets.env');
  });

  test('run with GitLab\'s variables on a release branch: routed to staging, facets.env written', async () => {
    const img = await image('recipe-gitlab');
    const variables: Record<string, string> = {
      GITLAB_CI: 'true',
      CI_REGISTRY_IMAGE: `${open.host}/${img.repo}`,
      CI_COMMIT_SHORT_SHA: '1.0.0',
      CI_COMMIT_REF_NAME: 'release/1.0',
      CI_PIPELINE_ID: '777',
    };
    // GitLab expands $VARS in `variables:` before the script runs.
    for (const [name, value] of Object.entries(job().variables as Record<string, string>)) {
      variables[name] = value.replace(/\$(\w+)/g, (_m, v: string) => variables[v] ?? '');
    }
    const r = await runScript(recipe('gitlab'), variables);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const dotenv = fs.readFileSync(path.join(ws.dir, 'facets.env'), 'utf8');
    expect(dotenv).toMatch(new RegExp(`^CI_NAME=shop-checkout-[a-z0-9]{8}\\nARTIFACT_URI=${img.name.replace(/[.]/g, '\\.')}@${img.digest}\\nROUTED_TO=staging\\n$`));
    expect(r.stdout).toBe(dotenv);
    expect(await artifact(`${img.name}@${img.digest}`)).toMatchObject({ externalId: '777', metadata: { BRANCH_NAME: 'release/1.0' } });
  });
});

describe('shell recipe: --json + jq, with the exit code telling the kind of failure', () => {
  test('success: prints the pinned URI and where it went', async () => {
    const img = await image('recipe-shell');
    const r = await runScript(recipe('shell'), { BRANCH: 'main' }, [img.name]);
    expect(r).toEqual({ code: 0, stdout: `registered ${img.name}@${img.digest} -> dev\n`, stderr: '' });
  });

  test('a branch no rule matches: registered unrouted', async () => {
    const img = await image('recipe-shell-unrouted');
    const r = await runScript(recipe('shell'), { BRANCH: 'feature/x' }, [img.name]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`registered ${img.name}@${img.digest} -> unrouted\n`);
    expect(r.stderr).toContain('warning: stored unrouted');
  });

  test('an image that is not in the registry: exit code 7, the error message from the JSON document', async () => {
    const r = await runScript(recipe('shell'), { BRANCH: 'main' }, [`${open.host}/shop/never-pushed:1`]);
    expect(r.code).toBe(7);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`facetsctl failed with exit code 7: image ${open.host}/shop/never-pushed:1 is not in registry open`);
    expect(r.stderr).toContain('push the image first, then run this again');
  });

  test('no image argument: the usage line, exit 1 from bash', async () => {
    const r = await runScript(recipe('shell'), { BRANCH: 'main' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('usage: register.sh IMAGE');
  });
});

describe('deploy recipe: push in one job, `render -e staging k8s/ | kubectl apply -f -` in the next', () => {
  const workflow = () => parse(recipe('github-deploy-workflow'));
  /** A `kubectl` that keeps its arguments and what it read: the cluster is not part of the test. */
  const kubectl = (dir: string) =>
    ws.write(`${dir}/kubectl`, `#!/usr/bin/env bash\nprintf '%s\\n' "$*" > "$(dirname "$0")/kubectl.args"\ncat > "$(dirname "$0")/kubectl.stdin"\n`);

  test('the deploy job needs the image job, which pushes; its render step runs exactly the shell block', () => {
    const jobs = workflow().jobs;
    expect(jobs.deploy.needs).toBe('image');
    expect(jobs.image.steps.some((s: { run?: string }) => /^facetsctl push /.test(s.run ?? ''))).toBe(true);
    expect(jobs.deploy.steps.find((s: { id?: string }) => s.id === 'render').run).toBe(recipe('deploy'));
  });

  test('what the image job registered to staging reaches kubectl pinned; a reference that does not resolve fails the step before kubectl applies anything', async () => {
    const img = await image('recipe-deploy');
    const registered = await ws.run(['--json', 'register', img.name, '-s', 'checkout', '--environment', 'staging']);
    expect(registered.code).toBe(0);
    const ciName = registered.json().ciName as string;
    ws.write('k8s/deployment.yaml', `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: checkout}\nspec:\n  template:\n    spec:\n      containers:\n        - name: checkout\n          image: \${blueprint.self.artifacts.${ciName}}\n`);
    const tools = path.join(ws.dir, '..', 'tools');
    fs.mkdirSync(tools, { recursive: true });
    fs.chmodSync(kubectl('../tools'), 0o755);
    const r = await runScript(recipe('deploy'), { PATH: `${tools}:${binDir}:${process.env.PATH}` });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(fs.readFileSync(path.join(tools, 'kubectl.args'), 'utf8')).toBe('apply -f -\n');
    const applied = parse(fs.readFileSync(path.join(tools, 'kubectl.stdin'), 'utf8'));
    expect(applied.spec.template.spec.containers[0].image).toBe(`${img.name}@${img.digest}`);

    const cartCi = (await ws.run(['--json', 'register', img.name, '-s', 'cart', '--environment', 'dev'])).json().ciName as string;
    ws.write('k8s/cart.yaml', `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cart}\nspec:\n  template:\n    spec:\n      containers:\n        - name: cart\n          image: \${blueprint.self.artifacts.${cartCi}}\n`);
    const failed = await runScript(recipe('deploy'), { PATH: `${tools}:${binDir}:${process.env.PATH}` });
    expect(failed.code).toBe(4);
    expect(failed.stderr).toMatch(/^k8s\/cart\.yaml:9:18: .* \(service cart\) does not resolve in environment staging: /m);
    expect(fs.readFileSync(path.join(tools, 'kubectl.stdin'), 'utf8')).toBe('');
  });
});
