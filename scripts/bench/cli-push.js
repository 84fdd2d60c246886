'use strict';
// `facetsctl push` as the bench's native-group figures run it: the CLI a user runs (bundle, start, native upload and the
// registration on the embedded control plane), into a repository and tag of the bench's choosing in the open registry.
const fs = require('node:fs');
const path = require('node:path');
const { writeBlueprint, SERVICE, ENVIRONMENT } = require('./project');

/** A project whose one registry is `registry`, a HOME of its own; returns how to run and check one push. */
function cliPusher(repo, { registry, dockerEnv, workDir }, name) {
  const dir = path.join(workDir, `cli-${name}`);
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true });
  const blueprintDir = path.dirname(writeBlueprint(path.join(dir, 'project'), registry.host, { withCi: true }));
  return {
    /** Fields of a timed command (timing.js): `facetsctl push IMAGE` into `repository:tag`. */
    command: (image, repository, tag) => ({
      label: 'facetsctl push', file: process.execPath, env: { ...dockerEnv, HOME: home }, cwd: blueprintDir, timeoutMs: 300000,
      args: [path.join(repo, 'bin', 'facetsctl'), 'push', image, '--service', SERVICE, '--environment', ENVIRONMENT, '--repository', repository, '--tag', tag, '--json'],
    }),
    /** Throws unless the answer is a push (not the fast path) registered by digest. */
    check: (stdout, image) => {
      const out = JSON.parse(stdout);
      if (out.pushed !== true || !/^sha256:[0-9a-f]{64}$/.test(String(out.digest))) throw new Error(`facetsctl push ${image} answered pushed=${out.pushed} digest=${out.digest}`);
      return out;
    },
  };
}

module.exports = { cliPusher };
