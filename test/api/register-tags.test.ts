// A registration of a known digest under another tag, over HTTP: every tag comes from serve's own path, and a
// control plane without that path (Facets) or a failed lookup leaves the registration's success as answered.
import { HttpControlPlane } from '../../src/api/http-client';
import { startServer, type RunningServer } from '../../src/controlplane/http/server';
import { makeProjectDir, pinned, PROJECT, type ProjectDir } from '../contract/project';
import { startFaultProxy, type FaultProxy } from '../support/proxy';

const TAGS_PATH = /^\/cc-ui\/v1\/facetsctl\/stacks\/[^/]+\/resources\/[^/]+\/artifacts\/[^/?]+/;

describe('the tags of an artifact registered again under another tag, over HTTP', () => {
  const project: ProjectDir = makeProjectDir('facetsctl-register-tags-');
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ blueprintPath: project.blueprint, dbPath: project.db, cwd: project.dir, env: {}, log: () => {} });
    const direct = new HttpControlPlane({ baseUrl: server.url, username: 'admin', token: server.adminToken, retries: 0 });
    await direct.configureCi({ project: PROJECT, config: { registrationType: 'ENVIRONMENT', routingRules: [], promotionHierarchy: ['dev', 'staging'] } });
  });
  afterAll(() => server.close().finally(() => project.remove()));

  const register = (client: HttpControlPlane, tag: string, seed: string) =>
    client.registerArtifact({ project: PROJECT, service: 'checkout', artifactUri: pinned('shop/checkout', tag, seed), target: { kind: 'environment', value: 'dev' } });

  test.each([404, 403])('serve\'s artifact path answering %i: the registration still succeeds, answered under its own tag', async (status) => {
    const proxy: FaultProxy = await startFaultProxy({ host: '127.0.0.1', port: server.port }, [{ match: { method: 'GET', path: TAGS_PATH }, status, times: 5 }]);
    try {
      const client = new HttpControlPlane({ baseUrl: proxy.url, username: 'admin', token: server.adminToken, retries: 0 });
      const seed = `lookup-${status}`;
      const first = await register(client, '1.5.0', seed);
      const again = await register(client, '2.0.0', seed);
      expect(again).toMatchObject({ created: false, artifact: { id: first.artifact.id, artifactUri: pinned('shop/checkout', '2.0.0', seed), tag: '2.0.0', tags: ['2.0.0'] } });
      expect(proxy.seen.filter((s) => TAGS_PATH.test(s.path)).map((s) => s.outcome)).toEqual([status]);
      const listed = await client.listArtifacts(PROJECT, 'checkout', { registrationValue: 'dev' });
      expect(listed.items.find((a) => a.id === first.artifact.id)?.tags).toEqual(['1.5.0', '2.0.0']);
    } finally {
      await proxy.close();
    }
  });
});
