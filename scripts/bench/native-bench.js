'use strict';
// Group `native`: the native push (engine export, layers gzipped here, our own upload) ÷ `docker push` of the same
// kind of image through the same engine, each run a new random image to a new repository; then the compressible set
// and, when skopeo is installed, `push oci:DIR` ÷ `skopeo copy`. Beside the 5-layer figure, in the same runs, the floor
// this machine allows: the engine's export alone plus the registry's ingest alone, ÷ the same `docker push` runs.
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { compare, median } = require('./timing');
const { figure } = require('./report');
const { SHAPES, buildRandomImage, removeImage } = require('./images');
const { benchCompressible } = require('./compressible-bench');
const { benchSkopeo } = require('./skopeo-bench');

const TARGETS = { single: { max: 0.7 }, layers5: { max: 0.6 } };
const nativeName = (shape) => `native push, ${SHAPES[shape].label}`;
const RUNNER = path.join(__dirname, 'native-push-run.js');
const FLOOR_RUNNER = path.join(__dirname, 'native-floor-run.js');
const FLOOR_SHAPE = 'layers5';
const FLOOR_NAME = `native push floor (engine export + registry ingest), ${SHAPES[FLOOR_SHAPE].label}`;

/** Export and ingest times of `image` (still in the engine) into a repository of its own, in ms. */
function floorOf(image, registry, repository, dockerEnv) {
  const r = spawnSync(process.execPath, [FLOOR_RUNNER, image, `http://${registry.host}`, repository], { env: dockerEnv, encoding: 'utf8', timeout: 300000 });
  if (r.status !== 0) throw new Error(`the floor run of ${image} failed: ${(r.stderr || r.error?.message || '').trim()}`);
  return JSON.parse(r.stdout);
}

/** ctx: {registry: {host}, dockerEnv (DOCKER_HOST, DOCKER_CONFIG), workDir, runs, warmup}; one thunk per figure. */
function benchNative(ctx) {
  const { registry, dockerEnv, workDir, runs, warmup } = ctx;
  const floor = { samples: [], exportMs: [], ingestMs: [], baseline: undefined };
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
        if (shape === FLOOR_SHAPE && i >= warmup) {
          const { exportMs, ingestMs } = floorOf(sourceRef(i), registry, `bench/floor-${shape}-r${i}`, dockerEnv);
          floor.samples.push(exportMs + ingestMs);
          floor.exportMs.push(exportMs);
          floor.ingestMs.push(ingestMs);
        }
        removeImage(sourceRef(i), dockerEnv);
      },
    };
    const r = compare(baseline, measured, { runs, warmup });
    if (shape === FLOOR_SHAPE) floor.baseline = r.baseline;
    return figure({ name: nativeName(shape), unit: 'ms', measured: r.measured.median, baseline: r.baseline.median, baselineName: 'docker push',
      target: TARGETS[shape], samples: { measured: r.measured.samples, baseline: r.baseline.samples },
      notes: ['every run pushes newly generated random layers to a new tag (image build not timed); measured includes Node start, the engine export and gzip'] });
  };
  const shapes = Object.keys(SHAPES).map((shape) => ({ name: nativeName(shape), target: TARGETS[shape], run: figureOf(shape) }));
  const floorFigure = () => {
    if (!floor.baseline || !floor.samples.length) throw new Error(`no floor samples: the figure "${nativeName(FLOOR_SHAPE)}" did not run to its end`);
    return figure({ name: FLOOR_NAME, unit: 'ms', measured: median(floor.samples), baseline: floor.baseline.median, baselineName: 'docker push',
      samples: { measured: floor.samples, baseline: floor.baseline.samples },
      notes: [`the same runs as "${nativeName(FLOOR_SHAPE)}": GET /images/{name}/get read to its end (median ${median(floor.exportMs).toFixed(0)} ms, engine staging included) + its layers and config as pre-hashed blobs, POST + monolithic PUT all at once by plain Node http (median ${median(floor.ingestMs).toFixed(0)} ms); no Node start, no compression`] });
  };
  return [...shapes, { name: FLOOR_NAME, target: null, run: floorFigure }, ...benchCompressible(ctx), ...benchSkopeo(ctx)];
}

module.exports = { benchNative };
