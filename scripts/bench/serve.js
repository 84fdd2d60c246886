'use strict';
// `serve` started for real as a child process, with the bench project's CI/CD configured.
const fs = require('node:fs');
const path = require('node:path');
const { startNode } = require('./children');
const { requestJson } = require('./http-json');
const { CI_CONFIG } = require('./project');

const SERVE_MAIN = path.join('dist', 'controlplane', 'http', 'main.js');

/**
 * Resolves {pid, url, auth} or throws; the admin token stays in memory and is never printed.
 * database: a PostgreSQL URL instead of the SQLite file db; auth: the token of an instance that started on it before
 * (a second instance prints none).
 */
async function startServe(repo, { blueprint, db, database, auth: known, args = [] }) {
  const main = path.join(repo, SERVE_MAIN);
  if (!fs.existsSync(main)) throw Object.assign(new Error(`${SERVE_MAIN} is missing (serve is not built)`), { missing: true });
  const store = database ? ['--database', database] : ['--db', db];
  const url = /listening on (http:\/\/\S+)/;
  const started = await startNode('serve', main, ['--port', '0', ...store, '--blueprint', blueprint, ...args], {
    cwd: path.dirname(blueprint),
    expect: known ? { url } : { url, token: /admin token: (\S+)/ },
  });
  const auth = known || { username: 'admin', password: started.token };
  const configured = await requestJson(`${started.url}/cc-ui/v1/ci-cd`, { method: 'POST', auth, body: CI_CONFIG });
  if (configured.status < 200 || configured.status >= 300) {
    throw new Error(`configuring CI/CD on serve answered ${configured.status}: ${JSON.stringify(configured.body)}`);
  }
  return { pid: started.pid, url: started.url, auth };
}

module.exports = { startServe, SERVE_MAIN };
