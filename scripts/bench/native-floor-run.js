#!/usr/bin/env node
'use strict';
// The floor of a native push on this machine, for the bench: the engine's export alone (all of
// GET /images/{name}/get read and dropped) and the registry's ingest alone (the export's layers and config as blobs,
// hashed beforehand, uploaded all at once by plain http), each timed on its own; prints {exportMs, stagingMs (until the answer's headers), ingestMs, bytes}.
// The timed export keeps nothing: holding 50 MB in fresh memory costs more here than the engine's own stream (page
// faults), and would count Node's allocator as the engine's time. A second, untimed export gives the blobs.
// Usage: node scripts/bench/native-floor-run.js IMAGE REGISTRY_URL REPOSITORY   (DOCKER_HOST=unix://… names the engine)
const http = require('node:http');
const { putBlob, sha256 } = require('./registry-upload');

/** The export from the engine; `keep`: its bytes in memory, else each read is dropped; and how long it took from the request on. */
function readExport(image, keep) {
  const socketPath = String(process.env.DOCKER_HOST || 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: `/images/${encodeURIComponent(image)}/get` }, (res) => {
      const stagingMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (res.statusCode !== 200) reject(new Error(`the engine answered ${res.statusCode} to the export of ${image}`));
      const chunks = [];
      res.on('data', (chunk) => keep && chunks.push(chunk));
      res.on('end', () => resolve({ tar: Buffer.concat(chunks), stagingMs, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** The regular files of a tar by name (ustar headers, as `docker save` writes them). */
function tarFiles(tar) {
  const field = (at, length) => tar.toString('utf8', at, at + length).replace(/\0.*$/s, '');
  const files = new Map();
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0;) {
    const size = parseInt(field(at + 124, 12).trim() || '0', 8);
    const prefix = field(at + 345, 155);
    if (tar[at + 156] === 0 || tar[at + 156] === 0x30) files.set(`${prefix ? `${prefix}/` : ''}${field(at, 100)}`.replace(/^\.\//, ''), tar.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

async function main([image, registryUrl, repository]) {
  if (!image || !registryUrl || !repository) throw new Error('usage: native-floor-run.js IMAGE REGISTRY_URL REPOSITORY');
  const timed = await readExport(image, false);
  const exported = await readExport(image, true);
  const files = tarFiles(exported.tar);
  const [manifest] = JSON.parse(String(files.get('manifest.json')));
  const blobs = [manifest.Config, ...manifest.Layers].map((name) => files.get(name)).map((bytes) => ({ bytes, digest: sha256(bytes) }));
  const started = process.hrtime.bigint();
  await Promise.all(blobs.map((b) => putBlob(registryUrl, repository, b.bytes, b.digest)));
  const ingestMs = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(`${JSON.stringify({ exportMs: timed.ms, stagingMs: timed.stagingMs, ingestMs, bytes: blobs.reduce((n, b) => n + b.bytes.length, 0), blobs: blobs.length })}\n`);
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`native floor run failed: ${error.message}\n`);
  process.exit(1);
});
