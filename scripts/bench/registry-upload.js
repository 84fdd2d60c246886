'use strict';
// Uploads a small image straight through the registry API (no engine): blobs, config, schema2 manifest. Open registry only.
const crypto = require('node:crypto');
const http = require('node:http');

const sha256 = (buf) => `sha256:${crypto.createHash('sha256').update(buf).digest('hex')}`;

function send(url, method, body, headers = {}) {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method,
        headers: { ...headers, 'content-length': body ? body.length : 0 } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body || undefined);
  });
}

/** POST, then one PUT ?digest= with the whole blob (monolithic); `digest` when the caller hashed it already. */
async function putBlob(registryUrl, repository, blob, digest = sha256(blob)) {
  const start = await send(`${registryUrl}/v2/${repository}/blobs/uploads/`, 'POST', null);
  if (start.status !== 202) throw new Error(`starting a blob upload to ${repository} answered ${start.status}: ${start.text}`);
  const location = new URL(start.headers.location, registryUrl);
  location.searchParams.set('digest', digest);
  const put = await send(location.toString(), 'PUT', blob, { 'content-type': 'application/octet-stream' });
  if (put.status !== 201) throw new Error(`uploading blob ${digest} answered ${put.status}: ${put.text}`);
  return { digest, size: blob.length };
}

/** Uploads layers (Buffers, stored as-is) under repository:tag; returns {digest} of the manifest. */
async function uploadImage(registryUrl, repository, tag, layers) {
  const layerDescriptors = [];
  for (const layer of layers) {
    const { digest, size } = await putBlob(registryUrl, repository, layer);
    layerDescriptors.push({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest, size });
  }
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: layerDescriptors.map((l) => l.digest) } }));
  const configBlob = await putBlob(registryUrl, repository, config);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: configBlob.digest, size: configBlob.size },
    layers: layerDescriptors,
  }));
  const put = await send(`${registryUrl}/v2/${repository}/manifests/${tag}`, 'PUT', manifest, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' });
  if (put.status !== 201) throw new Error(`uploading manifest ${repository}:${tag} answered ${put.status}: ${put.text}`);
  return { digest: sha256(manifest) };
}

module.exports = { uploadImage, putBlob, sha256 };
