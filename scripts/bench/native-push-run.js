#!/usr/bin/env node
'use strict';
// The native push as one command, for the bench: engine export of IMAGE -> HOST/REPOSITORY:TAG (open registry).
// Usage: node scripts/bench/native-push-run.js IMAGE HOST/REPOSITORY:TAG   (DOCKER_HOST names the engine)
const path = require('node:path');
const Docker = require('dockerode');
const { pushEngineExport } = require(path.join(__dirname, '..', '..', 'dist', 'registry', 'push'));

async function main([image, target]) {
  const match = /^([^/]+)\/(.+):([^:/]+)$/.exec(target || '');
  if (!image || !match) throw new Error('usage: native-push-run.js IMAGE HOST/REPOSITORY:TAG');
  const [, host, repository, tag] = match;
  const result = await pushEngineExport(image, await new Docker().getImage(image).get(), { registry: { host }, repository, tag });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`native push failed: ${error.message}\n`);
  process.exit(1);
});
