// Image sources named as skopeo names them (docker-archive:, oci-archive:, oci:), and the engine's export stream.
import fs from 'node:fs';
import os from 'node:os';
import { usage } from '../../core/errors';
import { dockerArchiveImage } from './docker-archive';
import { streamedExportSource, type ExportOptions } from './engine-export';
import { directoryStore, tarStore } from './file-store';
import { ociLayoutNode } from './oci-layout';
import type { ImageSource } from './types';

export * from './types';

const TRANSPORTS = ['docker-archive', 'oci-archive', 'oci'] as const;

/** True for `docker-archive:…`, `oci-archive:…` and `oci:…`: a source that needs no engine. */
export function isSourceSpec(spec: string): boolean {
  return TRANSPORTS.some((t) => spec.startsWith(`${t}:`));
}

/** Opens `docker-archive:FILE[:REF]`, `oci-archive:FILE[:REF]` or `oci:DIR[:REF]`. */
export async function openImageSource(spec: string): Promise<ImageSource> {
  const transport = TRANSPORTS.find((t) => spec.startsWith(`${t}:`));
  if (!transport) throw usage(`"${spec}" is not an image source`, 'use docker-archive:FILE, oci-archive:FILE or oci:DIR[:REF]');
  const { file, ref } = splitReference(spec.slice(transport.length + 1));
  const name = `${transport}:${file}`;
  const stat = await fs.promises.stat(file).catch(() => undefined);
  if (transport === 'oci') {
    if (!stat?.isDirectory()) throw usage(`${name}: no such directory`, 'give the directory of an OCI image layout (index.json, blobs/)');
    return { name, root: await ociLayoutNode(directoryStore(name, file), ref), close: async () => {} };
  }
  if (!stat?.isFile()) throw usage(`${name}: no such file`, `give the path of ${transport === 'oci-archive' ? 'an OCI layout tar' : 'a `docker save` tar'}`);
  const store = await tarStore(name, file);
  const root = transport === 'oci-archive' ? await ociLayoutNode(store, ref) : await dockerArchiveImage(store, ref);
  return { name, root, close: async () => {} };
}

/** The engine's export (`GET /images/{name}/get`) as a source, its layers compressed as it streams. */
export function engineExportSource(image: string, stream: NodeJS.ReadableStream, options: Partial<ExportOptions> = {}): Promise<ImageSource> {
  return streamedExportSource(image, stream, { ...options, tmpDir: options.tmpDir ?? os.tmpdir() });
}

/** `path[:ref]`: the longest prefix that exists is the path (paths may hold ":"), the rest the reference. */
function splitReference(rest: string): { file: string; ref?: string } {
  if (!rest) throw usage('an image source needs a path', 'e.g. docker-archive:./app.tar or oci:./layout:1.0');
  if (fs.existsSync(rest)) return { file: rest };
  for (let i = rest.indexOf(':'); i > 0; i = rest.indexOf(':', i + 1)) {
    if (fs.existsSync(rest.slice(0, i))) return { file: rest.slice(0, i), ref: rest.slice(i + 1) || undefined };
  }
  return { file: rest };
}
