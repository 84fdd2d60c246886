// The whole journey of a new user, run by the built CLI against serve through the validating Facets proxy, twice:
// with serve's extensions, and against `serve --reference-only` (extension paths answer a Spring 404, as a Facets
// control plane does). Every request, and every answer on a reference path, must validate against the reference.
// FACETS_JOURNEY_REPORT=1 (or =FILE to also write it there) prints per command the exit code, the violations and
// the extension calls.
import fs from 'node:fs';
import { startFacetsProxy, type FacetsProxy, type FacetsProxyMode } from '../support/facets-proxy';
import { facetsApiSpecPath, facetsApiSpecPresent, loadFacetsReference, type FacetsReference } from '../support/facets-reference';
import { getInfra } from '../support/infra';
import { putImage, uniqueRepo } from '../cli/images';
import { makeWorkspace, shopBlueprint, startServe, type ServeProcess, type Workspace } from '../cli/run-cli';

const REPORT = process.env.FACETS_JOURNEY_REPORT;

interface Step {
  label: string;
  args: string[];
  input?: string;
}

interface StepResult {
  label: string;
  code: number;
  requestViolations: number;
  responseViolations: number;
  extensionCalls: number;
  /** The first line of stderr when the command failed. */
  error: string;
  stdout: string;
}

type JourneyMode = 'extensions' | 'reference-only';

interface JourneyRun {
  mode: JourneyMode;
  steps: StepResult[];
  proxy: FacetsProxy;
}

function journey(url: string, token: string, repo: string, host: string): Step[] {
  const image = (tag: string) => `${host}/${repo}:${tag}`;
  return [
    { label: 'login', args: ['login', '--url', url, '--username', 'admin', '--token-stdin'], input: `${token}\n` },
    { label: 'whoami', args: ['whoami'] },
    { label: 'ci configure ENVIRONMENT (SIMPLE)', args: ['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev', '--promotion', 'dev,staging,production'] },
    { label: 'ci show', args: ['ci', 'show'] },
    { label: 'ci show --service checkout', args: ['ci', 'show', '--service', 'checkout'] },
    { label: 'push (engine image, rules)', args: ['push', getInfra().testImage, '-s', 'checkout', '--registry', 'open', '--repository', repo, '--tag', '1.0.0', '--git-ref', 'main'] },
    { label: 'register by environment', args: ['register', image('2.0.0'), '-s', 'checkout', '--environment', 'staging'] },
    { label: 'register by rules (SIMPLE)', args: ['register', image('2.1.0'), '-s', 'checkout', '--git-ref', 'main', '--description', 'journey build'] },
    { label: 'promote --from dev', args: ['promote', '-s', 'checkout', '--from', 'dev'] },
    { label: 'artifacts list', args: ['artifacts', 'list', '-s', 'checkout'] },
    { label: 'resolve --all', args: ['resolve', '-s', 'checkout', '--all'] },
    { label: 'attach by registry/repository/tag', args: ['attach', '-s', 'checkout', '-e', 'production', '--registry', 'open', '--repository', repo, '--tag', '2.0.0'] },
    { label: 'attach by URL', args: ['attach', image('2.1.0'), '-s', 'checkout', '-e', 'staging'] },
    { label: 'attach freestyle', args: ['attach', 'https://artifacts.example.com/lambda/checkout-1.zip', '--type', 'freestyle', '-s', 'checkout', '-e', 'dev'] },
    { label: 'detach', args: ['detach', '-s', 'checkout', '-e', 'production'] },
    { label: 'resolve -e staging', args: ['resolve', '-s', 'checkout', '-e', 'staging'] },
    { label: 'history', args: ['history', '-s', 'checkout'] },
    { label: 'registries list', args: ['registries', 'list'] },
    { label: 'registries repos', args: ['registries', 'repos', 'open'] },
    { label: 'registries tags', args: ['registries', 'tags', 'open', repo] },
    { label: 'ci reset', args: ['ci', 'reset', '--yes'] },
    { label: 'ci configure RELEASE_STREAM (SIMPLE)', args: ['ci', 'configure', '--registration-type', 'RELEASE_STREAM', '--branch-rule', 'main=QA', '--promotion', 'QA,PRODUCTION'] },
    { label: 'register by release stream', args: ['register', image('3.0.0'), '-s', 'checkout', '--release-stream', 'QA'] },
    { label: 'ci reset (2)', args: ['ci', 'reset', '--yes'] },
    {
      label: 'ci configure RELEASE_STREAM (ADVANCED)',
      args: ['ci', 'configure', '--registration-type', 'RELEASE_STREAM', '--ci-strategy', 'ADVANCED', '--rule', 'BRANCH_NAME STARTS_WITH release/ => QA priority 1', '--promotion', 'QA,PRODUCTION'],
    },
    { label: 'register by rules (ADVANCED)', args: ['register', image('3.1.0'), '-s', 'checkout', '--git-ref', 'release/3.1'] },
    {
      label: 'ci configure --service cart (SERVICE_CI)',
      args: ['ci', 'configure', '--service', 'cart', '--strategy', 'service', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev', '--promotion', 'dev,staging,production'],
    },
    { label: 'ci show --service cart', args: ['ci', 'show', '--service', 'cart'] },
  ];
}

async function runJourney(mode: JourneyMode, reference: FacetsReference): Promise<JourneyRun> {
  const { open } = getInfra().registries;
  const server: Workspace = makeWorkspace(shopBlueprint([{ name: 'open', uri: open.host }]));
  const client: Workspace = makeWorkspace();
  let serve: ServeProcess | undefined;
  let proxy: FacetsProxy | undefined;
  try {
    serve = await startServe(server, mode === 'reference-only' ? ['--reference-only'] : []);
    // The proxy passes every path: what a reference-only control plane lacks, serve itself refuses.
    const proxyMode: FacetsProxyMode = 'extensions';
    // Reference-only also drops `Prefer`: serve answers as Facets does (no body where the reference declares none).
    proxy = await startFacetsProxy({ target: { host: '127.0.0.1', port: serve.port }, reference, mode: proxyMode, dropPrefer: mode === 'reference-only' });
    const repo = uniqueRepo(`journey-${mode}`);
    for (const tag of ['2.0.0', '2.1.0', '3.0.0', '3.1.0']) await putImage('open', repo, tag);
    const steps: StepResult[] = [];
    for (const step of journey(proxy.url, serve.adminToken, repo, open.host)) {
      const calls = proxy.calls.length;
      const violations = proxy.violations.length;
      const r = await client.run(step.args, { input: step.input, env: { DOCKER_HOST: getInfra().dockerHost }, timeoutMs: 120000 });
      const added = proxy.violations.slice(violations);
      steps.push({
        label: step.label,
        code: r.code,
        requestViolations: added.filter((v) => v.in === 'request').length,
        responseViolations: added.filter((v) => v.in === 'response').length,
        extensionCalls: proxy.calls.slice(calls).filter((c) => c.kind === 'extension').length,
        error: r.code === 0 ? '' : r.stderr.trim().split('\n')[0] ?? '',
        stdout: r.stdout,
      });
    }
    return { mode, steps, proxy };
  } finally {
    await proxy?.close();
    await serve?.stop();
    server.remove();
    client.remove();
  }
}

function table(run: JourneyRun, reference: FacetsReference): string {
  const rows = run.steps.map((s) => `| ${s.label} | ${s.code} | ${s.requestViolations} | ${s.responseViolations} | ${s.extensionCalls} | ${s.error.replace(/\|/g, '\\|')} |`);
  const distinct = new Map<string, number>();
  for (const v of run.proxy.violations) {
    const key = `${v.in} ${v.method} ${v.operationId ?? v.path.split('?')[0]}: ${v.message}`;
    distinct.set(key, (distinct.get(key) ?? 0) + 1);
  }
  return [
    `### ${run.mode}`,
    '',
    '| command | exit | invalid requests | invalid responses | extension calls | error |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `reference operations called (${run.proxy.operationsCalled().length} of ${reference.operationIds().length}): ${run.proxy.operationsCalled().join(', ')}`,
    '',
    'violations (distinct, with counts):',
    ...[...distinct].map(([key, n]) => `- ${n}x ${key}`),
    '',
  ].join('\n');
}

if (!facetsApiSpecPresent) {
  test.skip(`SKIPPED: ${facetsApiSpecPath} is absent (set FACETS_API_SPEC to run the Facets journey)`, () => {});
} else {
  describe('every command works against a control plane that speaks the Facets API', () => {
    let reference: FacetsReference;
    const runs: JourneyRun[] = [];
    beforeAll(async () => {
      reference = await loadFacetsReference();
    });
    afterAll(() => {
      if (!REPORT) return;
      const report = runs.map((run) => table(run, reference)).join('\n');
      process.stdout.write(`\n${report}\n`);
      if (REPORT !== '1') fs.writeFileSync(REPORT, report);
    });

    test.each<JourneyMode>(['extensions', 'reference-only'])('%s: every command exits 0 (history is "not offered" on the reference only), with no invalid request and no invalid response', async (mode) => {
      const run = await runJourney(mode, reference);
      runs.push(run);
      const failed = run.steps.filter((s) => s.code !== 0 && !(mode === 'reference-only' && s.label === 'history'));
      expect(failed.map((s) => `${s.label}: exit ${s.code}: ${s.error}`)).toEqual([]);
      expect(run.proxy.violations).toEqual([]);
      const history = run.steps.find((s) => s.label === 'history');
      const whoami = run.steps.find((s) => s.label === 'whoami');
      if (mode === 'reference-only') {
        // The one thing the reference cannot do, said in one line with its own exit code; the client asked once.
        expect([history?.code, history?.error]).toEqual([11, expect.stringMatching(/without facetsctl's extensions, which the history of a service needs/)]);
        expect(whoami?.stdout).toMatch(/api: Facets API only, without facetsctl's extensions/);
        // Asked once, and once more after `history` was refused (the control plane may have gained them since).
        expect(run.proxy.calls.filter((c) => c.kind === 'extension').map((c) => c.path.split('?')[0])).toEqual(['/cc-ui/v1/facetsctl/capabilities', '/cc-ui/v1/facetsctl/capabilities']);
      } else {
        expect(whoami?.stdout).toMatch(/api: Facets API with facetsctl's extensions/);
      }
    }, 600000);
  });
}
