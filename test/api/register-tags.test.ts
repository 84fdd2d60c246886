// A registration of a known digest under another tag, over HTTP: with serve's extensions the register answer itself
// carries every tag; a control plane without them (Facets) answers under the registration's own tag.
import { HttpControlPlane } from '../../src/api/http-client';
import { startServer, type RunningServer } from '../../src/controlplane/http/server';
import { makeProjectDir, pinned, PROJECT, type ProjectDir } from '../contract/project';
import { startFaultProxy, type FaultProxy } from '../support/proxy';

const ARTIFACT_PATH = /^\/cc-ui\/v1\/facetsctl\/stacks\/[^/]+\/resources\/[^/]+\/artifacts/;
const EXTENSIONS = /^\/cc-ui\/v1\/facetsctl\//;

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

  test('with the extensions: the answer of the register itself carries every tag (no lookup after it)', async () => {
    const proxy: FaultProxy = await startFaultProxy({ host: '127.0.0.1', port: server.port }, []);
    try {
      const client = new HttpControlPlane({ baseUrl: proxy.url, username: 'admin', token: server.adminToken, retries: 0 });
      const first = await register(client, '1.5.0', 'extensions');
      const again = await register(client, '2.0.0', 'extensions');
      expect(again).toMatchObject({ created: false, artifact: { id: first.artifact.id, artifactUri: pinned('shop/checkout', '2.0.0', 'extensions'), tag: '2.0.0', tags: ['1.5.0', '2.0.0'] } });
      expect(proxy.seen.filter((s) => ARTIFACT_PATH.test(s.path))).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  test('without them (every extension path a 404, as on Facets): registered on the reference path, answered under its own tag', async () => {
    const proxy: FaultProxy = await startFaultProxy({ host: '127.0.0.1', port: server.port }, [{ match: { path: EXTENSIONS }, status: 404, times: 100 }]);
    try {
      const client = new HttpControlPlane({ baseUrl: proxy.url, username: 'admin', token: server.adminToken, retries: 0 });
      const first = await register(client, '1.5.0', 'reference');
      const again = await register(client, '2.0.0', 'reference');
      expect(again).toMatchObject({ created: false, artifact: { id: first.artifact.id, artifactUri: pinned('shop/checkout', '2.0.0', 'reference'), tag: '2.0.0', tags: ['2.0.0'] } });
      expect(proxy.seen.filter((s) => s.path.startsWith('/cc-ui/v1/artifacts/register-by-env')).length).toBe(2);
      const direct = new HttpControlPlane({ baseUrl: server.url, username: 'admin', token: server.adminToken, retries: 0 });
      const listed = await direct.listArtifacts(PROJECT, 'checkout', { registrationValue: 'dev' });
      expect(listed.items.find((a) => a.id === first.artifact.id)?.tags).toEqual(['1.5.0', '2.0.0']);
    } finally {
      await proxy.close();
    }
  });
});
