#!/usr/bin/env node
'use strict';
// The current Node.js LTS, from the npm registry (no system install): .ci/run runs the suite on it, the bench times it.
// Usage: node scripts/lts-node.js [--dir DIR]   prints the folder that holds bin/node and include/node (node-gyp's nodedir).
// The `node` package is only an installer for the per-platform package `node-<platform>-<arch>`, a copy of Node's
// release archive (binary and headers); installed directly, no install script runs.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

/** Node.js 24 is the Active LTS (since 2025-10); 26 is a "Current" release until it enters LTS. */
const LTS_MAJOR = 24;
const REPO = path.resolve(__dirname, '..');
const DEFAULT_DIR = path.join(REPO, '.runtimes');

const platformPackage = () => `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;

/** {home, node, version}: home is the package folder (bin/node, include/node); installed once per major, then reused. */
function ltsNode({ dir = DEFAULT_DIR, log = () => {} } = {}) {
  const prefix = path.join(dir, `node-${LTS_MAJOR}`);
  const home = path.join(prefix, 'node_modules', platformPackage());
  const node = path.join(home, 'bin', 'node');
  if (!fs.existsSync(node) || !fs.existsSync(path.join(home, 'include', 'node', 'node_version.h'))) {
    const spec = `${platformPackage()}@${LTS_MAJOR}`;
    log(`installing ${spec} from the npm registry into ${path.relative(REPO, prefix) || prefix}`);
    fs.rmSync(prefix, { recursive: true, force: true });
    fs.mkdirSync(prefix, { recursive: true });
    const r = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', prefix, spec], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    // npm's first error lines say what failed (code, errno, the request); its last ones only where the log is.
    const said = String(r.stderr).split('\n').filter((l) => /^npm error /.test(l)).slice(0, 3).join(' | ');
    if (r.status !== 0) throw new Error(`npm install ${spec} failed (${r.error ? r.error.message : `exit ${r.status}`}): ${said}`);
    if (!fs.existsSync(node)) throw new Error(`npm install ${spec} gave no ${node}`);
  }
  const probe = spawnSync(node, ['-p', 'JSON.stringify({version: process.version, lts: process.release.lts || null})'], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`${node} does not run: ${String(probe.stderr || probe.error).trim()}`);
  const { version, lts } = JSON.parse(probe.stdout);
  // A major that is not (or no longer) an LTS release line says so here, not by a silent run on a Current release.
  if (!lts) throw new Error(`${version} from ${platformPackage()}@${LTS_MAJOR} is not an LTS release: update LTS_MAJOR in scripts/lts-node.js`);
  return { home, node, version, lts };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const dirAt = args.indexOf('--dir');
  try {
    const { home, version, lts } = ltsNode({ dir: dirAt >= 0 ? path.resolve(args[dirAt + 1]) : DEFAULT_DIR, log: (line) => process.stderr.write(`lts-node: ${line}\n`) });
    process.stderr.write(`lts-node: Node.js ${version} (${lts})\n`);
    process.stdout.write(`${home}\n`);
  } catch (e) {
    process.stderr.write(`lts-node: ${e.message}\n`);
    process.exit(1);
  }
}

module.exports = { ltsNode, LTS_MAJOR };
