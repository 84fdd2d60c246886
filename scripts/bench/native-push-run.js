#!/usr/bin/env node
'use strict';
// The native push as one command, for the bench: IMAGE (an engine image, exported; or a daemonless source such as
// oci:DIR) -> HOST/REPOSITORY:TAG (open registry).
// Usage: node scripts/bench/native-push-run.js IMAGE HOST/REPOSITORY:TAG   (DOCKER_HOST names the engine)
const path = require('node:path');
const Docker = require('dockerode');
const { isSourceSpec, openImageSource, pushEngineExport, pushImage } = require(path.join(__dirname, '..', '..', 'dist', 'registry', 'push'));

async function main([image, target]) {
  const match = /^([^/]+)\/(.+):([^:/]+)$/.exec(target || '');
  if (!image || !match) throw new Error('usage: native-push-run.js IMAGE HOST/REPOSITORY:TAG');
  const [, host, repository, tag] = match;
  const to = { registry: { host }, repository, tag };
  const result = isSourceSpec(image) ? await pushImage(await openImageSource(image), to) : await pushEngineExport(image, new Docker().getImage(image).get(), to);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`native push failed: ${error.message}\n`);
  process.exit(1);
});
