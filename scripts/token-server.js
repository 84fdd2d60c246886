#!/usr/bin/env node
'use strict';
// Token server for the registry's `auth: token` mode (Docker token auth spec): checks one user with
// Basic auth, grants every requested scope, signs RS256 JWTs with the certificate in the `x5c` header.
// Usage: node scripts/token-server.js --port P --key KEY --cert CRT --issuer I --service S --username U --password-file F
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const required of ['port', 'key', 'cert', 'issuer', 'service', 'username', 'password-file']) {
    if (!args[required]) throw new Error(`token-server: missing --${required}`);
  }
  return args;
}

const base64url = (input) => Buffer.from(input).toString('base64url');

function certificateDer(pem) {
  return new crypto.X509Certificate(pem).raw.toString('base64');
}

/** `repository:a/b:pull,push` -> {type, name, actions}; names may contain ':' only in the registry type. */
function parseScope(scope) {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',').filter(Boolean) };
}

function credentialsFrom(req, form) {
  const header = req.headers.authorization || '';
  if (header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (form && form.get('grant_type') === 'password') return { username: form.get('username'), password: form.get('password') };
  return undefined;
}

function safeEqual(a, b) {
  const left = Buffer.from(String(a));
  const right = Buffer.from(String(b));
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const key = crypto.createPrivateKey(fs.readFileSync(args.key));
  const x5c = [certificateDer(fs.readFileSync(args.cert, 'utf8'))];
  const password = fs.readFileSync(args['password-file'], 'utf8').trim();

  const sign = (subject, access) => {
    const now = Math.floor(Date.now() / 1000);
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c }));
    const claims = { iss: args.issuer, sub: subject, aud: args.service, iat: now, nbf: now - 10, exp: now + 300, jti: crypto.randomUUID(), access };
    const payload = base64url(JSON.stringify(claims));
    const signature = crypto.sign('sha256', Buffer.from(`${header}.${payload}`), key).toString('base64url');
    return `${header}.${payload}.${signature}`;
  };

  const answer = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url, 'http://127.0.0.1');
      if (url.pathname !== '/token') return answer(res, 404, { error: 'not found' });
      const form = req.method === 'POST' ? new URLSearchParams(Buffer.concat(chunks).toString('utf8')) : undefined;
      const params = form || url.searchParams;
      if (params.get('service') && params.get('service') !== args.service) return answer(res, 400, { error: 'unknown service' });
      const credentials = credentialsFrom(req, form);
      if (credentials && !(safeEqual(credentials.username, args.username) && safeEqual(credentials.password, password))) {
        res.setHeader('www-authenticate', 'Basic realm="token"');
        return answer(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] });
      }
      // Anonymous callers get a token with no access, as public token servers do for private repositories.
      const access = credentials ? params.getAll('scope').flatMap((s) => s.split(' ')).map(parseScope).filter(Boolean) : [];
      const token = sign(credentials ? credentials.username : '', access);
      answer(res, 200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
    });
  });
  server.listen(Number(args.port), '127.0.0.1');
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
