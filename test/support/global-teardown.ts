// Stops what global setup started (never a reused FACETS_TEST_INFRA_DIR), by PID.
import { OWNED_DIR_ENV } from './global-setup';
import { testInfraScript } from './test-infra-script';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env[OWNED_DIR_ENV];
  if (!dir) return;
  // A shared directory given by the user is kept for inspection; per-run directories are removed.
  await testInfraScript.stop({ dir, rm: !process.env.FACETS_TEST_INFRA_DIR });
  delete process.env[OWNED_DIR_ENV];
}
