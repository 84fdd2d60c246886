// Starts the real servers once per jest run (or reuses FACETS_TEST_INFRA_DIR when it is alive).
import fs from 'node:fs';
import path from 'node:path';
import { INFRA_ENV } from './infra';
import { repoRoot, testInfraScript } from './test-infra-script';

/** Written here, read by global teardown: the directory this run started and must stop. */
export const OWNED_DIR_ENV = 'FACETS_TEST_INFRA_OWNED_DIR';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs killed before their teardown leave servers behind; stop them by their recorded PIDs. */
async function stopAbandonedRuns(root: string): Promise<void> {
  if (!fs.existsSync(root)) return;
  for (const entry of fs.readdirSync(root)) {
    const match = /^jest-(\d+)-/.exec(entry);
    if (match && !isAlive(Number(match[1]))) await testInfraScript.stop({ dir: path.join(root, entry), rm: true });
  }
}

export default async function globalSetup(): Promise<void> {
  const only = testInfraScript.COMPONENTS;
  const shared = process.env.FACETS_TEST_INFRA_DIR;
  let dir: string;
  if (shared && (await testInfraScript.reusable(path.resolve(shared), only))) {
    dir = path.resolve(shared);
  } else {
    const root = path.join(repoRoot, '.test-infra');
    await stopAbandonedRuns(root);
    dir = shared ? path.resolve(shared) : path.join(root, `jest-${process.pid}-${Date.now()}`);
    await testInfraScript.start({ dir, only });
    process.env[OWNED_DIR_ENV] = dir;
  }
  process.env[INFRA_ENV] = testInfraScript.infraFile(dir);
}
