'use strict';
// The throughput baseline: a fastify app with one POST route answering {}, on a free 127.0.0.1 port.
const fastify = require('fastify');

const app = fastify({ logger: false });
app.post('/register', async () => ({}));
app.listen({ host: '127.0.0.1', port: 0 }).then(() => {
  process.stdout.write(`listening on http://127.0.0.1:${app.server.address().port}\n`);
});
const close = () => app.close().then(() => process.exit(0));
process.on('SIGTERM', close);
process.on('SIGINT', close);
