'use strict';
// One JSON request with optional Basic auth; resolves {status, headers, body}.
const http = require('node:http');

function requestJson(url, { method = 'GET', auth, body, headers = {} } = {}) {
  const target = new URL(url);
  const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
  const h = { ...headers, accept: 'application/json' };
  if (payload) Object.assign(h, { 'content-type': 'application/json', 'content-length': payload.length });
  if (auth) h.authorization = basicAuth(auth);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers: h }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed = text;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(payload || undefined);
  });
}

const basicAuth = ({ username, password }) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

module.exports = { requestJson, basicAuth };
