'use strict';
// Freshly generated images, built offline: FROM scratch + one COPY per layer of random bytes (legacy builder).
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const MB = 1024 * 1024;

/** Image shapes of figure 5: one 50 MB layer, or five 10 MB layers. */
const SHAPES = {
  single: { label: '50 MB, 1 layer', layers: [50 * MB] },
  layers5: { label: '50 MB, 5 layers', layers: Array(5).fill(10 * MB) },
};

function docker(args, dockerEnv, timeoutMs = 120000) {
  const r = spawnSync('docker', args, { env: dockerEnv, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: timeoutMs });
  if (r.error || r.status !== 0) throw new Error(`docker ${args[0]} failed: ${(r.error?.message || r.stderr || '').trim().split('\n').slice(-2).join(' | ')}`);
  return r.stdout.trim();
}

/** Builds `tag` from new random bytes in a scratch context dir (removed afterwards). */
function buildRandomImage(workDir, shape, tag, dockerEnv) {
  const context = fs.mkdtempSync(path.join(workDir, 'ctx-'));
  try {
    const lines = ['FROM scratch'];
    SHAPES[shape].layers.forEach((size, i) => {
      const name = `layer${i}.bin`;
      fs.writeFileSync(path.join(context, name), crypto.randomBytes(size));
      lines.push(`COPY ${name} /${name}`);
    });
    fs.writeFileSync(path.join(context, 'Dockerfile'), `${lines.join('\n')}\n`);
    docker(['build', '-q', '-t', tag, context], { ...dockerEnv, DOCKER_BUILDKIT: '0' });
    return tag;
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
}

function removeImage(tag, dockerEnv) {
  spawnSync('docker', ['rmi', '-f', tag], { env: dockerEnv, stdio: 'ignore', timeout: 60000 });
}

module.exports = { SHAPES, buildRandomImage, removeImage, docker };
