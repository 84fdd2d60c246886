'use strict';
// The private dockerd and the open registry, through scripts/test-infra.js, in a directory of this bench run only.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

function script(repo) {
  return path.join(repo, 'scripts', 'test-infra.js');
}

/** Starts the components and returns infra.json ({dockerHost, registries: {open: {url, host}}, ...}). */
function startInfra(repo, dir, components) {
  if (!fs.existsSync(script(repo))) throw Object.assign(new Error('scripts/test-infra.js is missing'), { missing: true });
  const r = spawnSync(process.execPath, [script(repo), 'start', '--dir', dir, '--only', components.join(',')], {
    cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000, encoding: 'utf8',
  });
  const infraFile = path.join(dir, 'infra.json');
  if (r.status !== 0 || !fs.existsSync(infraFile)) {
    throw new Error(`test-infra start --only ${components.join(',')} failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' | ')}`);
  }
  return JSON.parse(fs.readFileSync(infraFile, 'utf8'));
}

/** Stops by the PIDs recorded in DIR (test-infra.js: TERM, then KILL) and removes DIR's data. */
function stopInfra(repo, dir) {
  if (!fs.existsSync(path.join(dir, 'infra.json')) && !fs.existsSync(dir)) return;
  const r = spawnSync(process.execPath, [script(repo), 'stop', '--dir', dir, '--rm'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000, encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(`bench: stopping the test infra in ${dir} failed: ${(r.stderr || '').trim()}\n`);
}

module.exports = { startInfra, stopInfra };
