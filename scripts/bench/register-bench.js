'use strict';
// Figure 4: `facetsctl register IMAGE --service S --environment E --json` against serve ÷ `node -e 0`.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { compare } = require('./timing');
const { figure } = require('./report');
const { uploadImage } = require('./registry-upload');
const { nodeBaseline, facetsctl } = require('./cli-bench');
const { PROJECT, SERVICE, ENVIRONMENT } = require('./project');

const NAME = 'facetsctl register --json (vs serve)';
const TARGET = { max: 3 };

async function benchRegister(repo, { serve, registry, home, runs, warmup }) {
  // One freshly uploaded image per run, so that every run creates a new artifact.
  const images = [];
  for (let i = 0; i < warmup + runs; i++) {
    const tag = `r${i}-${crypto.randomBytes(3).toString('hex')}`;
    const repository = `${PROJECT}/${SERVICE}`;
    const { digest } = await uploadImage(registry.url, repository, tag, [crypto.randomBytes(1024)]);
    images.push({ image: `${registry.host}/${repository}:${tag}`, digest });
  }
  fs.mkdirSync(home, { recursive: true });
  const env = {
    ...process.env,
    HOME: home,
    CI: 'true',
    NO_COLOR: '1',
    FACETS_CONTROL_PLANE_URL: serve.url,
    FACETS_USERNAME: serve.auth.username,
    FACETS_TOKEN: serve.auth.password,
  };
  const command = {
    ...facetsctl(repo, ['register'], env),
    cwd: home,
    before: (i) => ({ args: [path.join(repo, 'bin', 'facetsctl'), 'register', images[i].image, '--service', SERVICE, '--environment', ENVIRONMENT, '--json'] }),
    after: (i, stdout) => {
      const out = JSON.parse(stdout);
      if (!out.created || !String(out.artifactUri).endsWith(`@${images[i].digest}`) || out.routedTo !== ENVIRONMENT) {
        throw new Error(`register did not create ${images[i].image}@${images[i].digest} routed to ${ENVIRONMENT}: ${stdout.trim()}`);
      }
    },
  };
  const r = compare({ ...nodeBaseline, env }, command, { runs, warmup });
  return figure({ name: NAME, unit: 'ms', measured: r.measured.median, baseline: r.baseline.median, baselineName: 'node -e 0', target: TARGET,
    samples: { measured: r.measured.samples, baseline: r.baseline.samples } });
}

module.exports = { benchRegister, NAME, TARGET };
