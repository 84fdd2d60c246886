// Quickstart helper: tags a local image and pushes it with the Docker engine (DOCKER_HOST), failing on an in-band error.
// Usage: node examples/quickstart/push-image.js SOURCE TARGET   (TARGET = host:port/repo:tag)
'use strict';
const Docker = require('dockerode');

async function main() {
  const [source, target] = process.argv.slice(2);
  const host = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  const docker = new Docker({ socketPath: host.replace(/^unix:\/\//, '') });
  const colon = target.lastIndexOf(':');
  const repo = target.slice(0, colon);
  const tag = target.slice(colon + 1);
  await docker.getImage(source).tag({ repo, tag });
  const stream = await docker.getImage(target).push({ authconfig: {} });
  const events = await new Promise((resolve, reject) => docker.modem.followProgress(stream, (err, out) => (err ? reject(err) : resolve(out))));
  const failed = events.find((e) => e.error || e.errorDetail);
  if (failed) throw new Error(failed.error || failed.errorDetail.message);
  const aux = events.find((e) => e.aux && e.aux.Digest);
  process.stdout.write(`${aux ? aux.aux.Digest : 'pushed'}\n`);
}

main().catch((e) => {
  process.stderr.write(`push failed: ${e.message}\n`);
  process.exit(1);
});
