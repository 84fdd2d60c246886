// The contract over HTTP: `serve` started for real as a child process, the typed client talking to it.
import { HttpControlPlane } from '../../src/api/http-client';
import { spawnServe } from '../serve/serve-process';
import { makeProjectDir, REGISTRY_CREDENTIALS_ENV } from './project';
import { contractSuite } from './suite';

contractSuite('HTTP via serve', async () => {
  const project = makeProjectDir();
  const server = await spawnServe({ blueprint: project.blueprint, db: project.db, env: REGISTRY_CREDENTIALS_ENV });
  const client = new HttpControlPlane({ baseUrl: server.url, username: 'admin', token: server.adminToken, retries: 0 });
  return {
    client,
    close: async () => {
      await server.stop();
      project.remove();
    },
  };
});
