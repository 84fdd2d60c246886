'use strict';
// Figures 1 and 2: `facetsctl --version` and `facetsctl --help` wall time ÷ `node -e 0`.
const path = require('node:path');
const { compare } = require('./timing');
const { figure, skipped } = require('./report');

const nodeBaseline = { label: 'node -e 0', file: process.execPath, args: ['-e', '0'] };

function facetsctl(repo, args, env) {
  return { label: `facetsctl ${args.join(' ')}`, file: process.execPath, args: [path.join(repo, 'bin', 'facetsctl'), ...args], env, cwd: repo };
}

/** One entry per figure: {group, name, target, run() -> figure}. */
function benchStartup(repo, { runs, warmup, env }) {
  const cases = [
    { group: 'version', name: 'facetsctl --version', args: ['--version'], target: { max: 1.5 } },
    { group: 'help', name: 'facetsctl --help', args: ['--help'], target: null },
  ];
  return cases.map(({ group, name, args, target }) => ({
    group,
    name,
    target,
    run: () => {
      const r = compare({ ...nodeBaseline, env }, facetsctl(repo, args, env), { runs, warmup });
      return figure({ name, unit: 'ms', measured: r.measured.median, baseline: r.baseline.median, baselineName: 'node -e 0', target,
        samples: { measured: r.measured.samples, baseline: r.baseline.samples } });
    },
  }));
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

module.exports = { benchStartup, benchNodeStartup, nodeBaseline, facetsctl };
