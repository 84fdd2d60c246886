// The branch an artifact was built from: --git-ref, else the CI provider's variables, else `git`.
import { execFile } from 'node:child_process';

export interface GitRef {
  ref: string;
  /** Where it came from, for the user: "--git-ref", "GITHUB_REF_NAME", "git". */
  source: string;
}

/** In order: the first one set wins (pull requests: the head branch before the merge ref). */
export const CI_REF_VARIABLES = [
  'GITHUB_HEAD_REF',
  'GITHUB_REF_NAME',
  'CI_COMMIT_REF_NAME',
  'BITBUCKET_BRANCH',
  'CIRCLE_BRANCH',
  'BRANCH_NAME',
  'GIT_BRANCH',
  'BUILD_SOURCEBRANCHNAME',
] as const;

export function gitRefFromEnv(env: Record<string, string | undefined>): GitRef | null {
  for (const name of CI_REF_VARIABLES) {
    const value = env[name]?.trim();
    // Jenkins' GIT_BRANCH is "origin/main".
    if (value) return { ref: name === 'GIT_BRANCH' ? value.replace(/^origin\//, '') : value, source: name };
  }
  return null;
}

/** `git rev-parse --abbrev-ref HEAD` without a shell; null outside a repository or on a detached HEAD. */
export function gitRefFromRepository(cwd: string, env: Record<string, string | undefined>): Promise<GitRef | null> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd, env: { PATH: env.PATH ?? '', HOME: env.HOME ?? '' }, timeout: 10_000 }, (error, stdout) => {
      const ref = stdout?.trim();
      resolve(error || !ref || ref === 'HEAD' ? null : { ref, source: 'git' });
    });
  });
}

export async function detectGitRef(flag: string | undefined, cwd: string, env: Record<string, string | undefined>): Promise<GitRef | null> {
  if (flag !== undefined) return { ref: flag, source: '--git-ref' };
  return gitRefFromEnv(env) ?? (await gitRefFromRepository(cwd, env));
}
