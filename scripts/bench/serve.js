'use strict';
// `serve` started for real as a child process, with the bench project's CI/CD configured.
const fs = require('node:fs');
const path = require('node:path');
const { startNode } = require('./children');
const { requestJson } = require('./http-json');
const { CI_CONFIG } = require('./project');

const SERVE_MAIN = path.join('dist', 'controlplane', 'http', 'main.js');

/** Resolves {pid, url, auth} or throws; the admin token stays in memory and is never printed. */
async function startServe(repo, { blueprint, db, args = [] }) {
  const main = path.join(repo, SERVE_MAIN);
  if (!fs.existsSync(main)) throw Object.assign(new Error(`${SERVE_MAIN} is missing (serve is not built)`), { missing: true });
  const started = await startNode('serve', main, ['--port', '0', '--db', db, '--blueprint', blueprint, ...args], {
    cwd: path.dirname(blueprint),
    expect: { url: /listening on (http:\/\/\S+)/, token: /admin token: (\S+)/ },
  });
  const auth = { username: 'admin', password: started.token };
  const configured = await requestJson(`${started.url}/cc-ui/v1/ci-cd`, { method: 'POST', auth, body: CI_CONFIG });
  if (configured.status < 200 || configured.status >= 300) {
    throw new Error(`configuring CI/CD on serve answered ${configured.status}: ${JSON.stringify(configured.body)}`);
  }
  return { pid: started.pid, url: started.url, auth };
}

module.exports = { startServe, SERVE_MAIN };
