'use strict';
// Figures 6 and 7: the INSTALLED package (npm pack + npm install -g of the tarball, scripts/check-package.sh into
// .bench/installed) — `facetsctl --version` and `facetsctl --help` wall time ÷ `node -e 0`.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { compare } = require('./timing');
const { figure } = require('./report');
const { nodeBaseline } = require('./cli-bench');

const CASES = [
  { group: 'installed', name: 'installed facetsctl --version', args: ['--version'], target: null },
  { group: 'installed', name: 'installed facetsctl --help', args: ['--help'], target: null },
];

/** sha256 of what `npm pack` would ship: the same tarball content means the install in PREFIX can be reused. */
function packStamp(repo) {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo, encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0) throw new Error(`npm pack --dry-run failed: ${(r.stderr || '').trim().split('\n').slice(-2).join(' | ')}`);
  const [{ files }] = JSON.parse(r.stdout);
  const hash = crypto.createHash('sha256');
  for (const { path: file } of files.sort((a, b) => (a.path < b.path ? -1 : 1))) hash.update(file).update(fs.readFileSync(path.join(repo, file)));
  return hash.digest('hex');
}

/** PREFIX/bin/facetsctl, installed by scripts/check-package.sh unless PREFIX already holds this very package. */
function ensureInstalled(repo, prefix, log) {
  const stampFile = path.join(prefix, 'bench-stamp');
  const bin = path.join(prefix, 'bin', 'facetsctl');
  const stamp = packStamp(repo);
  if (fs.existsSync(bin) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) {
    log(`reusing the installed package in ${path.relative(repo, prefix)}`);
    return bin;
  }
  log(`installing the packed package into ${path.relative(repo, prefix)} (scripts/check-package.sh; minutes when better-sqlite3 compiles)`);
  fs.rmSync(prefix, { recursive: true, force: true });
  const r = spawnSync('bash', [path.join(repo, 'scripts', 'check-package.sh'), prefix], { cwd: repo, encoding: 'utf8', timeout: 600000, maxBuffer: 1 << 24 });
  if (r.status !== 0 || !fs.existsSync(bin)) throw new Error(`scripts/check-package.sh failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' | ')}`);
  fs.writeFileSync(stampFile, stamp);
  return bin;
}

/** One entry per figure, like benchStartup; `prepare()` installs (once) before the first is measured. */
function benchInstalled(repo, { prefix, runs, warmup, env, log }) {
  let bin = null;
  const prepare = () => (bin ??= ensureInstalled(repo, prefix, log));
  return CASES.map(({ group, name, args, target }) => ({
    group,
    name,
    target,
    run: () => {
      const installed = prepare();
      // The installed program is run as a user runs it: its own shebang, its own node_modules.
      const measured = { label: `facetsctl ${args.join(' ')}`, file: installed, args, env, cwd: repo };
      const r = compare({ ...nodeBaseline, env }, measured, { runs, warmup });
      return figure({ name, unit: 'ms', measured: r.measured.median, baseline: r.baseline.median, baselineName: 'node -e 0', target,
        samples: { measured: r.measured.samples, baseline: r.baseline.samples }, notes: [`installed with npm install -g --prefix ${path.relative(repo, prefix)}`] });
    },
  }));
}

module.exports = { benchInstalled, ensureInstalled, packStamp };
