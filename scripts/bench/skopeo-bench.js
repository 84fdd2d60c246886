'use strict';
// Group `native`, when skopeo is installed: `facetsctl push oci:DIR` (its native upload, no engine) ÷ `skopeo copy
// oci:DIR docker://…`, each run a new OCI layout of one uncompressed 50 MB random layer that both must gzip.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { compare } = require('./timing');
const { figure, skipped } = require('./report');
const { cliPusher } = require('./cli-push');

const MB = 1024 * 1024;
const NAME = 'native push oci:DIR, 50 MB, 1 layer, vs skopeo';
const REPO = path.resolve(__dirname, '..', '..');

const sha256 = (bytes) => `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;

/** A new OCI layout under `dir` holding `ref`: one plain tar layer of fresh random bytes. */
function writeLayout(dir, ref) {
  const blobs = path.join(dir, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const put = (mediaType, bytes) => {
    const digest = sha256(bytes);
    fs.writeFileSync(path.join(blobs, digest.slice(7)), bytes);
    return { mediaType, digest, size: bytes.length };
  };
  const files = fs.mkdtempSync(path.join(dir, 'files-'));
  fs.writeFileSync(path.join(files, 'random.bin'), crypto.randomBytes(50 * MB));
  const tar = spawnSync('tar', ['-cf', '-', '-C', files, 'random.bin'], { maxBuffer: 64 * MB });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  fs.rmSync(files, { recursive: true, force: true });
  const layer = put('application/vnd.oci.image.layer.v1.tar', tar.stdout);
  const config = put('application/vnd.oci.image.config.v1+json', Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [layer.digest] },
  })));
  const manifest = put('application/vnd.oci.image.manifest.v1+json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [layer] })));
  fs.writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ ...manifest, annotations: { 'org.opencontainers.image.ref.name': ref } }] }));
  return `oci:${dir}:${ref}`;
}

const hasSkopeo = () => spawnSync('sh', ['-c', 'command -v skopeo'], { stdio: 'ignore' }).status === 0;

/** ctx: {registry: {host}, dockerEnv, workDir, runs, warmup}; one thunk, or a skip line when skopeo is absent. */
function benchSkopeo(ctx) {
  const { registry, dockerEnv, workDir, runs, warmup } = ctx;
  const skip = hasSkopeo() ? null : 'skopeo not installed (Debian: apt-get install -y skopeo)';
  const run = () => {
    const pusher = cliPusher(REPO, ctx, 'skopeo');
    const layouts = fs.mkdtempSync(path.join(workDir, 'oci-'));
    const layout = (side, i) => writeLayout(path.join(layouts, `${side}-${i}`), `r${i}`);
    const done = (side, i) => fs.rmSync(path.join(layouts, `${side}-${i}`), { recursive: true, force: true });
    try {
      const baseline = {
        label: 'skopeo copy', file: 'skopeo', env: dockerEnv, timeoutMs: 300000,
        before: (i) => ({ args: ['copy', '--quiet', '--dest-tls-verify=false', layout('skopeo', i), `docker://${registry.host}/bench/skopeo-oci:r${i}`] }),
        after: (i) => done('skopeo', i),
      };
      const measured = {
        ...pusher.command('', 'bench/native-oci', ''),
        before: (i) => pusher.command(layout('native', i), 'bench/native-oci', `r${i}`),
        after: (i, stdout) => {
          pusher.check(stdout, `oci:DIR r${i}`);
          done('native', i);
        },
      };
      const r = compare(baseline, measured, { runs, warmup });
      return figure({ name: NAME, unit: 'ms', measured: r.measured.median, baseline: r.baseline.median, baselineName: 'skopeo copy oci:DIR docker://',
        samples: { measured: r.measured.samples, baseline: r.baseline.samples },
        notes: ['both read the same kind of OCI layout (plain tar layer, new random bytes every run) and gzip it; facetsctl also registers it (embedded control plane); no target, for comparison'] });
    } finally {
      fs.rmSync(layouts, { recursive: true, force: true });
    }
  };
  return [{ name: NAME, target: null, run: skip ? () => skipped(NAME, skip) : run }];
}

module.exports = { benchSkopeo, NAME };
