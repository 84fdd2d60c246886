'use strict';
// Figures 8-11: history, artifacts list -e, resolve and register on a project of 100k artifacts ÷ the same calls on a
// project of 10. Both projects are filled through serve's HTTP API (register-by-env, keep-alive clients); then serve is
// stopped and each call is timed in-process on the file it filled: the same service call serve makes per request,
// without HTTP around it.
const crypto = require('node:crypto');
const path = require('node:path');
const { startServe } = require('./serve');
const { stop } = require('./children');
const { basicAuth } = require('./http-json');
const { fire } = require('./load');
const { median } = require('./timing');
const { figure } = require('./report');
const { PROJECT, SERVICE, BULK_SERVICE, ENVIRONMENT, REGISTRY, writeBlueprint } = require('./project');

const TARGET = { max: 1.1 };
const SMALL = 10;
const DEFAULT_LARGE = 100000;
const CONNECTIONS = 16;
const CONTROL_PLANE = path.join('dist', 'controlplane', 'index.js');
const REGISTRY_HOST = '127.0.0.1:5000';
const OPERATIONS = ['history', 'artifacts list -e', 'resolve', 'register'];

const figureName = (op, large) => `scale ${op} at ${large >= 1000 ? `${large / 1000}k` : large} artifacts (vs ${SMALL})`;
const names = (large = DEFAULT_LARGE) => OPERATIONS.map((op) => figureName(op, large));

const registration = (service, environment, tag) => ({
  stackName: PROJECT,
  applicationName: service,
  clusterName: environment,
  artifactory: REGISTRY,
  artifactUri: `${REGISTRY_HOST}/${PROJECT}/${service}:${tag}@sha256:${crypto.randomBytes(32).toString('hex')}`,
  metadata: { BRANCH_NAME: 'main' },
});

/** Registers `count` artifacts through serve; throws unless every one answered 2xx. */
async function post(serve, count, connections, body) {
  const url = `${serve.url}/cc-ui/v1/artifacts/register-by-env`;
  const run = await fire(url, { connections, count, durationMs: Infinity, headers: { authorization: basicAuth(serve.auth) }, body });
  if (run.ok !== count) throw new Error(`filling through serve: ${run.ok} of ${count} registrations answered 2xx (${JSON.stringify(run.statuses)}, ${run.errors} connection errors)`);
  return run;
}

/**
 * A project of `SMALL` + `bulk` artifacts: 5 of SERVICE in dev, 3 of BULK_SERVICE in production and 2 in staging
 * (the same in both projects), then `bulk` more of BULK_SERVICE in staging. Resolves the seconds the bulk took.
 */
async function fill(repo, dir, bulk) {
  const blueprint = writeBlueprint(dir, REGISTRY_HOST, { withBulk: true });
  const serve = await startServe(repo, { blueprint, db: path.join(dir, 'state.db') });
  try {
    await post(serve, SMALL / 2, 1, (i) => registration(SERVICE, ENVIRONMENT, `1.0.${i}`));
    await post(serve, 3, 1, (i) => registration(BULK_SERVICE, 'production', `1.0.${i}`));
    await post(serve, 2, 1, (i) => registration(BULK_SERVICE, 'staging', `1.1.${i}`));
    return bulk > 0 ? (await post(serve, bulk, CONNECTIONS, (i) => registration(BULK_SERVICE, 'staging', `2.0.${i}`))).seconds : 0;
  } finally {
    await stop(serve.pid);
  }
}

async function openService(repo, dir) {
  const cp = require(path.join(repo, CONTROL_PLANE));
  const store = await cp.openStore(path.join(dir, 'state.db'));
  const service = await cp.startService(store, cp.loadBlueprint(path.join(dir, 'facets.yaml')), { env: {}, identity: { username: 'bench', name: 'Bench' } });
  return { service, close: () => store.close() };
}

/** Each operation with a check of its answer: both projects must answer alike, or the ratio means nothing. */
const operations = {
  history: {
    run: (s) => s.history(PROJECT, SERVICE),
    check: (page) => page.total === SMALL / 2 + 1 && page.items.length === page.total,
  },
  'artifacts list -e': {
    run: (s) => s.listArtifacts(PROJECT, BULK_SERVICE, { registrationValue: 'production' }),
    check: (page) => page.total === 3 && page.items.length === 3,
  },
  resolve: {
    run: (s) => s.resolve(PROJECT, BULK_SERVICE),
    // dev resolves once the register figure has run (it registers there); staging and production always do.
    check: (resolutions) => resolutions.length === 3 && resolutions.every((r) => r.resolved || r.environment === ENVIRONMENT),
  },
  register: {
    run: (s, i) => s.registerArtifact({ project: PROJECT, service: BULK_SERVICE, artifactUri: registration(BULK_SERVICE, ENVIRONMENT, `3.0.${i}`).artifactUri, target: { kind: 'environment', value: ENVIRONMENT } }),
    check: (result) => result.created === true,
  },
};

async function timeCall(op, service, i) {
  const start = process.hrtime.bigint();
  const answer = await op.run(service, i);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!op.check(answer)) throw new Error(`unexpected answer: ${JSON.stringify(answer).slice(0, 300)}`);
  return ms;
}

/** One figure per operation: medians of calls interleaved between the two projects (alternating which goes first). */
async function benchScale(repo, { workDir, runs, warmup, large = DEFAULT_LARGE, log }) {
  if (large <= SMALL) throw new Error(`--scale-count must be more than ${SMALL}`);
  const smallDir = path.join(workDir, 'scale-small');
  const largeDir = path.join(workDir, 'scale-large');
  const bulk = large - SMALL;
  log(`scale: filling a project of ${SMALL} and one of ${large} artifacts through serve's HTTP API (${CONNECTIONS} keep-alive clients)`);
  await fill(repo, smallDir, 0);
  const bulkSeconds = await fill(repo, largeDir, bulk);
  const small = await openService(repo, smallDir);
  const big = await openService(repo, largeDir);
  const calls = Math.max(100, runs * 20);
  try {
    const figures = [];
    for (const name of OPERATIONS) {
      const op = operations[name];
      const samples = { small: [], big: [] };
      for (let i = 0; i < warmup * 10 + calls; i++) {
        const order = i % 2 ? [['small', small], ['big', big]] : [['big', big], ['small', small]];
        for (const [key, project] of order) {
          const ms = await timeCall(op, project.service, `${key}-${i}`);
          if (i >= warmup * 10) samples[key].push(ms);
        }
      }
      const notes = [
        `in-process calls on the files serve filled, median of ${calls} interleaved calls each`,
        `the ${bulk} extra artifacts went through serve in ${bulkSeconds.toFixed(1)} s (${Math.round(bulk / bulkSeconds)} registrations/s)`,
      ];
      const us = (values) => median(values) * 1000;
      figures.push(figure({ name: figureName(name, large), unit: 'µs', measured: us(samples.big), baseline: us(samples.small), baselineName: `${SMALL} artifacts`, target: TARGET, notes }));
    }
    return figures;
  } finally {
    await small.close();
    await big.close();
  }
}

module.exports = { benchScale, names, TARGET, CONTROL_PLANE };
