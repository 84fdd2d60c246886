'use strict';
// Group serve: serve's registrations per second under 32 keep-alive clients, on SQLite ÷ a bare fastify route that does
// one SQLite insert transaction; on PostgreSQL ÷ on SQLite; and two instances on one PostgreSQL ÷ one.
const crypto = require('node:crypto');
const os = require('node:os');
const path = require('node:path');
const { startNode, stop } = require('./children');
const { requestJson, basicAuth } = require('./http-json');
const { fire } = require('./load');
const { PROJECT, SERVICE, ENVIRONMENT, REGISTRY } = require('./project');
const { figure, skipped, failed } = require('./report');
const { startServe } = require('./serve');

const CONNECTIONS = 32;
// serve runs for days: its figure is the steady state, after V8 has optimised the code a registration runs, which takes
// thousands of requests (a second of warm-up left serve at 2-3x its steady CPU per request). Every target alike.
const WARMUP = { requests: 6000, maxMs: 20000 };
const FIGURES = {
  sqlite: { name: 'serve register-by-env req/s on SQLite (32 keep-alive clients)', target: { min: 0.5 } },
  postgres: { name: 'serve register-by-env req/s on PostgreSQL ÷ on SQLite', target: { min: 0.5 } },
  two: { name: 'serve on PostgreSQL: two instances ÷ one (req/s, 32 clients in all)', target: null },
};
const BENCH_DATABASE = 'facets_bench';

/** The group's figures, for a skipped or failed group. */
const serveFigures = () => Object.values(FIGURES);

/** Throughput from one load run; refuses a run where non-2xx answers would hide behind a req/s figure. */
function checked(label, run) {
  const bad = run.other + run.errors;
  if (run.ok === 0 || bad > run.ok * 0.01) {
    throw new Error(`${label}: ${run.ok} 2xx, ${run.other} other (${JSON.stringify(run.statuses)}), ${run.errors} connection errors`);
  }
  return run;
}

async function artifactTotal(url, auth, ciName) {
  const res = await requestJson(`${url}/cc-ui/v1/artifacts-ci/${encodeURIComponent(ciName)}/artifacts?limit=1`, { auth });
  if (res.status !== 200) throw new Error(`listing artifacts of ${ciName} answered ${res.status}`);
  return Number(res.headers['x-total-count']);
}

const registration = (registryHost) => () => ({
  stackName: PROJECT,
  applicationName: SERVICE,
  clusterName: ENVIRONMENT,
  artifactory: REGISTRY,
  artifactUri: `${registryHost}/${PROJECT}/${SERVICE}:load@sha256:${crypto.randomBytes(32).toString('hex')}`,
  metadata: { BRANCH_NAME: 'main' },
});

/**
 * A load target: serve instances on one store (the connections split evenly between them), or the bare route.
 * Counts every 2xx it got, so that the store's artifact count can be checked against it afterwards.
 */
function target(label, urls, { auth, body }) {
  const headers = auth ? { authorization: basicAuth(auth) } : {};
  const sum = { ok: 0, seconds: 0, acknowledged: 0 };
  const run = async (durationMs, count = Infinity) => {
    const runs = await Promise.all(urls.map((url) => fire(url, { connections: CONNECTIONS / urls.length, durationMs, count: count / urls.length, headers, body })));
    const merged = runs.reduce((a, r) => ({ ok: a.ok + r.ok, other: a.other + r.other, errors: a.errors + r.errors, statuses: { ...a.statuses, ...r.statuses }, seconds: Math.max(a.seconds, r.seconds) }), { ok: 0, other: 0, errors: 0, statuses: {}, seconds: 0 });
    sum.acknowledged += merged.ok;
    return merged;
  };
  return {
    label,
    warm: ({ requests, maxMs }) => run(maxMs, requests),
    async measure(ms) {
      const r = checked(label, await run(ms));
      sum.ok += r.ok;
      sum.seconds += r.seconds;
    },
    get perSecond() {
      return sum.ok / sum.seconds;
    },
    get acknowledged() {
      return sum.acknowledged;
    },
  };
}

/** Registers once with the representation asked for: the ciName whose stored count is checked, and its count before. */
async function countedStore(serve, body) {
  const url = `${serve.url}/cc-ui/v1/artifacts/register-by-env`;
  const first = await requestJson(url, { method: 'POST', auth: serve.auth, body: body(), headers: { prefer: 'return=representation' } });
  if (first.status < 200 || first.status >= 300) throw new Error(`register-by-env answered ${first.status}: ${JSON.stringify(first.body)}`);
  const ciName = first.body.ciName;
  const before = await artifactTotal(serve.url, serve.auth, ciName);
  return {
    /** Throws unless the store holds exactly the registrations answered 2xx since. */
    async verify(acknowledged) {
      const after = await artifactTotal(serve.url, serve.auth, ciName);
      if (after - before !== acknowledged) throw new Error(`${serve.url} answered 2xx to ${acknowledged} registrations but stored ${after - before}`);
      return `stored artifacts match the 2xx count (${acknowledged})`;
    },
  };
}

/** A fresh database for the run on the PostgreSQL that test-infra started; its URL. */
async function createBenchDatabase(adminUrl) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${BENCH_DATABASE} with (force)`);
    await client.query(`create database ${BENCH_DATABASE}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${BENCH_DATABASE}`;
  return url.toString();
}

/** Two serve instances on one new PostgreSQL database; the second finds the first's token there. */
async function startOnPostgres(repo, blueprint, adminUrl) {
  const database = await createBenchDatabase(adminUrl);
  const first = await startServe(repo, { blueprint, database });
  const second = await startServe(repo, { blueprint, database, auth: first.auth });
  return [first, second];
}

/**
 * Measures every target in rounds (forward, then backward, so that drift on a shared machine falls on all alike).
 * serve: the SQLite instance bench.js started; postgres: {url} (test-infra's admin URL) or {error}.
 */
async function benchServe({ repo, serve, blueprint, registryHost, postgres, workDir, durationMs = 3000, warmup = WARMUP, rounds = 2, log = () => {} }) {
  const body = registration(registryHost);
  const bare = await startNode('bare fastify', path.join(__dirname, 'bare-fastify.js'), [path.join(workDir, 'bare.db')], { expect: { url: /listening on (http:\/\/\S+)/ } });
  let pgServes = [];
  let pgError = postgres.error ? `no PostgreSQL: ${postgres.error}` : null;
  try {
    if (!pgError) {
      try {
        log('starting two serve instances on PostgreSQL');
        pgServes = await startOnPostgres(repo, blueprint, postgres.url);
      } catch (e) {
        pgError = `serve on PostgreSQL did not start: ${e.message}`;
      }
    }
    const register = (s) => `${s.url}/cc-ui/v1/artifacts/register-by-env`;
    const targets = {
      bare: target('bare fastify', [`${bare.url}/register`], { body }),
      sqlite: target('serve on SQLite', [register(serve)], { auth: serve.auth, body }),
    };
    /** [how many 2xx the store got, the store]: each store's artifact count is checked against its 2xx answers. */
    const checks = [[() => targets.sqlite.acknowledged, await countedStore(serve, body)]];
    if (!pgError) {
      targets.one = target('serve on PostgreSQL', [register(pgServes[0])], { auth: pgServes[0].auth, body });
      targets.two = target('two serve instances on PostgreSQL', pgServes.map(register), { auth: pgServes[0].auth, body });
      checks.push([() => targets.one.acknowledged + targets.two.acknowledged, await countedStore(pgServes[0], body)]);
    }
    const order = Object.values(targets);
    for (const t of order) await t.warm(warmup);
    for (let round = 0; round < rounds; round++) {
      for (const t of round % 2 ? [...order].reverse() : order) await t.measure(durationMs);
    }
    const notes = [];
    for (const [acknowledged, store] of checks) notes.push(await store.verify(acknowledged()));
    const machine = `${os.cpus().length} cores shared by serve, PostgreSQL and the load generator (other work on the machine shows in the figures)`;
    const method = `${warmup.requests} warm-up requests (at most ${warmup.maxMs / 1000} s) per target, then ${rounds} rounds of ${durationMs / 1000} s each, interleaved; higher ratio is better`;
    const results = [
      figure({ ...FIGURES.sqlite, unit: 'req/s', measured: targets.sqlite.perSecond, baseline: targets.bare.perSecond, baselineName: 'bare fastify POST, one SQLite insert transaction', notes: [method, notes[0]] }),
    ];
    if (pgError) {
      results.push(skipped(FIGURES.postgres.name, pgError, FIGURES.postgres.target), skipped(FIGURES.two.name, pgError, FIGURES.two.target));
    } else {
      results.push(
        figure({ ...FIGURES.postgres, unit: 'req/s', measured: targets.one.perSecond, baseline: targets.sqlite.perSecond, baselineName: 'serve on SQLite', notes: [notes[1], machine] }),
        figure({ ...FIGURES.two, unit: 'req/s', measured: targets.two.perSecond, baseline: targets.one.perSecond, baselineName: 'one instance on PostgreSQL', notes: [machine] }),
      );
    }
    return results;
  } finally {
    await Promise.all([bare, ...pgServes].map((s) => stop(s.pid)));
  }
}

module.exports = { benchServe, serveFigures, failedFigures: (e) => serveFigures().map((f) => failed(f.name, e, f.target)) };
