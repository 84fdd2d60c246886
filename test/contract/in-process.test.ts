// The contract against the in-process control plane: blueprint + SQLite in a temp directory.
import { openInProcessControlPlane } from '../../src/api/in-process';
import { makeProjectDir, REGISTRY_CREDENTIALS_ENV } from './project';
import { contractSuite } from './suite';

contractSuite('in-process', async () => {
  const project = makeProjectDir();
  const embedded = await openInProcessControlPlane({ blueprintPath: project.blueprint, dbPath: project.db, cwd: project.dir, env: { ...REGISTRY_CREDENTIALS_ENV } });
  return {
    client: embedded.client,
    close: async () => {
      await embedded.close();
      project.remove();
    },
  };
});
