// The branch an artifact was built from: --git-ref, else the CI provider's variables, else the repository's HEAD.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

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
  const { execFile } = require('node:child_process') as typeof import('node:child_process');
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd, env: { PATH: env.PATH ?? '', HOME: env.HOME ?? '' }, timeout: 10_000 }, (error, stdout) => {
      const ref = stdout?.trim();
      resolve(error || !ref || ref === 'HEAD' ? null : { ref, source: 'git' });
    });
  });
}

const read = (file: string): string | null => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

/** The repository's git directory found upward from cwd as git finds it; null = none; undefined = ask git (bare, other owner, other filesystem). */
function findGitDir(cwd: string): string | null | undefined {
  const start = statSync(cwd);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const dotGit = path.join(dir, '.git');
    const stat = statSync(dotGit, { throwIfNoEntry: false });
    if (stat) {
      // git refuses a repository another user owns, and does not look across filesystems.
      if (stat.dev !== start.dev || (typeof process.getuid === 'function' && stat.uid !== process.getuid())) return undefined;
      if (stat.isDirectory()) return dotGit;
      const link = /^gitdir: (.+)$/m.exec(read(dotGit) ?? '');
      return link ? path.resolve(dir, link[1].trim()) : undefined;
    }
    // A bare repository, where only git's own rules apply.
    if (existsSync(path.join(dir, 'HEAD')) && existsSync(path.join(dir, 'objects'))) return undefined;
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * What `git rev-parse --abbrev-ref HEAD` answers, read from the repository's files: the branch HEAD names, null
 * outside a repository, on a detached HEAD or on a branch with no commit yet; undefined when only git can tell.
 */
export function gitRefFromHeadFile(cwd: string): GitRef | null | undefined {
  let gitDir: string | null | undefined;
  try {
    gitDir = findGitDir(cwd);
  } catch {
    return undefined;
  }
  if (gitDir === null || gitDir === undefined) return gitDir;
  const head = read(path.join(gitDir, 'HEAD'));
  if (head === null) return undefined;
  const symbolic = /^ref: refs\/heads\/(\S+)\s*$/.exec(head);
  if (!symbolic) return /^[0-9a-f]{40,64}\s*$/.test(head) ? null : undefined;
  const branch = symbolic[1];
  // Worktrees keep their refs in the common directory; the reftable format keeps them where only git reads them.
  const common = read(path.join(gitDir, 'commondir'));
  const refsDir = common ? path.resolve(gitDir, common.trim()) : gitDir;
  if (branch === '.invalid' || existsSync(path.join(refsDir, 'reftable'))) return undefined;
  if (existsSync(path.join(refsDir, 'refs', 'heads', branch))) return { ref: branch, source: 'git' };
  const packed = read(path.join(refsDir, 'packed-refs'));
  return packed !== null && packed.split('\n').some((line) => line.endsWith(` refs/heads/${branch}`)) ? { ref: branch, source: 'git' } : null;
}

export async function detectGitRef(flag: string | undefined, cwd: string, env: Record<string, string | undefined>): Promise<GitRef | null> {
  if (flag !== undefined) return { ref: flag, source: '--git-ref' };
  const fromEnv = gitRefFromEnv(env);
  if (fromEnv) return fromEnv;
  // Reading HEAD spares starting git (~15 ms of fork and exec for a process of this size) on every register and push.
  const fromHead = gitRefFromHeadFile(cwd);
  return fromHead !== undefined ? fromHead : gitRefFromRepository(cwd, env);
}
