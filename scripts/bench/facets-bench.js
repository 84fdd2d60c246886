'use strict';
// Figures 14-15: `register` and an unchanged `push` (fast path) against `serve --reference-only` ÷ the same against
// serve with its extensions, same run: what speaking only the Facets reference API costs a command.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { compare, timeOnce } = require('./timing');
const { figure } = require('./report');
const { uploadImage } = require('./registry-upload');
const { buildRandomImage, removeImage } = require('./images');
const { facetsctl } = require('./cli-bench');
const { PROJECT, SERVICE, ENVIRONMENT } = require('./project');

const TARGET = { max: 1.5 };
const REGISTER_NAME = 'facetsctl register --json, reference-only ÷ extensions';
const PUSH_NAME = 'facetsctl push fast path --json, reference-only ÷ extensions';
const names = () => [REGISTER_NAME, PUSH_NAME];

/** The CLI's environment for one serve: its own HOME, so each remembers what its control plane offers. */
function cliEnv(base, serve, home) {
  fs.mkdirSync(home, { recursive: true });
  return { ...base, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), CI: 'true', NO_COLOR: '1',
    FACETS_CONTROL_PLANE_URL: serve.url, FACETS_USERNAME: serve.auth.username, FACETS_TOKEN: serve.auth.password };
}

function checkRegistered(stdout, digest, created) {
  const out = JSON.parse(stdout);
  if (Boolean(out.created) !== created || !String(out.artifactUri).endsWith(`@${digest}`) || out.routedTo !== ENVIRONMENT) {
    throw new Error(`expected ${digest} ${created ? 'created' : 'registered before'} routed to ${ENVIRONMENT}: ${stdout.trim()}`);
  }
}

/**
 * ctx: {repo, serves: {extensions, reference} (serve handles), registry, dockerEnv (for the push figure; null skips it),
 * workDir, runs, warmup}. Returns one thunk per figure.
 */
function benchFacets(ctx) {
  const { repo, serves, registry, dockerEnv, workDir, runs, warmup } = ctx;
  const envs = {
    extensions: cliEnv({ ...process.env, ...(dockerEnv ?? {}) }, serves.extensions, path.join(workDir, 'home-extensions')),
    reference: cliEnv({ ...process.env, ...(dockerEnv ?? {}) }, serves.reference, path.join(workDir, 'home-reference')),
  };
  const cli = (which, label) => ({ ...facetsctl(repo, [label], envs[which]), label: `${label} (${which})`, cwd: envs[which].HOME, timeoutMs: 120000 });

  const registerFigure = async () => {
    // One freshly uploaded image per run and side, so that every run creates a new artifact.
    const images = { extensions: [], reference: [] };
    for (const side of Object.keys(images)) {
      for (let i = 0; i < warmup + runs; i++) {
        const tag = `f${side[0]}${i}-${crypto.randomBytes(3).toString('hex')}`;
        const { digest } = await uploadImage(registry.url, `${PROJECT}/${SERVICE}`, tag, [crypto.randomBytes(1024)]);
        images[side].push({ image: `${registry.host}/${PROJECT}/${SERVICE}:${tag}`, digest });
      }
    }
    const side = (which) => ({
      ...cli(which, 'register'),
      before: (i) => ({ args: [path.join(repo, 'bin', 'facetsctl'), 'register', images[which][i].image, '--service', SERVICE, '--environment', ENVIRONMENT, '--json'] }),
      after: (i, stdout) => checkRegistered(stdout, images[which][i].digest, true),
    });
    const r = compare(side('extensions'), side('reference'), { runs, warmup });
    return figure({ name: REGISTER_NAME, unit: 'ms', measured: r.measured.median, baseline: r.baseline.median, baselineName: 'the same against serve with extensions',
      target: TARGET, samples: { measured: r.measured.samples, baseline: r.baseline.samples }, notes: ['a new image every run (uploaded before, not timed)'] });
  };

  const pushFigure = () => {
    const image = buildRandomImage(workDir, 'single', 'bench-src/facets:unchanged', dockerEnv);
    const args = [path.join(repo, 'bin', 'facetsctl'), 'push', image, '--service', SERVICE, '--environment', ENVIRONMENT, '--json'];
    // The first push uploads and registers on each side; every timed one finds the image in place.
    for (const which of ['extensions', 'reference']) timeOnce({ ...cli(which, 'push'), args }, 0);
    const side = (which) => ({ ...cli(which, 'push'), args, after: (_i, stdout) => {
      const out = JSON.parse(stdout);
      if (!out.skipped) throw new Error(`push against ${which} did not take the fast path: ${stdout.trim()}`);
    } });
    const r = compare(side('extensions'), side('reference'), { runs, warmup });
    removeImage(image, dockerEnv);
    return figure({ name: PUSH_NAME, unit: 'ms', measured: r.measured.median, baseline: r.baseline.median, baselineName: 'the same against serve with extensions',
      target: TARGET, samples: { measured: r.measured.samples, baseline: r.baseline.samples }, notes: ['the image is in the registry and registered: nothing is uploaded'] });
  };

  return [{ name: REGISTER_NAME, target: TARGET, run: registerFigure }, ...(dockerEnv ? [{ name: PUSH_NAME, target: TARGET, run: pushFigure }] : [])];
}

module.exports = { benchFacets, names, TARGET };
