// An OCI image layout (index.json + blobs/sha256), from a directory or a tar, as an image source.
import { usage } from '../../core/errors';
import type { FileStore } from './file-store';
import { MEDIA_TYPES, type Platform, type SourceImage, type SourceIndex, type SourceLayer, type SourceNode } from './types';

interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

const REF_NAME = 'org.opencontainers.image.ref.name';
const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);
const COMPRESSED = /(\+gzip|\+zstd|\.gzip|\.zstd)$/;
const MAX_DEPTH = 3;

/** The manifest or index `ref` names in index.json (its ref.name annotation), or index.json's only entry. */
export async function ociLayoutNode(store: FileStore, ref?: string): Promise<SourceNode> {
  if (!(await store.has('index.json'))) throw usage(`${store.name} has no index.json: it is not an OCI image layout`, 'for a `docker save` tar use docker-archive:FILE');
  const index = json(store.name, 'index.json', await store.read('index.json')) as { manifests?: Descriptor[] };
  const entries = index.manifests ?? [];
  const names = entries.map((d) => d.annotations?.[REF_NAME]).filter(Boolean).join(', ') || '(none named)';
  let chosen: Descriptor | undefined;
  if (ref !== undefined) chosen = entries.find((d) => d.annotations?.[REF_NAME] === ref);
  else if (entries.length === 1) chosen = entries[0];
  if (!chosen) {
    const what = ref === undefined ? `${entries.length} entries; name one as ${store.name}:REF` : `no entry named ${ref}`;
    throw usage(`${store.name}: index.json has ${what}`, `references in the layout: ${names}`);
  }
  return node(store, chosen, 0);
}

async function node(store: FileStore, descriptor: Descriptor, depth: number): Promise<SourceNode> {
  const bytes = await blob(store, descriptor);
  const document = json(store.name, descriptor.digest, bytes) as { mediaType?: string; manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[]; annotations?: Record<string, string> };
  const mediaType = descriptor.mediaType ?? document.mediaType ?? (document.manifests ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest);
  if (INDEX_TYPES.has(mediaType) || document.manifests) {
    if (depth >= MAX_DEPTH) throw usage(`${store.name}: indexes nested more than ${MAX_DEPTH} deep`, 'check the layout');
    const manifests: SourceIndex['manifests'] = [];
    for (const child of document.manifests ?? []) manifests.push({ image: await node(store, child, depth + 1), platform: child.platform, annotations: child.annotations });
    return { kind: 'index', mediaType, manifests, original: bytes, annotations: document.annotations };
  }
  if (!document.config || !Array.isArray(document.layers)) throw usage(`${store.name}: manifest ${descriptor.digest} has no config or layers`, 'check the layout');
  const config = document.config;
  const layers: SourceLayer[] = document.layers.map((layer) => ({
    open: () => store.open(blobPath(layer.digest)),
    mediaType: layer.mediaType ?? MEDIA_TYPES.ociLayerGzip,
    compressed: COMPRESSED.test(layer.mediaType ?? '+gzip'),
    digest: layer.digest,
    size: layer.size,
    annotations: layer.annotations,
  }));
  for (const layer of document.layers) if (!(await store.has(blobPath(layer.digest)))) throw usage(`${store.name}: layer ${layer.digest} is missing from blobs/`, 'check the layout');
  const image: SourceImage = {
    kind: 'image',
    manifestMediaType: mediaType,
    config: { bytes: await blob(store, config), digest: config.digest, mediaType: config.mediaType ?? MEDIA_TYPES.ociConfig },
    layers,
    original: bytes,
    annotations: document.annotations,
  };
  return image;
}

function blobPath(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  if (!hex || !/^[a-z0-9]+$/.test(algorithm) || !/^[a-f0-9]+$/.test(hex)) throw usage(`"${digest}" is not a valid digest`, 'check the layout');
  return `blobs/${algorithm}/${hex}`;
}

async function blob(store: FileStore, descriptor: Descriptor): Promise<Buffer> {
  return store.read(blobPath(descriptor.digest));
}

function json(name: string, what: string, bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw usage(`${name}: ${what} is not JSON`, 'check the layout');
  }
}
