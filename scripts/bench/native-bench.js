'use strict';
// Group `native`: `facetsctl push` of what the 50 MB random shapes of group `push` do not show: the compressible set
// ÷ `docker push`, and, when skopeo is installed, `facetsctl push oci:DIR` ÷ `skopeo copy`. Both run the CLI a user
// runs (the random shapes, and the floor this machine allows for them, are in group `push`).
const { benchCompressible } = require('./compressible-bench');
const { benchSkopeo } = require('./skopeo-bench');

/** ctx: {registry: {host}, dockerEnv (DOCKER_HOST, DOCKER_CONFIG), workDir, runs, warmup}; one thunk per figure. */
function benchNative(ctx) {
  return [...benchCompressible(ctx), ...benchSkopeo(ctx)];
}

module.exports = { benchNative };
