'use strict';
// Figure 3: serve's registrations per second under 32 keep-alive clients ÷ a bare fastify route's requests per second.
const crypto = require('node:crypto');
const path = require('node:path');
const { startNode, stop } = require('./children');
const { requestJson, basicAuth } = require('./http-json');
const { fire } = require('./load');
const { PROJECT, SERVICE, ENVIRONMENT, REGISTRY } = require('./project');
const { figure } = require('./report');

const NAME = 'serve register-by-env req/s (32 keep-alive clients)';
const CONNECTIONS = 32;

/** Throughput from one load run; refuses a run where non-2xx answers would hide behind a req/s figure. */
function throughput(label, run) {
  const bad = run.other + run.errors;
  if (run.ok === 0 || bad > run.ok * 0.01) {
    throw new Error(`${label}: ${run.ok} 2xx, ${run.other} other (${JSON.stringify(run.statuses)}), ${run.errors} connection errors`);
  }
  return run.perSecond;
}

async function artifactTotal(serve, ciName) {
  const res = await requestJson(`${serve.url}/cc-ui/v1/artifacts-ci/${encodeURIComponent(ciName)}/artifacts?limit=1`, { auth: serve.auth });
  if (res.status !== 200) throw new Error(`listing artifacts of ${ciName} answered ${res.status}`);
  return Number(res.headers['x-total-count']);
}

async function benchServe(serve, { registryHost, durationMs = 3000, warmupMs = 1000 }) {
  const bare = await startNode('bare fastify', path.join(__dirname, 'bare-fastify.js'), [], { expect: { url: /listening on (http:\/\/\S+)/ } });
  try {
    const bareUrl = `${bare.url}/register`;
    const registerUrl = `${serve.url}/cc-ui/v1/artifacts/register-by-env`;
    const headers = { authorization: basicAuth(serve.auth) };
    const registration = () => ({
      stackName: PROJECT,
      applicationName: SERVICE,
      clusterName: ENVIRONMENT,
      artifactory: REGISTRY,
      artifactUri: `${registryHost}/${PROJECT}/${SERVICE}:load@sha256:${crypto.randomBytes(32).toString('hex')}`,
      metadata: { BRANCH_NAME: 'main' },
    });
    // The representation names the ciName whose stored count is checked; the loaded requests take Facets' empty answer.
    const first = await requestJson(registerUrl, { method: 'POST', auth: serve.auth, body: registration(), headers: { prefer: 'return=representation' } });
    if (first.status < 200 || first.status >= 300) throw new Error(`register-by-env answered ${first.status}: ${JSON.stringify(first.body)}`);
    const ciName = first.body && first.body.ciName;
    const before = ciName ? await artifactTotal(serve, ciName) : null;

    await fire(bareUrl, { connections: CONNECTIONS, durationMs: warmupMs, body: () => ({}) });
    const warm = await fire(registerUrl, { connections: CONNECTIONS, durationMs: warmupMs, headers, body: registration });
    const baseline = throughput('bare fastify', await fire(bareUrl, { connections: CONNECTIONS, durationMs, body: () => ({}) }));
    const loaded = await fire(registerUrl, { connections: CONNECTIONS, durationMs, headers, body: registration });
    const measured = throughput('serve', loaded);

    const notes = [`${loaded.ok} registrations in ${loaded.seconds.toFixed(2)} s; higher ratio is better`];
    if (ciName) {
      const after = await artifactTotal(serve, ciName);
      const expected = before + warm.ok + loaded.ok;
      if (after !== expected) throw new Error(`serve answered 2xx to ${expected - before} registrations but stored ${after - before}`);
      notes.push(`stored artifacts match the 2xx count (${after - before})`);
    }
    return figure({ name: NAME, unit: 'req/s', measured, baseline, baselineName: 'bare fastify POST', target: null, notes });
  } finally {
    await stop(bare.pid);
  }
}

module.exports = { benchServe, NAME };
