'use strict';
// Closed-loop HTTP load: `connections` keep-alive sockets, each sending its next POST as soon as the last answer ends.
const http = require('node:http');

/**
 * Fires POSTs at url for durationMs (or until `count` are sent) over `connections` keep-alive connections.
 * body(i) gives the JSON body of request i. Returns {ok (2xx), other, errors, seconds, perSecond (2xx only)}.
 */
async function fire(url, { connections = 32, durationMs = 3000, count = Infinity, headers = {}, body }) {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const counts = { ok: 0, other: 0, errors: 0, statuses: {} };
  let sent = 0;
  const start = process.hrtime.bigint();
  const deadline = Date.now() + durationMs;
  const one = () =>
    new Promise((resolve) => {
      const payload = Buffer.from(JSON.stringify(body(sent++)));
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, method: 'POST', agent,
          headers: { ...headers, 'content-type': 'application/json', 'content-length': payload.length } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode >= 200 && res.statusCode < 300) counts.ok++;
            else {
              counts.other++;
              counts.statuses[res.statusCode] = (counts.statuses[res.statusCode] || 0) + 1;
            }
            resolve();
          });
        },
      );
      req.on('error', () => {
        counts.errors++;
        resolve();
      });
      req.end(payload);
    });
  const client = async () => {
    while (Date.now() < deadline && sent < count) await one();
  };
  await Promise.all(Array.from({ length: connections }, client));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  return { ...counts, seconds, perSecond: counts.ok / seconds };
}

module.exports = { fire };
