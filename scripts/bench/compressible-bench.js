'use strict';
// Group `native`, the compressible set: real files (a deterministic part of the project's own node_modules) plus one
// fresh random file per run, so that no blob is ever in the registry already; `facetsctl push` ÷ `docker push`, and the
// bytes each put in the registry (config + layers, from the pushed manifests), facetsctl's ÷ docker's.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { compare, median } = require('./timing');
const { figure } = require('./report');
const { docker, removeImage } = require('./images');
const { cliPusher } = require('./cli-push');

const MB = 1024 * 1024;
const NAME = 'native push, compressible set';
const TARGET = { max: 0.5 };
const SIZE_TARGET = 1.15;
/** Real files to put in the image: packages of node_modules in name order until this many bytes. */
const SET_BYTES = 64 * MB;
const FRESH_BYTES = 1 * MB;

/** Whole packages of `modules` in name order, copied under `into`, until SET_BYTES; returns the bytes copied. */
function copySet(modules, into) {
  let bytes = 0;
  const sizeOf = (p) => {
    const stat = fs.lstatSync(p);
    if (stat.isDirectory()) return fs.readdirSync(p).reduce((sum, name) => sum + sizeOf(path.join(p, name)), 0);
    return stat.isFile() ? stat.size : 0;
  };
  const packages = fs.readdirSync(modules).filter((n) => !n.startsWith('.')).sort()
    .flatMap((n) => (n.startsWith('@') ? fs.readdirSync(path.join(modules, n)).sort().map((m) => path.join(n, m)) : [n]));
  for (const name of packages) {
    if (bytes >= SET_BYTES) break;
    const from = path.join(modules, name);
    fs.cpSync(from, path.join(into, name), { recursive: true, dereference: false, verbatimSymlinks: true });
    bytes += sizeOf(from);
  }
  return bytes;
}

/** Config + layer bytes of `repository:tag` in the open registry, as its manifest states them. */
function storedBytes(host, repository, tag) {
  const accept = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';
  const r = spawnSync('curl', ['-sf', '-H', `Accept: ${accept}`, `http://${host}/v2/${repository}/manifests/${tag}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`reading the manifest of ${repository}:${tag} failed (curl exit ${r.status})`);
  const manifest = JSON.parse(r.stdout);
  return manifest.config.size + manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
}

const REPO = path.resolve(__dirname, '..', '..');

/** ctx: {registry: {host}, dockerEnv (DOCKER_HOST, DOCKER_CONFIG), workDir, runs, warmup}; one thunk. */
function benchCompressible(ctx) {
  const { registry, dockerEnv, workDir, runs, warmup } = ctx;
  const run = () => {
    const pusher = cliPusher(REPO, ctx, 'compressible');
    const context = fs.mkdtempSync(path.join(workDir, 'compressible-'));
    try {
      const setBytes = copySet(path.join(REPO, 'node_modules'), path.join(context, 'set', 'node_modules'));
      fs.writeFileSync(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY set/ /app/\n');
      const build = (tag) => {
        fs.writeFileSync(path.join(context, 'set', 'fresh.bin'), crypto.randomBytes(FRESH_BYTES));
        docker(['build', '-q', '-t', tag, context], { ...dockerEnv, DOCKER_BUILDKIT: '0' }, 300000);
        return tag;
      };
      const sizes = { docker: [], native: [] };
      const dockerRepo = 'bench/docker-compressible';
      const nativeRepo = 'bench/native-compressible';
      const baseline = {
        label: 'docker push', file: 'docker', env: dockerEnv, timeoutMs: 300000,
        before: (i) => ({ args: ['push', build(`${registry.host}/${dockerRepo}:r${i}`)] }),
        after: (i) => {
          sizes.docker.push(storedBytes(registry.host, dockerRepo, `r${i}`));
          removeImage(`${registry.host}/${dockerRepo}:r${i}`, dockerEnv);
        },
      };
      const measured = {
        ...pusher.command('', nativeRepo, ''),
        before: (i) => pusher.command(build(`bench-native/compressible:r${i}`), nativeRepo, `r${i}`),
        after: (i, stdout) => {
          pusher.check(stdout, `bench-native/compressible:r${i}`);
          sizes.native.push(storedBytes(registry.host, nativeRepo, `r${i}`));
          removeImage(`bench-native/compressible:r${i}`, dockerEnv);
        },
      };
      const r = compare(baseline, measured, { runs, warmup });
      const sizeRatio = median(sizes.native) / median(sizes.docker);
      return figure({ name: NAME, unit: 'ms', measured: r.measured.median, baseline: r.baseline.median, baselineName: 'docker push',
        target: TARGET, samples: { measured: r.measured.samples, baseline: r.baseline.samples },
        notes: [`${(setBytes / MB).toFixed(1)} MB of node_modules + ${FRESH_BYTES / MB} MB fresh random per run, one layer (image build not timed)`,
          `compressed size native ÷ docker ${sizeRatio.toFixed(3)} (${(median(sizes.native) / MB).toFixed(2)} MB ÷ ${(median(sizes.docker) / MB).toFixed(2)} MB; target ≤ ${SIZE_TARGET})${sizeRatio > SIZE_TARGET ? ' MISSED' : ''}`] });
    } finally {
      fs.rmSync(context, { recursive: true, force: true });
    }
  };
  return [{ name: NAME, target: TARGET, run }];
}

module.exports = { benchCompressible, NAME, TARGET };
