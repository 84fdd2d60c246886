'use strict';
// Figures 1 and 2: `facetsctl --version` and `facetsctl --help` wall time ÷ `node -e 0`.
const path = require('node:path');
const { compare } = require('./timing');
const { figure } = require('./report');

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

module.exports = { benchStartup, nodeBaseline, facetsctl };
