'use strict';
// The error for a 128 KiB argument (the longest Linux passes) ÷ the same error for a short one: reporting it redacts
// and clips the echoed value, which must cost about nothing (it took minutes when redaction was quadratic).
const fs = require('node:fs');
const path = require('node:path');
const { compare } = require('./timing');
const { figure } = require('./report');

const NAME = 'error for a 128 KiB argument';
const TARGET = { max: 1.2 };
const LONGEST_ARGUMENT = 128 * 1024 - 1;

/** `facetsctl register REFERENCE`, which must fail with exit 2 (a usage error that echoes REFERENCE); sh turns that into 0. */
function refused(repo, reference, env, cwd) {
  const script = 'node "$1" register "$2" --service checkout --git-ref main 2>/dev/null; test $? -eq 2';
  return { label: `facetsctl register <${reference.length} characters>`, file: 'sh', args: ['-c', script, 'sh', path.join(repo, 'bin', 'facetsctl'), reference], env, cwd };
}

function benchEcho(repo, { dir, env, runs, warmup }) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'facets.yaml'), 'project: shop\nreleaseStreams: [{name: QA}]\nenvironments: [{name: dev, releaseStream: QA}]\nservices: [{name: checkout}]\n');
  const prefix = 'http://deployer:secret@';
  const short = refused(repo, `${prefix}host`, env, dir);
  const long = refused(repo, prefix + 'a'.repeat(LONGEST_ARGUMENT - prefix.length), env, dir);
  const r = compare(short, long, { runs, warmup });
  return figure({ name: NAME, unit: 'ms', measured: r.measured.median, baseline: r.baseline.median, baselineName: 'the same error, short argument', target: TARGET,
    samples: { measured: r.measured.samples, baseline: r.baseline.samples } });
}

module.exports = { benchEcho, NAME, TARGET };
