// createControlPlane picks the remote control plane when a URL is given, else the embedded one.
import { createControlPlane } from '../../src/api/factory';
import { startServer, type RunningServer } from '../../src/controlplane/http/server';
import { makeProjectDir, PROJECT, type ProjectDir } from '../contract/project';

describe('createControlPlane: remote when a control-plane URL is given, else embedded', () => {
  let project: ProjectDir;
  let server: RunningServer;
  beforeAll(async () => {
    project = makeProjectDir('facetsctl-factory-');
    server = await startServer({ blueprintPath: project.blueprint, dbPath: `${project.dir}/served.db`, cwd: project.dir, env: {}, log: () => {} });
  });
  afterAll(async () => {
    await server.close();
    project.remove();
  });

  test('no URL: the embedded control plane on the blueprint found from cwd', async () => {
    const handle = await createControlPlane({ cwd: project.dir, env: {} });
    try {
      expect(handle.kind).toBe('embedded');
      expect(await handle.client.listProjects()).toEqual([PROJECT]);
      expect((await handle.client.ensureCiIntegration(PROJECT, 'cart')).ciName).toMatch(/^shop-cart-/);
    } finally {
      await handle.close();
    }
  });

  test('a URL: the remote control plane, authenticated as the given user', async () => {
    const handle = await createControlPlane({ controlPlaneUrl: server.url, username: 'admin', token: server.adminToken, cwd: project.dir, env: {} });
    try {
      expect(handle.kind).toBe('remote');
      expect(await handle.client.whoami()).toEqual({ username: 'admin', name: 'admin' });
      // The remote one has its own state: the embedded run above did not touch it.
      expect(await handle.client.listCiIntegrations(PROJECT)).toEqual([]);
    } finally {
      await handle.close();
    }
  });

  test('a URL with a wrong token: AUTH, with the hint to log in', async () => {
    const handle = await createControlPlane({ controlPlaneUrl: server.url, username: 'admin', token: 'fct_nope', cwd: project.dir, env: {}, retries: 0 });
    await expect(handle.client.listProjects()).rejects.toMatchObject({ kind: 'AUTH', hint: 'run `facetsctl login`' });
  });
});
