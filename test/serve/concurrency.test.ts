// Many CI jobs register at once through one serve: no artifact is lost or duplicated, and a reset
// racing with registrations leaves a consistent state.
import BetterSqlite3 from 'better-sqlite3';
import { HttpControlPlane } from '../../src/api/http-client';
import type { FacetsError } from '../../src/core/errors';
import type { RegisterResult } from '../../src/api/control-plane';
import { makeProjectDir, pinned, PROJECT, type ProjectDir } from '../contract/project';
import { createDatabase } from '../support/postgres';
import { spawnServe, type ServeProcess } from './serve-process';

const CONFIG = {
  registrationType: 'ENVIRONMENT' as const,
  routingRules: [{ metadataKey: 'BRANCH_NAME', operator: 'EQUALS' as const, value: 'main', priority: 1, routeTo: 'dev' }],
  promotionHierarchy: ['dev', 'staging', 'production'],
};

interface Deployment {
  /** One client per serve instance; calls alternate between them. */
  clients: HttpControlPlane[];
  stop(): Promise<void>;
}

/** One serve on a SQLite file, or two serve instances on one PostgreSQL database. */
const DEPLOYMENTS: Array<[string, (project: ProjectDir) => Promise<Deployment>]> = [
  ['one serve on SQLite', async (project) => {
    const server = await spawnServe({ blueprint: project.blueprint, db: project.db });
    return { clients: [new HttpControlPlane({ baseUrl: server.url, username: 'admin', token: server.adminToken, retries: 0 })], stop: () => server.stop() };
  }],
  ['two serve instances on one PostgreSQL database', async (project) => {
    const database = await createDatabase();
    const servers: ServeProcess[] = [];
    try {
      for (let i = 0; i < 2; i++) servers.push(await spawnServe({ blueprint: project.blueprint, db: project.db, database: database.url }));
    } catch (e) {
      await Promise.all(servers.map((s) => s.stop()));
      await database.drop();
      throw e;
    }
    const token = servers[0].adminToken;
    return {
      clients: servers.map((s) => new HttpControlPlane({ baseUrl: s.url, username: 'admin', token, retries: 0 })),
      stop: async () => {
        await Promise.all(servers.map((s) => s.stop()));
        await database.drop();
      },
    };
  }],
];

describe.each(DEPLOYMENTS)('Concurrent registrations through %s', (_label, deploy) => {
  let project: ProjectDir;
  let deployment: Deployment;
  let client: HttpControlPlane;
  /** The i-th call's instance, round-robin. */
  const via = (i: number) => deployment.clients[i % deployment.clients.length];
  beforeEach(async () => {
    project = makeProjectDir('facetsctl-concurrency-');
    deployment = await deploy(project);
    client = deployment.clients[0];
    await client.configureCi({ project: PROJECT, config: CONFIG });
  });
  afterEach(async () => {
    await deployment.stop();
    project.remove();
  });

  const listAll = async (service: string) => (await client.listArtifacts(PROJECT, service, { limit: 500 })).items;

  test('100 concurrent registrations (same and different digests) lose and duplicate nothing', async () => {
    // 10 digests registered 5 times each, plus 50 distinct ones: 60 artifacts, 100 calls.
    const uris = [...Array.from({ length: 50 }, (_, i) => pinned('shop/checkout', '1.0.0', `same-${i % 10}`)), ...Array.from({ length: 50 }, (_, i) => pinned('shop/checkout', `2.0.${i}`, `distinct-${i}`))];
    const results = await Promise.all(
      uris.map((artifactUri, i) =>
        i % 2
          ? via(i >> 1).registerArtifact({ project: PROJECT, service: 'checkout', artifactUri, target: { kind: 'environment', value: 'dev' } })
          : via(i >> 1).registerArtifact({ project: PROJECT, service: 'checkout', artifactUri, target: { kind: 'metadata' }, metadata: { BRANCH_NAME: 'main' } }),
      ),
    );
    const stored = await listAll('checkout');
    expect(stored).toHaveLength(60);
    expect(new Set(stored.map((a) => a.digest)).size).toBe(60);
    const byKey = new Map<string, RegisterResult[]>();
    for (const r of results) byKey.set(r.artifact.digest!, [...(byKey.get(r.artifact.digest!) ?? []), r]);
    for (const [, group] of byKey) {
      expect(group.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(group.map((r) => r.artifact.id)).size).toBe(1);
    }
    expect(new Set(results.map((r) => r.ciName)).size).toBe(1);
    expect(new Set(stored.map((a) => a.id))).toEqual(new Set(results.map((r) => r.artifact.id)));
  });

  test('the first interactions with a service on every instance at once make one CI name', async () => {
    const integrations = await Promise.all(Array.from({ length: 20 }, (_, i) => via(i).ensureCiIntegration(PROJECT, 'legacy')));
    expect(new Set(integrations.map((i) => i.ciName)).size).toBe(1);
    expect((await client.listCiIntegrations(PROJECT)).filter((i) => i.resourceName === 'legacy')).toHaveLength(1);
  });

  test('20 concurrent attaches on one environment: each one written is a revision of its own, the last one wins, none lost; a stale one is refused', async () => {
    await client.setImageStrategy(PROJECT, 'legacy', 'MANUAL');
    const images = Array.from({ length: 20 }, (_, i) => pinned('shop/legacy', `7.${i}.0`, `legacy-${i}`));
    const outcomes = await Promise.allSettled(
      images.map((image, i) => via(i).attachImage({ project: PROJECT, service: 'legacy', environment: 'dev', image, artifactType: 'docker_image', registry: 'local', repository: 'shop/legacy', tag: `7.${i}.0` })),
    );
    const overrides = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as FacetsError] : []));
    // One serve on SQLite writes one at a time; instances on PostgreSQL refuse a write over a revision written meanwhile.
    if (deployment.clients.length === 1) expect(refusals).toEqual([]);
    for (const refusal of refusals) {
      expect(refusal).toMatchObject({ kind: 'CONFLICT', message: expect.stringMatching(/^the image attached to service legacy in environment dev of project shop changed meanwhile: .*; nothing was written; run the command again$/) });
    }
    const n = overrides.length;
    expect(n).toBeGreaterThan(0);
    expect(overrides.map((o) => o.revision).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    const last = overrides.find((o) => o.revision === n)!;
    expect(await client.getOverride(PROJECT, 'legacy', 'dev')).toMatchObject({ image: last.image, revision: n });
    const history = await client.history(PROJECT, 'legacy', { environment: 'dev', kinds: ['ATTACHED'], limit: 100 });
    expect(history.items.map((e) => [e.revision, e.details.image])).toEqual(
      [...overrides].sort((a, b) => b.revision - a.revision).map((o) => [o.revision, o.image]),
    );
  });

  test('a reset while others register leaves a consistent state', async () => {
    const register = (i: number) =>
      via(i).registerArtifact({ project: PROJECT, service: 'cart', artifactUri: pinned('shop/cart', `3.0.${i}`, `race-${i}`), target: { kind: 'environment', value: 'dev' } }).then(
        (result) => ({ ok: true as const, result }),
        (error: { kind: string }) => ({ ok: false as const, error }),
      );
    const first = Array.from({ length: 25 }, (_, i) => register(i));
    const reset = via(1).resetCi(PROJECT);
    const second = Array.from({ length: 25 }, (_, i) => register(25 + i));
    const outcomes = await Promise.all([...first, ...second]);
    const deleted = await reset;
    expect(deleted).toMatchObject({ deletedRoutingRules: 1, deletedPromotionWorkflow: true });
    // Every registration either landed, or was refused because the registration type was gone.
    for (const o of outcomes) if (!o.ok) expect(o.error).toMatchObject({ kind: 'USAGE', message: expect.stringContaining('no CI/CD configuration') });
    const succeeded = outcomes.flatMap((o) => (o.ok ? [o.result.artifact.id] : []));
    const stored = await listAll('cart');
    expect(new Set(stored.map((a) => a.id))).toEqual(new Set(succeeded));
    expect(stored).toHaveLength(succeeded.length);
    expect(await client.getCiConfig(PROJECT)).toMatchObject({ mode: 'NONE', config: null });
    await expect(client.registerArtifact({ project: PROJECT, service: 'cart', artifactUri: pinned('shop/cart', '9.9.9', 'after'), target: { kind: 'environment', value: 'dev' } })).rejects.toMatchObject({ kind: 'USAGE' });
  });
});

describe('serve while another process holds the state database\'s write lock', () => {
  test('reads are answered while a registration waits; past FACETS_DB_LOCK_TIMEOUT it gets 503 UNREACHABLE and stores nothing', async () => {
    const project = makeProjectDir('facetsctl-locked-');
    const server = await spawnServe({ blueprint: project.blueprint, db: project.db, env: { FACETS_DB_LOCK_TIMEOUT: '3' } });
    const client = new HttpControlPlane({ baseUrl: server.url, username: 'admin', token: server.adminToken, retries: 0 });
    const holder = new BetterSqlite3(project.db);
    try {
      await client.configureCi({ project: PROJECT, config: CONFIG });
      await client.registerArtifact({ project: PROJECT, service: 'checkout', artifactUri: pinned('shop/checkout', '1.0.0', 'before'), target: { kind: 'environment', value: 'dev' } });
      holder.exec('begin immediate');
      const settled: string[] = [];
      const registration = client
        .registerArtifact({ project: PROJECT, service: 'checkout', artifactUri: pinned('shop/checkout', '2.0.0', 'locked'), target: { kind: 'environment', value: 'dev' } })
        .then(
          () => 'stored',
          (e: FacetsError) => e,
        )
        .finally(() => settled.push('register'));
      const read = await client.listArtifacts(PROJECT, 'checkout');
      settled.push('read');
      expect(read.total).toBe(1);
      const failure = await registration;
      expect(settled).toEqual(['read', 'register']);
      expect(failure).toMatchObject({ kind: 'UNREACHABLE', message: expect.stringMatching(/stayed locked by another process for 3 s; nothing was changed/) });
      holder.exec('rollback');
      expect((await client.listArtifacts(PROJECT, 'checkout')).items.map((a) => a.tag)).toEqual(['1.0.0']);
    } finally {
      if (holder.inTransaction) holder.exec('rollback');
      holder.close();
      await server.stop();
      project.remove();
    }
  });
});
