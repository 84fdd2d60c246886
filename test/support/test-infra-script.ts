// Typed view of scripts/test-infra.js (plain CommonJS, shared with .ci and manual use).
import path from 'node:path';
import type { Infra } from './infra';

export interface TestInfraScript {
  start(options: { dir: string; only: string[] }): Promise<Infra>;
  stop(options: { dir: string; rm: boolean }): Promise<Array<{ name: string; pid: number }>>;
  reusable(dir: string, only: string[]): Promise<Infra | undefined>;
  infraFile(dir: string): string;
  COMPONENTS: string[];
}

export const repoRoot = path.resolve(__dirname, '..', '..');

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const testInfraScript = require(path.join(repoRoot, 'scripts', 'test-infra.js')) as TestInfraScript;
