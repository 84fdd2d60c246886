'use strict';
// Figures 1 and 2: `facetsctl --version` and `facetsctl --help` wall time ÷ `node -e 0`, --version also on the Node LTS.
const path = require('node:path');
const { ltsNode } = require('../lts-node');
const { compare } = require('./timing');
const { figure, skipped } = require('./report');

const nodeBaseline = { label: 'node -e 0', file: process.execPath, args: ['-e', '0'] };

function facetsctl(repo, args, env, node = process.execPath) {
  return { label: `facetsctl ${args.join(' ')}`, file: node, args: [path.join(repo, 'bin', 'facetsctl'), ...args], env, cwd: repo };
}

const VERSION_TARGET = { max: 1.5 };

/** One entry per figure: {group, name, target, run() -> figure}. */
function benchStartup(repo, { runs, warmup, env }) {
  const cases = [
    { group: 'version', name: 'facetsctl --version', args: ['--version'], target: VERSION_TARGET },
    { group: 'help', name: 'facetsctl --help', args: ['--help'], target: null },
  ];
  return cases.map(({ group, name, args, target }) => ({
    group,
    name,
    target,
    run: () => {
      const r = compare({ ...nodeBaseline, env }, facetsctl(repo, args, env), { runs, warmup });
      return figure({ name, unit: 'ms', measured: r.measured.median, baseline: r.baseline.median, baselineName: 'node -e 0', target,
        samples: { measured: r.measured.samples, baseline: r.baseline.samples }, notes: [`Node ${process.version} (this machine's)`] });
    },
  }));
}

/**
 * `facetsctl --version` ÷ `node -e 0`, both on the Node.js LTS from the npm registry (scripts/lts-node.js, installed
 * into .runtimes/ on first use): the start-up users on the LTS get, beside the figure on this machine's Node.
 */
function benchStartupOnLts(repo, { runs, warmup, env, log }) {
  const name = 'facetsctl --version on the Node.js LTS';
  const run = () => {
    const lts = ltsNode({ log });
    const baseline = { label: `node ${lts.version} -e 0`, file: lts.node, args: ['-e', '0'], env };
    const r = compare(baseline, facetsctl(repo, ['--version'], env, lts.node), { runs, warmup });
    return figure({ name, unit: 'ms', measured: r.measured.median, baseline: r.baseline.median, baselineName: `node -e 0 on ${lts.version}`, target: VERSION_TARGET,
      samples: { measured: r.measured.samples, baseline: r.baseline.samples }, notes: [`Node ${lts.version} (${lts.lts}), ${lts.node}`] });
  };
  return [{ group: 'version', name, target: VERSION_TARGET, run }];
}

/**
 * Node's own start-up with NODE_EXTRA_CA_CERTS as set ÷ without it: Node 20 parses that file before running any
 * JavaScript (OpenSSL 3, ~30 ms for a system bundle; nodejs/node#40524), Node 22 and later on first TLS use. No target:
 * it tells how much of every facetsctl run here is the runtime's, which the push figure pays and `docker push` does not.
 */
function benchNodeStartup({ runs, warmup, env }) {
  const name = 'node -e 0 with NODE_EXTRA_CA_CERTS';
  const run = () => {
    if (!env.NODE_EXTRA_CA_CERTS) return skipped(name, 'NODE_EXTRA_CA_CERTS is not set here');
    const without = { ...env };
    delete without.NODE_EXTRA_CA_CERTS;
    const r = compare({ ...nodeBaseline, label: 'node -e 0 (NODE_EXTRA_CA_CERTS unset)', env: without }, { ...nodeBaseline, env }, { runs, warmup });
    return figure({ name, unit: 'ms', measured: r.measured.median, baseline: r.baseline.median, baselineName: 'node -e 0 without it',
      samples: { measured: r.measured.samples, baseline: r.baseline.samples },
      notes: [`Node ${process.version}, NODE_EXTRA_CA_CERTS=${env.NODE_EXTRA_CA_CERTS}: +${(r.measured.median - r.baseline.median).toFixed(1)} ms per process start`] });
  };
  return [{ group: 'node', name, target: null, run }];
}

module.exports = { benchStartup, benchStartupOnLts, benchNodeStartup, nodeBaseline, facetsctl };
