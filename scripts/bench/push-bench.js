'use strict';
// Figure 5: `facetsctl push` ÷ `docker push` for fresh random images, with the floor this machine allows for the
// 5-layer one (the engine's export alone plus the registry's ingest alone, in the same runs), what `facetsctl push
// --via-engine` adds to `docker push` beside Node's own start, and an unchanged re-push ÷ `facetsctl --version`.
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { compare, median, timeOnce } = require('./timing');
const { figure } = require('./report');
const { SHAPES, buildRandomImage, removeImage } = require('./images');
const { facetsctl } = require('./cli-bench');
const { PROJECT, SERVICE, ENVIRONMENT } = require('./project');

/** The native push (the default) against the engine's own: ≤ 0.7 for one 50 MB layer, ≤ 0.6 for five. */
const PUSH_TARGETS = { single: { max: 0.7 }, layers5: { max: 0.6 } };
const FAST_PATH_TARGET = { max: 2.0 };
const pushName = (shape) => `facetsctl push, ${SHAPES[shape].label}`;
const FAST_PATH_NAME = 'facetsctl push, unchanged re-push';
const VIA_ENGINE_SHAPE = 'single';
const VIA_ENGINE_NAME = `facetsctl push --via-engine, ${SHAPES[VIA_ENGINE_SHAPE].label}`;
const FLOOR_SHAPE = 'layers5';
const FLOOR_NAME = `facetsctl push floor (engine export + registry ingest), ${SHAPES[FLOOR_SHAPE].label}`;
const FLOOR_RUNNER = path.join(__dirname, 'native-floor-run.js');
const names = () => [...Object.keys(SHAPES).map(pushName), FLOOR_NAME, VIA_ENGINE_NAME, FAST_PATH_NAME];
/** Each figure's target: null where there is none. */
const targetOf = (name) => ({ [FAST_PATH_NAME]: FAST_PATH_TARGET, ...Object.fromEntries(Object.keys(SHAPES).map((shape) => [pushName(shape), PUSH_TARGETS[shape]])) })[name] ?? null;

/** Export and ingest times of `image` (still in the engine) into a repository of its own, in ms. */
function floorOf(image, registry, repository, dockerEnv) {
  const r = spawnSync(process.execPath, [FLOOR_RUNNER, image, `http://${registry.host}`, repository], { env: dockerEnv, encoding: 'utf8', timeout: 300000 });
  if (r.status !== 0) throw new Error(`the floor run of ${image} failed: ${(r.stderr || r.error?.message || '').trim()}`);
  return JSON.parse(r.stdout);
}

function checkPush(stdout, image, expectSkipped) {
  const out = JSON.parse(stdout);
  if (Boolean(out.skipped) !== expectSkipped || Boolean(out.pushed) === expectSkipped || !/@sha256:[0-9a-f]{64}$/.test(String(out.artifactUri))) {
    throw new Error(`facetsctl push ${image} answered pushed=${out.pushed} skipped=${out.skipped} artifactUri=${out.artifactUri} (expected ${expectSkipped ? 'the fast path' : 'a push'})`);
  }
}

/** What facetsctl saves (or adds) against the engine's push, in ms, beside what the target asks at this push time. */
function overhead(r, target) {
  const saved = r.baseline.median - r.measured.median;
  const asked = r.baseline.median * (1 - target.max);
  return `facetsctl takes ${saved.toFixed(1)} ms less than docker push's ${r.baseline.median.toFixed(1)} ms; the target asks ${asked.toFixed(1)} ms less`;
}

/**
 * ctx: {repo, registry: {host}, dockerEnv (DOCKER_HOST, DOCKER_CONFIG), cliEnv (DOCKER_HOST, HOME, CI...), blueprintDir, workDir, runs, warmup}
 * Returns a list of thunks, one per figure.
 */
function benchPush(ctx) {
  const { repo, registry, dockerEnv, cliEnv, blueprintDir, workDir, runs, warmup } = ctx;
  const cli = (args) => ({ ...facetsctl(repo, args, cliEnv), cwd: blueprintDir, timeoutMs: 300000 });
  const pushArgs = (image) => [path.join(repo, 'bin', 'facetsctl'), 'push', image, '--service', SERVICE, '--environment', ENVIRONMENT, '--json'];

  /**
   * `docker push` against `facetsctl push ...extra` of fresh random images of `shape`, interleaved; `beforePush(i)`
   * runs just before each facetsctl push and `afterPush(i, image)` after it (the image still in the engine), both
   * outside the timed span.
   */
  const againstDockerPush = (shape, name, extra, beforePush = () => {}, afterPush = () => {}) => {
    const dockerRef = (i) => `${registry.host}/${PROJECT}/docker-${name}-${shape}:r${i}`;
    const sourceRef = (i) => `bench-src/${name}-${shape}:${shape}-r${i}`;
    const baseline = {
      label: 'docker push', file: 'docker', env: dockerEnv, timeoutMs: 300000,
      before: (i) => ({ args: ['push', buildRandomImage(workDir, shape, dockerRef(i), dockerEnv)] }),
      after: (i) => removeImage(dockerRef(i), dockerEnv),
    };
    const measured = {
      ...cli(['push']),
      before: (i) => {
        const args = [...pushArgs(buildRandomImage(workDir, shape, sourceRef(i), dockerEnv)), ...extra];
        beforePush(i);
        return { args };
      },
      after: (i, stdout) => {
        checkPush(stdout, sourceRef(i), false);
        afterPush(i, sourceRef(i));
        removeImage(sourceRef(i), dockerEnv);
      },
    };
    return compare(baseline, measured, { runs, warmup });
  };

  const floor = { samples: [], exportMs: [], stagingMs: [], ingestMs: [], baseline: undefined };
  const floorSample = (i, image) => {
    if (i < warmup) return;
    const { exportMs, stagingMs, ingestMs } = floorOf(image, registry, `${PROJECT}/floor-r${i}`, dockerEnv);
    floor.samples.push(exportMs + ingestMs);
    floor.exportMs.push(exportMs);
    floor.stagingMs.push(stagingMs);
    floor.ingestMs.push(ingestMs);
  };
  const pushFigure = (shape) => () => {
    const r = againstDockerPush(shape, 'native', [], undefined, shape === FLOOR_SHAPE ? floorSample : undefined);
    if (shape === FLOOR_SHAPE) floor.baseline = r.baseline;
    return figure({ name: pushName(shape), unit: 'ms', measured: r.measured.median, baseline: r.baseline.median, baselineName: 'docker push',
      target: PUSH_TARGETS[shape], samples: { measured: r.measured.samples, baseline: r.baseline.samples },
      notes: ['every run pushes newly generated random layers (image build not timed)', overhead(r, PUSH_TARGETS[shape])] });
  };

  const floorFigure = () => {
    if (!floor.baseline || !floor.samples.length) throw new Error(`no floor samples: the figure "${pushName(FLOOR_SHAPE)}" did not run to its end`);
    return figure({ name: FLOOR_NAME, unit: 'ms', measured: median(floor.samples), baseline: floor.baseline.median, baselineName: 'docker push',
      samples: { measured: floor.samples, baseline: floor.baseline.samples },
      notes: [`the same runs as "${pushName(FLOOR_SHAPE)}", each image timed again after its push: GET /images/{name}/get read to its end and dropped (median ${median(floor.exportMs).toFixed(0)} ms, of which ${median(floor.stagingMs).toFixed(0)} ms before its first byte: the engine staging the save) + its layers and config as pre-hashed blobs, POST + monolithic PUT all at once by plain Node http (median ${median(floor.ingestMs).toFixed(0)} ms); no Node start, no compression, no registration`] });
  };

  // No target: the engine does the push; the figure is what facetsctl adds to it, beside what starting Node costs.
  const viaEngineFigure = () => {
    const nodeStart = [];
    // Node's start, timed just before each facetsctl push of the same run, so that the same load weighs on it.
    const r = againstDockerPush(VIA_ENGINE_SHAPE, 'engine', ['--via-engine'], (i) => {
      const ms = timeOnce({ label: 'node -e 0', file: process.execPath, args: ['-e', '0'], env: cliEnv }, i);
      if (i >= warmup) nodeStart.push(ms);
    });
    // Each run's own difference: load that slows one run's pair of pushes cancels out.
    const added = median(r.measured.samples.map((ms, i) => ms - r.baseline.samples[i]));
    const node = median(nodeStart);
    return figure({ name: VIA_ENGINE_NAME, unit: 'ms', measured: r.measured.median, baseline: r.baseline.median, baselineName: 'docker push',
      samples: { measured: r.measured.samples, baseline: r.baseline.samples, nodeStart },
      notes: ['every run pushes newly generated random layers (image build not timed)',
        `facetsctl push --via-engine adds ${added.toFixed(1)} ms to docker push's ${r.baseline.median.toFixed(1)} ms (median of the per-run differences); node -e 0 takes ${node.toFixed(1)} ms in the same runs (${(added - node).toFixed(1)} ms beyond Node's start)`] });
  };

  const fastPathFigure = () => {
    const image = buildRandomImage(workDir, 'single', 'bench-src/single:unchanged', dockerEnv);
    timeOnce({ ...cli(['push']), args: pushArgs(image), after: (_i, stdout) => checkPush(stdout, image, false) }, 0);
    const measured = { ...cli(['push']), args: pushArgs(image), after: (_i, stdout) => checkPush(stdout, image, true) };
    const r = compare(cli(['--version']), measured, { runs, warmup });
    removeImage(image, dockerEnv);
    return figure({ name: FAST_PATH_NAME, unit: 'ms', measured: r.measured.median, baseline: r.baseline.median, baselineName: 'facetsctl --version',
      target: FAST_PATH_TARGET, samples: { measured: r.measured.samples, baseline: r.baseline.samples } });
  };

  return [...Object.keys(SHAPES).map((shape) => ({ name: pushName(shape), target: PUSH_TARGETS[shape], run: pushFigure(shape) })),
    { name: FLOOR_NAME, target: null, run: floorFigure },
    { name: VIA_ENGINE_NAME, target: null, run: viaEngineFigure },
    { name: FAST_PATH_NAME, target: FAST_PATH_TARGET, run: fastPathFigure }];
}

module.exports = { benchPush, names, targetOf };
