// Two serve instances on one PostgreSQL database behind a round-robin proxy: concurrent registrations, CI/CD saves,
// promotions and attaches lose nothing and duplicate nothing, every refusal is a documented one, and `kill -9` of
// one instance in the middle of a burst leaves the other answering and the state consistent.
import { HttpControlPlane } from '../../src/api/http-client';
import type { CiConfig } from '../../src/core/model';
import { toCiCdRequest } from '../../src/controlplane/http/wire-ci';
import { makeWorkspace, type Workspace } from '../cli/run-cli';
import { makeProjectDir, pinned, PROJECT, REGISTRY_CREDENTIALS_ENV, type ProjectDir } from '../contract/project';
import { createDatabase, type TestDatabase } from '../support/postgres';
import { backendOf, PROXY_FAILURE_HEADER, startRoundRobinProxy, type RoundRobinProxy } from '../support/round-robin-proxy';
import { basic, raw, type RawResponse } from './http';
import { spawnServe, type ServeProcess } from './serve-process';

jest.setTimeout(180_000);

const RESOURCE = (service: string) => `/cc-ui/v1/facetsctl/stacks/${PROJECT}/resources/${service}`;
const ROUTED: Partial<CiConfig> = { registrationType: 'ENVIRONMENT', routingRules: [], promotionHierarchy: ['dev', 'staging', 'production'] };
/** The error code serve's README documents for each refusal status these writes may get. */
const DOCUMENTED: Record<number, string> = { 404: 'NOT_FOUND', 409: 'CONFLICT', 503: 'UNREACHABLE' };

let project: ProjectDir;
let database: TestDatabase;
let servers: ServeProcess[];
let proxy: RoundRobinProxy;
let client: HttpControlPlane;
let token: string;

beforeEach(async () => {
  project = makeProjectDir('facetsctl-multi-');
  database = await createDatabase();
  servers = [];
  // One after the other: the first start mints the admin token, the second finds it there.
  for (let i = 0; i < 2; i++) servers.push(await spawnServe({ blueprint: project.blueprint, db: project.db, database: database.url, env: REGISTRY_CREDENTIALS_ENV }));
  token = servers[0].adminToken!;
  proxy = await startRoundRobinProxy(servers.map((s) => backendOf(s.url)));
  client = new HttpControlPlane({ baseUrl: proxy.url, username: 'admin', token, retries: 0 });
  await client.configureCi({ project: PROJECT, config: ROUTED });
});
afterEach(async () => {
  await proxy?.close();
  await Promise.all(servers.map((s) => s.stop()));
  await database.drop();
  project.remove();
});

const post = (path: string, body: unknown): Promise<RawResponse> => raw(`${proxy.url}${path}`, { method: 'POST', authorization: basic('admin', token), body });
const ok = (answer: RawResponse) => answer.status >= 200 && answer.status < 300;
const register = (service: string, artifactUri: string) => post(`${RESOURCE(service)}/register`, { artifactUri, target: { kind: 'environment', value: 'dev' } });

/** A refusal is one of the statuses given, with the README's body: {code, message}. */
function expectDocumentedRefusals(answers: RawResponse[], statuses: number[]): void {
  for (const answer of answers.filter((a) => !ok(a))) {
    expect({ status: answer.status, allowed: statuses.includes(answer.status) }).toEqual({ status: answer.status, allowed: true });
    expect(answer.body).toMatchObject({ code: DOCUMENTED[answer.status], message: expect.any(String) });
  }
}

const listAll = async (service: string) => (await client.listArtifacts(PROJECT, service, { limit: 500 })).items;

/** (ciName, digest, registration value) keys stored more than once, straight from the database. */
const duplicateKeys = () => database.query('select ci_name, digest, registration_value, count(*) from artifacts group by 1, 2, 3 having count(*) > 1');

describe('200 concurrent registrations through two instances lose nothing and duplicate nothing', () => {
  // The service's CI name made first, on both instances: the burst's requests then race on the registration alone.
  beforeEach(() => Promise.all([0, 1].map((i) => register('checkout', pinned('shop/checkout', '0.0.0', `warm-${i}`)))));
  const burst = async () => (await listAll('checkout')).filter((a) => a.tag !== '0.0.0');

  test('200 distinct tags: every 2xx one is listed afterwards, each once, and the answers agree with the store', async () => {
    const uris = Array.from({ length: 200 }, (_, i) => pinned('shop/checkout', `1.0.${i}`, `distinct-${i}`));
    const answers = await Promise.all(uris.map((uri) => register('checkout', uri)));
    expectDocumentedRefusals(answers, [503]);
    const accepted = answers.filter(ok);
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.every((a) => a.body.created === true)).toBe(true);
    const stored = await burst();
    expect(stored.map((a) => a.id).sort()).toEqual(accepted.map((a) => a.body.id).sort());
    expect(new Set(stored.map((a) => a.artifactUri))).toEqual(new Set(accepted.map((a) => a.body.artifactUri)));
    expect(await duplicateKeys()).toEqual([]);
    // Both instances took part.
    expect(proxy.answered.every((n) => n > 0)).toBe(true);
  });

  test('200 with the same tag (one digest): one artifact, made by exactly one request, every 2xx answer names it', async () => {
    const uri = pinned('shop/checkout', '2.0.0', 'same');
    const answers = await Promise.all(Array.from({ length: 200 }, () => register('checkout', uri)));
    expectDocumentedRefusals(answers, [503]);
    const accepted = answers.filter(ok);
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.filter((a) => a.body.created)).toHaveLength(1);
    expect(new Set(accepted.map((a) => a.body.id)).size).toBe(1);
    const stored = await burst();
    expect(stored.map((a) => a.id)).toEqual([accepted[0].body.id]);
    expect(await duplicateKeys()).toEqual([]);
  });
});

describe('20 concurrent CI/CD saves (HTTP and the CLI) end in exactly one of the configurations submitted', () => {
  let workspace: Workspace;
  beforeEach(() => (workspace = makeWorkspace(undefined, { FACETS_CONTROL_PLANE_URL: proxy.url, FACETS_USERNAME: 'admin', FACETS_TOKEN: token })));
  afterEach(() => workspace.remove());

  /** Submission i: its own routing rule and, every other one, a shorter promotion hierarchy (a mixed state shows). */
  const submission = (i: number): Pick<CiConfig, 'routingRules' | 'promotionHierarchy'> => ({
    routingRules: [{ metadataKey: 'BRANCH_NAME', operator: 'EQUALS', value: `release-${i}`, priority: 0, routeTo: 'dev' }],
    promotionHierarchy: i % 2 ? ['dev', 'production'] : ['dev', 'staging', 'production'],
  });

  test('the final configuration is one that was accepted; refusals are 409 CONFLICT (HTTP) or exit 5 (CLI)', async () => {
    const viaCli = (i: number) =>
      workspace
        .run(['--json', '--project', PROJECT, 'ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', `release-${i}=dev`, '--promotion', submission(i).promotionHierarchy.join(',')], { timeoutMs: 120_000 })
        .then((r) => ({ i, ok: r.code === 0, refusal: r.code === 0 ? null : { code: r.code, error: r.json().error } }));
    const viaHttp = (i: number) =>
      post(`/cc-ui/v1/facetsctl/stacks/${PROJECT}/ci-cd`, toCiCdRequest(PROJECT, { registrationType: 'ENVIRONMENT', ...submission(i) })).then((answer) => {
        expectDocumentedRefusals([answer], [409, 503]);
        return { i, ok: ok(answer), refusal: ok(answer) ? null : { code: answer.status, error: answer.body } };
      });
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i < 4 ? viaCli(i) : viaHttp(i))));
    for (const { refusal } of outcomes.filter((o) => !o.ok)) {
      expect(refusal).toMatchObject({ code: expect.any(Number), error: { code: expect.stringMatching(/^(CONFLICT|UNREACHABLE)$/), message: expect.any(String) } });
      if (refusal!.error.code === 'CONFLICT') expect([5, 409]).toContain(refusal!.code);
    }
    const accepted = outcomes.filter((o) => o.ok).map((o) => o.i);
    expect(accepted.length).toBeGreaterThan(0);
    const final = (await client.getCiConfig(PROJECT)).config!;
    const winner = /^release-(\d+)$/.exec(final.routingRules[0]?.value ?? '');
    expect(winner).not.toBeNull();
    expect(accepted).toContain(Number(winner![1]));
    expect({ routingRules: final.routingRules, promotionHierarchy: final.promotionHierarchy }).toEqual(submission(Number(winner![1])));
    expect(final.registrationType).toBe('ENVIRONMENT');
  });
});

describe('concurrent promotions and attaches on one environment leave a consistent state', () => {
  test('each artifact promoted once, promotions in hierarchy order, the override one of those accepted, history has every change once', async () => {
    const registered = [];
    for (let i = 0; i < 10; i++) registered.push(await client.registerArtifact({ project: PROJECT, service: 'checkout', artifactUri: pinned('shop/checkout', `3.0.${i}`, `promote-${i}`), target: { kind: 'environment', value: 'dev' } }));
    const devIds = registered.map((r) => r.artifact.id);
    const images = Array.from({ length: 10 }, (_, i) => pinned('shop/checkout', `9.${i}.0`, `attach-${i}`));
    const attach = (image: string, i: number) => post(`${RESOURCE('checkout')}/environments/staging/override`, { artifactUri: image, artifactType: 'docker_image', artifactory: 'local', repositoryName: 'shop/checkout', tag: `9.${i}.0` });
    const promote = (body: object) => post(`${RESOURCE('checkout')}/promote`, body);

    // Each dev artifact promoted twice (dev → staging), staging's newest promoted on (→ production), attaches between.
    const [toStaging, toProduction, attaches] = await Promise.all([
      Promise.all([...devIds, ...devIds].map((artifactId) => promote({ artifactId }))),
      Promise.all(Array.from({ length: 5 }, () => promote({ from: 'staging' }))),
      Promise.all(images.map(attach)),
    ]);
    expectDocumentedRefusals(toStaging, [409, 503]);
    expectDocumentedRefusals(toProduction, [404, 409, 503]);
    expectDocumentedRefusals(attaches, [409, 503]);

    const stored = await listAll('checkout');
    const staging = stored.filter((a) => a.registrationValue === 'staging');
    const production = stored.filter((a) => a.registrationValue === 'production');
    // dev → staging: one artifact per source, whichever call made it; both calls' answers name it.
    for (const source of devIds) {
      const made = staging.filter((a) => a.promotedFrom === source);
      const answered = toStaging.filter((a) => ok(a) && a.body.promotedFrom === source);
      expect(made.length).toBeLessThanOrEqual(1);
      expect(answered.every((a) => a.body.id === made[0]?.id)).toBe(true);
      if (answered.length) expect(made).toHaveLength(1);
    }
    expect(staging.every((a) => a.promoted && devIds.includes(a.promotedFrom!))).toBe(true);
    // staging → production: only from an artifact that had reached staging; the answers are what is stored.
    expect(production.every((a) => a.promoted && staging.some((s) => s.id === a.promotedFrom))).toBe(true);
    expect(new Set(toProduction.filter(ok).map((a) => a.body.id))).toEqual(new Set(production.map((a) => a.id)));
    expect(await duplicateKeys()).toEqual([]);

    // The override: the accepted attach with the highest revision; revisions are distinct.
    const acceptedAttaches = attaches.filter(ok).map((a) => ({ image: a.body.overrides.spec.release.image as string, revision: a.body.revision as number }));
    expect(acceptedAttaches.length).toBeGreaterThan(0);
    expect(new Set(acceptedAttaches.map((a) => a.revision)).size).toBe(acceptedAttaches.length);
    const last = acceptedAttaches.reduce((a, b) => (b.revision > a.revision ? b : a));
    expect(await client.getOverride(PROJECT, 'checkout', 'staging')).toMatchObject({ image: last.image, revision: last.revision });
    expect(images).toContain(last.image);

    // History: every promotion stored and every accepted attach, each exactly once.
    const promoted = (await client.history(PROJECT, 'checkout', { kinds: ['PROMOTED'], limit: 500 })).items;
    expect(promoted.map((e) => e.details.artifactId).sort()).toEqual([...staging, ...production].map((a) => a.id).sort());
    const attached = (await client.history(PROJECT, 'checkout', { environment: 'staging', kinds: ['ATTACHED'], limit: 500 })).items;
    expect(attached.map((e) => e.revision).sort((a, b) => a! - b!)).toEqual(acceptedAttaches.map((a) => a.revision).sort((a, b) => a - b));
  });
});

describe('kill -9 of one instance in the middle of a burst', () => {
  test('the other keeps answering through the proxy; retried registrations land once; every acknowledged one is stored', async () => {
    const uris = Array.from({ length: 200 }, (_, i) => pinned('shop/cart', `4.0.${i}`, `killed-${i}`));
    const victim = servers[0];
    const retried: number[] = [];
    /** Registration is idempotent: one cut off by the dying instance (the proxy's 502) is sent again. */
    const registerUntilAnswered = async (uri: string, i: number): Promise<RawResponse> => {
      for (let attempt = 1; ; attempt++) {
        const answer = await register('cart', uri);
        if (answer.status !== 502 || answer.headers.get(PROXY_FAILURE_HEADER) !== 'failed' || attempt === 5) return answer;
        retried.push(i);
      }
    };
    // The first half of the burst; once 40 of it are answered, the rest is in flight on both instances.
    let done = 0;
    let fortyAnswered!: () => void;
    const forty = new Promise<void>((resolve) => (fortyAnswered = resolve));
    const first = uris.slice(0, 100).map((uri, i) => registerUntilAnswered(uri, i).finally(() => ++done === 40 && fortyAnswered()));
    await forty;
    // Whatever the instance has already written still arrives, so it is frozen first: the second half's requests that
    // reach it are then certainly in flight on it when it dies, however fast it answered the first half.
    process.kill(victim.pid, 'SIGSTOP');
    const reachedBefore = proxy.connected[0];
    const second = uris.slice(100).map((uri, i) => registerUntilAnswered(uri, 100 + i));
    while (proxy.connected[0] === reachedBefore) await new Promise((resolve) => setTimeout(resolve, 5));
    process.kill(victim.pid, 'SIGKILL');
    const killed = victim.exited;
    const answers = await Promise.all([...first, ...second]);
    expect(await killed).toBeNull();
    expect(proxy.failed).toBeGreaterThan(0);
    expect(retried.length).toBeGreaterThan(0);
    expectDocumentedRefusals(answers, [503]);
    const acknowledged = answers.filter(ok);
    expect(acknowledged).toHaveLength(200);

    // The survivor answers, directly and through the proxy, which no longer sends anything to the dead one.
    expect(await raw(`${servers[1].url}/readyz`)).toMatchObject({ status: 200, body: { status: 'ok' } });
    const before = [...proxy.answered];
    const after = await Promise.all(Array.from({ length: 10 }, (_, i) => register('cart', pinned('shop/cart', `5.0.${i}`, `after-${i}`))));
    expect(after.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(proxy.answered).toEqual([before[0], before[1] + 10]);

    // Consistent: each key once, every acknowledged registration there, nothing else.
    const stored = (await listAll('cart')).filter((a) => a.tag!.startsWith('4.0.'));
    expect(stored.map((a) => a.id).sort()).toEqual([...new Set(acknowledged.map((a) => a.body.id as string))].sort());
    expect(stored.map((a) => a.artifactUri).sort()).toEqual([...uris].sort());
    expect(await duplicateKeys()).toEqual([]);
  });
});
