// The branch a registration is routed by, when no flag or CI variable gives it: read from the repository's HEAD as
// `git rev-parse --abbrev-ref HEAD` gives it, without starting git; git itself only where the files cannot tell.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { detectGitRef, gitRefFromHeadFile } from '../../src/workflow/git-ref';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** What git answers, or null where it fails (no repository, no commit) or says HEAD (detached). */
function gitAnswer(cwd: string): string | null {
  try {
    const ref = git(cwd, 'rev-parse', '--abbrev-ref', 'HEAD');
    return ref === 'HEAD' ? null : ref;
  } catch {
    return null;
  }
}

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'facetsctl-git-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function repo(name: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q');
  return dir;
}

function commit(dir: string, message = 'c'): void {
  fs.writeFileSync(path.join(dir, 'f.txt'), `${message}\n`);
  git(dir, 'add', 'f.txt');
  git(dir, 'commit', '-q', '-m', message);
}

const setups: Array<[string, () => string]> = [
  ['a branch with commits', () => { const d = repo('branch'); commit(d); return d; }],
  ['a branch with a slash in its name', () => { const d = repo('slash'); commit(d); git(d, 'checkout', '-q', '-b', 'release/1.4'); return d; }],
  ['a subdirectory of the repository', () => { const d = repo('sub'); commit(d); git(d, 'checkout', '-q', '-b', 'feature-x'); fs.mkdirSync(path.join(d, 'a', 'b'), { recursive: true }); return path.join(d, 'a', 'b'); }],
  ['a detached HEAD', () => { const d = repo('detached'); commit(d, 'one'); commit(d, 'two'); git(d, 'checkout', '-q', 'HEAD~1'); return d; }],
  ['a new repository without a commit', () => repo('unborn')],
  ['refs packed by git pack-refs', () => { const d = repo('packed'); commit(d); git(d, 'checkout', '-q', '-b', 'packed-branch'); git(d, 'pack-refs', '--all', '--prune'); return d; }],
  ['a linked worktree (.git is a file)', () => { const d = repo('main-tree'); commit(d); const w = path.join(root, 'linked'); git(d, 'worktree', 'add', '-q', '-b', 'wt-branch', w); return w; }],
  ['no repository at all', () => { const d = path.join(root, 'plain'); fs.mkdirSync(d, { recursive: true }); return d; }],
];

describe('read from the files, the branch is what `git rev-parse --abbrev-ref HEAD` answers', () => {
  test.each(setups)('%s', (_case, setup) => {
    const cwd = setup();
    // Outside any repository the walk goes up to /, which must not be a repository on a test machine.
    expect(gitRefFromHeadFile(cwd)).toEqual((() => {
      const ref = gitAnswer(cwd);
      return ref === null ? null : { ref, source: 'git' };
    })());
  });
});

describe('the flag, then the CI variables, come before the repository', () => {
  test('--git-ref wins, then GITHUB_REF_NAME, then HEAD', async () => {
    const d = repo('order');
    commit(d);
    expect(await detectGitRef('given', d, {})).toEqual({ ref: 'given', source: '--git-ref' });
    expect(await detectGitRef(undefined, d, { GITHUB_REF_NAME: 'from-ci' })).toEqual({ ref: 'from-ci', source: 'GITHUB_REF_NAME' });
    expect(await detectGitRef(undefined, d, { PATH: process.env.PATH })).toEqual({ ref: 'main', source: 'git' });
  });
});
