// A `docker save` archive (classic layout, or the OCI layout newer engines add beside manifest.json) as an image source.
import crypto from 'node:crypto';
import { usage } from '../../core/errors';
import { headOf, type FileStore } from './file-store';
import { compressionOf, MEDIA_TYPES, type SourceImage, type SourceLayer } from './types';

interface SaveManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/** The image `ref` names (a RepoTag, or `@N` for the Nth image), or the only image of the archive. */
export async function dockerArchiveImage(store: FileStore, ref?: string): Promise<SourceImage> {
  if (!(await store.has('manifest.json'))) {
    throw usage(`${store.name} has no manifest.json: it is not a \`docker save\` archive`, 'for an OCI layout use oci-archive:FILE or oci:DIR');
  }
  const entries = parseEntries(store.name, await store.read('manifest.json'));
  const entry = pick(store.name, entries, ref);
  const config = await store.read(entry.Config);
  const layers: SourceLayer[] = [];
  for (const file of entry.Layers) {
    const compression = compressionOf(await headOf(store, file));
    layers.push({
      open: () => store.open(file),
      mediaType: compression === 'zstd' ? MEDIA_TYPES.ociLayerZstd : compression ? MEDIA_TYPES.dockerLayerGzip : MEDIA_TYPES.ociLayer,
      compressed: Boolean(compression),
      size: compression ? await store.size(file) : undefined,
      file,
    });
  }
  return {
    kind: 'image',
    manifestMediaType: MEDIA_TYPES.dockerManifest,
    config: { bytes: config, digest: `sha256:${crypto.createHash('sha256').update(config).digest('hex')}`, mediaType: MEDIA_TYPES.dockerConfig },
    layers,
  };
}

function parseEntries(name: string, bytes: Buffer): SaveManifestEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw usage(`${name}: manifest.json is not JSON`, 'export the image again with `docker save`');
  }
  const valid = Array.isArray(parsed) && parsed.length > 0 && parsed.every((e) => typeof e?.Config === 'string' && Array.isArray(e?.Layers));
  if (!valid) throw usage(`${name}: manifest.json lists no image (Config and Layers)`, 'export the image again with `docker save`');
  return parsed as SaveManifestEntry[];
}

function pick(name: string, entries: SaveManifestEntry[], ref: string | undefined): SaveManifestEntry {
  if (ref === undefined) {
    if (entries.length === 1) return entries[0];
    throw usage(`${name} holds ${entries.length} images`, `name one: ${name}:REPO:TAG (one of ${tags(entries)}) or ${name}:@N`);
  }
  const byIndex = /^@(\d+)$/.exec(ref);
  const found = byIndex ? entries[Number(byIndex[1])] : entries.find((e) => (e.RepoTags ?? []).includes(ref));
  if (!found) throw usage(`${name} has no image ${ref}`, `name one of ${tags(entries)}, or @0..@${entries.length - 1}`);
  return found;
}

function tags(entries: SaveManifestEntry[]): string {
  return entries.flatMap((e) => e.RepoTags ?? []).join(', ') || '(no tags)';
}
