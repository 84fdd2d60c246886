'use strict';
// Group `native`: the native push (engine export, layers gzipped here, our own upload) ÷ `docker push` of the same
// kind of image through the same engine, each run a new random image to a new repository; then the compressible set
// and, when skopeo is installed, `push oci:DIR` ÷ `skopeo copy`.
const path = require('node:path');
const { compare } = require('./timing');
const { figure } = require('./report');
const { SHAPES, buildRandomImage, removeImage } = require('./images');
const { benchCompressible } = require('./compressible-bench');
const { benchSkopeo } = require('./skopeo-bench');

const TARGETS = { single: { max: 0.7 }, layers5: { max: 0.6 } };
const nativeName = (shape) => `native push, ${SHAPES[shape].label}`;
const RUNNER = path.join(__dirname, 'native-push-run.js');

/** ctx: {registry: {host}, dockerEnv (DOCKER_HOST, DOCKER_CONFIG), workDir, runs, warmup}; one thunk per figure. */
function benchNative(ctx) {
  const { registry, dockerEnv, workDir, runs, warmup } = ctx;
  const figureOf = (shape) => () => {
    const dockerRef = (i) => `${registry.host}/bench/docker-${shape}:r${i}`;
    const sourceRef = (i) => `bench-native/${shape}:r${i}`;
    const baseline = {
      label: 'docker push', file: 'docker', env: dockerEnv, timeoutMs: 300000,
      before: (i) => ({ args: ['push', buildRandomImage(workDir, shape, dockerRef(i), dockerEnv)] }),
      after: (i) => removeImage(dockerRef(i), dockerEnv),
    };
    const measured = {
      label: 'native push', file: process.execPath, env: dockerEnv, timeoutMs: 300000,
      before: (i) => ({ args: [RUNNER, buildRandomImage(workDir, shape, sourceRef(i), dockerEnv), `${registry.host}/bench/native-${shape}:r${i}`] }),
      after: (i, stdout) => {
        const result = JSON.parse(stdout);
        const uploaded = result.blobs.filter((b) => b.outcome === 'uploaded').length;
        if (!/^sha256:[0-9a-f]{64}$/.test(result.digest) || uploaded !== SHAPES[shape].layers.length + 1) {
          throw new Error(`native push of ${sourceRef(i)} gave digest ${result.digest} with ${uploaded} blobs uploaded`);
        }
        removeImage(sourceRef(i), dockerEnv);
      },
    };
    const r = compare(baseline, measured, { runs, warmup });
    return figure({ name: nativeName(shape), unit: 'ms', measured: r.measured.median, baseline: r.baseline.median, baselineName: 'docker push',
      target: TARGETS[shape], samples: { measured: r.measured.samples, baseline: r.baseline.samples },
      notes: ['every run pushes newly generated random layers to a new tag (image build not timed); measured includes Node start, the engine export and gzip'] });
  };
  const shapes = Object.keys(SHAPES).map((shape) => ({ name: nativeName(shape), target: TARGETS[shape], run: figureOf(shape) }));
  return [...shapes, ...benchCompressible(ctx), ...benchSkopeo(ctx)];
}

module.exports = { benchNative };
