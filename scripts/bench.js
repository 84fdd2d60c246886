#!/usr/bin/env node
'use strict';
// `npm run bench`: facetsctl's performance figures, each a ratio against a baseline measured in the same run.
// Usage: node scripts/bench.js [--only node,version,help,echo,installed,serve,register,push,scale,native,facets] [--runs N]
//        [--push-runs N] [--warmup N] [--scale-count N] [--strict]
// Prints a table on stdout and writes .bench/bench-results.json; stops everything it started, by PID, even on failure.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { stopAll, killAllNow } = require('./bench/children');
const { startInfra, stopInfra } = require('./bench/infra');
const { startServe, SERVE_MAIN } = require('./bench/serve');
const { benchStartup, benchStartupOnLts, benchNodeStartup } = require('./bench/cli-bench');
const { benchInstalled } = require('./bench/installed');
const { benchEcho, NAME: ECHO_NAME, TARGET: ECHO_TARGET } = require('./bench/echo-bench');
const { benchServe, serveFigures, failedFigures: failedServeFigures } = require('./bench/serve-bench');
const { benchRegister, NAME: REGISTER_NAME, TARGET: REGISTER_TARGET } = require('./bench/register-bench');
const { benchFacets, names: facetsNames, TARGET: FACETS_TARGET } = require('./bench/facets-bench');
const { benchPush, names: pushNames, targetOf: pushTargetOf } = require('./bench/push-bench');
const { benchScale, names: scaleNames, TARGET: SCALE_TARGET, CONTROL_PLANE } = require('./bench/scale-bench');
const { benchNative } = require('./bench/native-bench');
const { writeBlueprint } = require('./bench/project');
const { skipped, failed, table, writeJson } = require('./bench/report');

const REPO = path.resolve(__dirname, '..');
const GROUPS = ['node', 'version', 'help', 'echo', 'installed', 'serve', 'register', 'push', 'scale', 'native', 'facets'];
const CLI_MAIN = path.join('dist', 'cli', 'main.js');
const API_FACTORY = path.join('dist', 'api', 'factory.js');
const PUSH_COMMAND = path.join('dist', 'cli', 'commands', 'push.js');
const CLI_BUNDLE = path.join('dist', 'cli', 'facetsctl.js');

function parseArgs(argv) {
  // Push runs default to 9: each one builds and pushes 50 MB of new layers twice, and the bench keeps under ~5 minutes.
  const options = { only: GROUPS, runs: 15, pushRuns: 9, warmup: 3, scaleCount: 100000, strict: false };
  for (let i = 0; i < argv.length; i++) {
    const number = (flag) => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a whole number >= 1`);
      return n;
    };
    if (argv[i] === '--only') options.only = String(argv[++i]).split(',').map((s) => s.trim()).filter(Boolean);
    else if (argv[i] === '--runs') options.runs = number('--runs');
    else if (argv[i] === '--push-runs') options.pushRuns = number('--push-runs');
    else if (argv[i] === '--warmup') options.warmup = number('--warmup');
    else if (argv[i] === '--scale-count') options.scaleCount = number('--scale-count');
    else if (argv[i] === '--strict') options.strict = true;
    else throw new Error(`unknown argument ${argv[i]}; usage: bench.js [--only ${GROUPS.join(',')}] [--runs N] [--push-runs N] [--warmup N] [--scale-count N] [--strict]`);
  }
  const unknown = options.only.filter((g) => !GROUPS.includes(g));
  if (unknown.length) throw new Error(`unknown --only ${unknown.join(',')}; choose from ${GROUPS.join(',')}`);
  return options;
}

/** process.env without what would point facetsctl or docker elsewhere than the bench's own servers. */
function cleanEnv() {
  const env = { ...process.env, CI: 'true', NO_COLOR: '1' };
  for (const key of Object.keys(env)) {
    if (/^FACETS_/.test(key) || key === 'CONTROL_PLANE_URL' || /^DOCKER_/.test(key)) delete env[key];
  }
  return env;
}

const missing = (...files) => files.filter((f) => !fs.existsSync(path.join(REPO, f)));
const hasCommand = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
const log = (line) => process.stderr.write(`bench: ${line}\n`);

async function measure(results, name, target, thunk) {
  log(`measuring ${name}`);
  try {
    results.push(await thunk());
  } catch (e) {
    results.push(failed(name, e, target));
  }
}

async function main(options) {
  const want = (g) => options.only.includes(g);
  const runDir = path.join(REPO, '.bench', `run-${process.pid}`);
  const infraDir = path.join(runDir, 'infra');
  const postgresDir = path.join(runDir, 'infra-postgres');
  const results = [];
  const env = cleanEnv();
  const started = new Date();
  let infraStarted = false;
  let postgresStarted = false;
  const cleanup = async () => {
    await stopAll();
    if (infraStarted) stopInfra(REPO, infraDir);
    if (postgresStarted) stopInfra(REPO, postgresDir);
    fs.rmSync(runDir, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    log(`${signal}: stopping what the bench started`);
    cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', killAllNow);
  fs.mkdirSync(runDir, { recursive: true });

  try {
    // 1, 2: start-up; 6, 7: start-up of the package as npm installs it. A HOME of the run's own: V8's code cache starts
    // empty (the warm-up runs fill it) and nothing is left in the user's ~/.cache.
    const cliMissing = missing(path.join('bin', 'facetsctl'), CLI_MAIN);
    const startupEnv = { ...env, HOME: path.join(runDir, 'home-startup') };
    fs.mkdirSync(startupEnv.HOME, { recursive: true });
    const nodeFigures = benchNodeStartup({ runs: options.runs, warmup: options.warmup, env });
    for (const { group, name, target, run } of nodeFigures) if (want(group)) await measure(results, name, target, run);
    const startupFigures = [
      ...benchStartup(REPO, { runs: options.runs, warmup: options.warmup, env: startupEnv }),
      ...benchStartupOnLts(REPO, { runs: options.runs, warmup: options.warmup, env: startupEnv, log }),
      ...benchInstalled(REPO, { prefix: path.join(REPO, '.bench', 'installed'), runs: options.runs, warmup: options.warmup, env: startupEnv, log }),
    ];
    for (const { group, name, target, run } of startupFigures) {
      if (!want(group)) continue;
      if (cliMissing.length) results.push(skipped(name, `${cliMissing.join(', ')} missing`, target));
      else await measure(results, name, target, run);
    }
    if (want('echo')) {
      if (cliMissing.length) results.push(skipped(ECHO_NAME, `${cliMissing.join(', ')} missing`, ECHO_TARGET));
      else await measure(results, ECHO_NAME, ECHO_TARGET, () => benchEcho(REPO, { dir: path.join(runDir, 'echo'), env: startupEnv, runs: options.runs, warmup: options.warmup }));
    }

    // Servers: the open registry (register, push) and the private engine (push), then serve.
    const pushTargets = pushNames().map((n) => [n, pushTargetOf(n)]);
    let pushBlocker = null;
    if (want('push')) {
      const m = missing(PUSH_COMMAND, API_FACTORY);
      if (m.length) pushBlocker = `${m.join(', ')} missing (the push command or the control-plane client is not built yet)`;
      else if (!hasCommand('docker') || !hasCommand('dockerd')) pushBlocker = 'docker CLI or dockerd not installed';
    }
    let nativeBlocker = null;
    if (want('native')) {
      const m = missing(CLI_BUNDLE);
      if (m.length) nativeBlocker = `${m.join(', ')} missing (run npm run build)`;
      else if (!hasCommand('docker') || !hasCommand('dockerd')) nativeBlocker = 'docker CLI or dockerd not installed';
    }
    const engineWanted = (want('push') && !pushBlocker) || (want('native') && !nativeBlocker) || (want('facets') && hasCommand('dockerd'));
    const components = [...(engineWanted ? ['dockerd'] : []), ...(want('register') || want('facets') || engineWanted ? ['open'] : [])];
    let infra = null;
    let infraError = null;
    if (components.length) {
      log(`starting ${components.join(' + ')} (scripts/test-infra.js)`);
      try {
        infraStarted = true;
        infra = startInfra(REPO, infraDir, components);
      } catch (e) {
        infraError = e.message;
      }
    }
    const registry = infra && infra.registries && infra.registries.open;

    let serve = null;
    let serveError = null;
    let serveBlueprint = null;
    if (want('serve') || want('register')) {
      try {
        serveBlueprint = writeBlueprint(path.join(runDir, 'serve'), registry ? registry.host : '127.0.0.1:5000');
        log('starting serve');
        serve = await startServe(REPO, { blueprint: serveBlueprint, db: path.join(runDir, 'serve', 'state.db') });
      } catch (e) {
        serveError = e.missing ? e.message : `serve did not start: ${e.message}`;
      }
    }

    // 3: serve throughput on SQLite, on PostgreSQL (started apart, so that a failure there leaves the rest), two instances.
    if (want('serve')) {
      if (!serve) for (const { name, target } of serveFigures()) results.push(skipped(name, serveError, target));
      else {
        let postgres;
        try {
          log('starting postgres (scripts/test-infra.js)');
          postgresStarted = true;
          postgres = { url: startInfra(REPO, postgresDir, ['postgres']).postgres.url };
        } catch (e) {
          postgres = { error: e.message };
        }
        log('measuring serve');
        try {
          const registryHost = registry ? registry.host : '127.0.0.1:5000';
          results.push(...(await benchServe({ repo: REPO, serve, blueprint: serveBlueprint, registryHost, postgres, workDir: path.join(runDir, 'serve-bench'), log })));
        } catch (e) {
          results.push(...failedServeFigures(e));
        }
      }
    }

    // 4: register against serve.
    if (want('register')) {
      const m = missing(API_FACTORY);
      const blocker = m.length ? `${m.join(', ')} missing (the CLI cannot reach a control plane yet)` : !serve ? serveError : !registry ? `no registry: ${infraError}` : null;
      if (blocker) results.push(skipped(REGISTER_NAME, blocker, REGISTER_TARGET));
      else await measure(results, REGISTER_NAME, REGISTER_TARGET, () => benchRegister(REPO, { serve, registry, home: path.join(runDir, 'home-register'), runs: options.runs, warmup: options.warmup }));
    }

    // 5: push against the private engine and the open registry, embedded control plane.
    if (want('push')) {
      const blocker = pushBlocker || (!infra || !infra.dockerHost || !registry ? `no engine/registry: ${infraError}` : null);
      if (blocker) {
        for (const [name, target] of pushTargets) results.push(skipped(name, blocker, target));
      } else {
        const blueprintDir = path.dirname(writeBlueprint(path.join(runDir, 'embedded'), registry.host, { withCi: true }));
        const home = path.join(runDir, 'home-push');
        const dockerConfig = path.join(runDir, 'docker-config');
        fs.mkdirSync(home, { recursive: true });
        fs.mkdirSync(dockerConfig, { recursive: true });
        const dockerEnv = { ...env, DOCKER_HOST: infra.dockerHost, DOCKER_CONFIG: dockerConfig };
        const cliEnv = { ...dockerEnv, HOME: home };
        const figures = benchPush({ repo: REPO, registry, dockerEnv, cliEnv, blueprintDir, workDir: runDir, runs: options.pushRuns, warmup: Math.min(options.warmup, 1) });
        for (const { name, target, run } of figures) await measure(results, name, target, run);
      }
    }

    // 14-15: register and the push fast path against `serve --reference-only` and against serve with extensions.
    if (want('facets')) {
      const m = missing(API_FACTORY, PUSH_COMMAND);
      const blocker = m.length ? `${m.join(', ')} missing (run npm run build)` : !registry ? `no registry: ${infraError}` : null;
      if (blocker) for (const name of facetsNames()) results.push(skipped(name, blocker, FACETS_TARGET));
      else {
        const dir = path.join(runDir, 'facets');
        const blueprint = writeBlueprint(dir, registry.host);
        log('starting serve, and serve --reference-only');
        const serves = {
          extensions: await startServe(REPO, { blueprint, db: path.join(dir, 'extensions.db') }),
          reference: await startServe(REPO, { blueprint, db: path.join(dir, 'reference.db'), args: ['--reference-only'] }),
        };
        const dockerConfig = path.join(runDir, 'docker-config-facets');
        fs.mkdirSync(dockerConfig, { recursive: true });
        const dockerEnv = infra && infra.dockerHost ? { DOCKER_HOST: infra.dockerHost, DOCKER_CONFIG: dockerConfig } : null;
        const figures = benchFacets({ repo: REPO, serves, registry, dockerEnv, workDir: dir, runs: options.runs, warmup: options.warmup });
        for (const { name, target, run } of figures) await measure(results, name, target, run);
        if (!dockerEnv) results.push(skipped(facetsNames()[1], `no engine: ${infraError ?? 'dockerd not installed'}`, FACETS_TARGET));
      }
    }

    // 8-11: the same calls on a project of 100k artifacts and on one of 10, both filled through serve.
    if (want('scale')) {
      const names = scaleNames(options.scaleCount);
      const m = missing(SERVE_MAIN, CONTROL_PLANE);
      if (m.length) for (const name of names) results.push(skipped(name, `${m.join(', ')} missing`, SCALE_TARGET));
      else {
        log('measuring scale');
        try {
          results.push(...(await benchScale(REPO, { workDir: runDir, runs: options.runs, warmup: options.warmup, large: options.scaleCount, log })));
        } catch (e) {
          for (const name of names) results.push(failed(name, e, SCALE_TARGET));
        }
      }
    }

    // 12-13: `facetsctl push` of a compressible set against docker push, same engine and registry; oci:DIR against skopeo.
    if (want('native')) {
      const blocker = nativeBlocker || (!infra || !infra.dockerHost || !registry ? `no engine/registry: ${infraError}` : null);
      if (blocker) {
        for (const { name, target } of benchNative({ registry, dockerEnv: env, workDir: runDir })) results.push(skipped(name, blocker, target));
      } else {
        const dockerConfig = path.join(runDir, 'docker-config-native');
        fs.mkdirSync(dockerConfig, { recursive: true });
        const dockerEnv = { ...env, DOCKER_HOST: infra.dockerHost, DOCKER_CONFIG: dockerConfig };
        const figures = benchNative({ registry, dockerEnv, workDir: runDir, runs: options.pushRuns, warmup: Math.min(options.warmup, 1) });
        for (const { name, target, run } of figures) await measure(results, name, target, run);
      }
    }
  } finally {
    await cleanup();
  }

  const document = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    seconds: (Date.now() - started.getTime()) / 1000,
    machine: { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model },
    method: { runs: options.runs, pushRuns: options.pushRuns, warmup: options.warmup, scaleCount: options.scaleCount, statistic: 'median', timing: 'spawnSync + process.hrtime, baseline and measured interleaved' },
    results,
  };
  const out = path.join(REPO, '.bench', 'bench-results.json');
  writeJson(out, document);
  process.stdout.write(`${table(results)}\n\nwritten ${path.relative(process.cwd(), out) || out} (${document.seconds.toFixed(0)} s)\n`);
  const errors = results.filter((r) => r.status === 'error').length;
  const misses = results.filter((r) => r.status === 'fail').length;
  return errors || (options.strict && misses) ? 1 : 0;
}

if (require.main === module) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench: ${e.message}\n`);
    process.exit(2);
  }
  main(options).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`bench: ${e.stack || e}\n`);
      process.exitCode = 1;
    },
  );
}

module.exports = { parseArgs, main };
