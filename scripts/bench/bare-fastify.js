'use strict';
// The throughput baseline: a fastify app whose one POST route stores the request body in ONE SQLite insert transaction,
// on a free 127.0.0.1 port. Usage: node bare-fastify.js DB_FILE
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const BetterSqlite3 = require('better-sqlite3');
const fastify = require('fastify');

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: bare-fastify.js DB_FILE\n');
  process.exit(2);
}
fs.mkdirSync(path.dirname(file), { recursive: true });
const db = new BetterSqlite3(file);
// serve's pragmas (src/controlplane/store/sqlite.ts): a durable write as serve makes it, without serve's domain work.
db.pragma('busy_timeout = 0');
db.pragma('journal_mode = WAL');
db.pragma('foreign_keys = ON');
db.pragma('synchronous = NORMAL');
db.exec('create table if not exists registrations (id text primary key, body text not null, created_at text not null)');
const insert = db.prepare('insert into registrations (id, body, created_at) values (?, ?, ?)');
// BEGIN IMMEDIATE, as serve's write transactions.
const store = db.transaction((body) => insert.run(crypto.randomUUID(), JSON.stringify(body), new Date().toISOString())).immediate;

const app = fastify({ logger: false });
app.post('/register', async (request) => {
  store(request.body);
  return {};
});
app.listen({ host: '127.0.0.1', port: 0 }).then(() => {
  process.stdout.write(`listening on http://127.0.0.1:${app.server.address().port}\n`);
});
const close = () =>
  app.close().then(() => {
    db.close();
    process.exit(0);
  });
process.on('SIGTERM', close);
process.on('SIGINT', close);
