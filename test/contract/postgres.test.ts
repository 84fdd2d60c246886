// The contract over HTTP with serve on PostgreSQL: the same tests as on SQLite, a fresh database each.
import { HttpControlPlane } from '../../src/api/http-client';
import { spawnServe } from '../serve/serve-process';
import { createDatabase } from '../support/postgres';
import { makeProjectDir, REGISTRY_CREDENTIALS_ENV } from './project';
import { contractSuite } from './suite';

contractSuite('HTTP via serve on PostgreSQL', async () => {
  const project = makeProjectDir();
  const database = await createDatabase();
  const server = await spawnServe({ blueprint: project.blueprint, db: project.db, database: database.url, env: REGISTRY_CREDENTIALS_ENV });
  const client = new HttpControlPlane({ baseUrl: server.url, username: 'admin', token: server.adminToken, retries: 0 });
  return {
    client,
    close: async () => {
      await server.stop();
      await database.drop();
      project.remove();
    },
  };
});
