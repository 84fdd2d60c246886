// Puts images into a registry through the distribution API alone (no engine), so registry tests own their data.
import axios, { AxiosInstance } from 'axios';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import zlib from 'node:zlib';

export interface UploadTarget {
  url: string;
  username?: string;
  password?: string;
  caFile?: string;
}

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
}

export const sha256 = (data: Buffer | string) => `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;

function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const [scheme, ...rest] = header.split(' ');
  const params: Record<string, string> = {};
  for (const match of rest.join(' ').matchAll(/(\w+)="([^"]*)"/g)) params[match[1]] = match[2];
  return { scheme: scheme.toLowerCase(), params };
}

/** An axios instance for one repository with the Authorization the registry asks for (none, Basic, or Bearer). */
async function sessionFor(target: UploadTarget, repository: string): Promise<AxiosInstance> {
  const httpsAgent = target.caFile ? new https.Agent({ ca: fs.readFileSync(target.caFile) }) : undefined;
  const http = axios.create({ baseURL: target.url, httpsAgent, validateStatus: () => true, maxRedirects: 0 });
  const ping = await http.get('/v2/');
  if (ping.status === 200) return http;
  if (ping.status !== 401) throw new Error(`${target.url}/v2/ answered ${ping.status}`);
  if (!target.username || !target.password) throw new Error(`${target.url} needs credentials`);
  const basic = `Basic ${Buffer.from(`${target.username}:${target.password}`).toString('base64')}`;
  const challenge = parseChallenge(String(ping.headers['www-authenticate'] ?? ''));
  if (challenge.scheme === 'basic') {
    http.defaults.headers.common.Authorization = basic;
    return http;
  }
  const tokenResponse = await axios.get(challenge.params.realm, {
    params: { service: challenge.params.service, scope: `repository:${repository}:pull,push` },
    headers: { Authorization: basic },
    validateStatus: () => true,
  });
  if (tokenResponse.status !== 200) throw new Error(`token server ${challenge.params.realm} answered ${tokenResponse.status}`);
  http.defaults.headers.common.Authorization = `Bearer ${tokenResponse.data.token ?? tokenResponse.data.access_token}`;
  return http;
}

async function putBlob(http: AxiosInstance, repository: string, blob: Buffer, digest: string): Promise<void> {
  const existing = await http.head(`/v2/${repository}/blobs/${digest}`);
  if (existing.status === 200) return;
  const started = await http.post(`/v2/${repository}/blobs/uploads/`);
  if (started.status !== 202) throw new Error(`starting a blob upload to ${repository} answered ${started.status}`);
  const location = new URL(String(started.headers.location), http.defaults.baseURL);
  location.searchParams.set('digest', digest);
  const put = await http.put(location.toString(), blob, { headers: { 'content-type': 'application/octet-stream' } });
  if (put.status !== 201) throw new Error(`uploading blob ${digest} to ${repository} answered ${put.status}: ${JSON.stringify(put.data)}`);
}

async function putManifest(http: AxiosInstance, repository: string, tag: string, mediaType: string, manifest: unknown): Promise<Descriptor> {
  const body = Buffer.from(JSON.stringify(manifest));
  const put = await http.put(`/v2/${repository}/manifests/${tag}`, body, { headers: { 'content-type': mediaType } });
  if (put.status !== 201) throw new Error(`putting manifest ${repository}:${tag} answered ${put.status}: ${JSON.stringify(put.data)}`);
  return { mediaType, digest: sha256(body), size: body.length };
}

/** Uploads a schema2 (or OCI) image whose layers are `layers` (gzipped here); returns the manifest's descriptor. */
export async function uploadImage(
  target: UploadTarget,
  repository: string,
  tag: string,
  layers: Buffer[],
  options: { oci?: boolean; architecture?: string; /** The config's `created` (ISO 8601); left out when not given. */ created?: string } = {},
): Promise<Descriptor> {
  const http = await sessionFor(target, repository);
  const layerDescriptors: Descriptor[] = [];
  for (const layer of layers) {
    const gzipped = zlib.gzipSync(layer);
    const digest = sha256(gzipped);
    await putBlob(http, repository, gzipped, digest);
    layerDescriptors.push({ mediaType: options.oci ? 'application/vnd.oci.image.layer.v1.tar+gzip' : MEDIA_TYPES.dockerLayer, digest, size: gzipped.length });
  }
  const config = Buffer.from(
    JSON.stringify({
      ...(options.created !== undefined ? { created: options.created } : {}),
      architecture: options.architecture ?? 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: layers.map((layer) => sha256(layer)) },
    }),
  );
  const configDigest = sha256(config);
  await putBlob(http, repository, config, configDigest);
  const mediaType = options.oci ? MEDIA_TYPES.ociManifest : MEDIA_TYPES.dockerManifest;
  const configMediaType = options.oci ? 'application/vnd.oci.image.config.v1+json' : MEDIA_TYPES.dockerConfig;
  return putManifest(http, repository, tag, mediaType, {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: configMediaType, digest: configDigest, size: config.length },
    layers: layerDescriptors,
  });
}

/** Uploads a manifest list (or OCI index) over manifests already in `repository`. */
export async function uploadIndex(target: UploadTarget, repository: string, tag: string, manifests: Descriptor[], options: { oci?: boolean } = {}): Promise<Descriptor> {
  const http = await sessionFor(target, repository);
  const mediaType = options.oci ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.dockerManifestList;
  return putManifest(http, repository, tag, mediaType, { schemaVersion: 2, mediaType, manifests });
}
