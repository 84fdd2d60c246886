// Image sources named as skopeo names them (docker-archive:, oci-archive:, oci:), and the engine's export stream.
import fs from 'node:fs';
import os from 'node:os';
import { usage } from '../../core/errors';
import { dockerArchiveImage } from './docker-archive';
import { streamedExportSource, type ExportOptions } from './engine-export';
import { directoryStore, tarStore } from './file-store';
import { ociLayoutNode } from './oci-layout';
import { splitReference, transportOf } from './spec';
import type { ImageSource } from './types';

export * from './types';
export { isSourceSpec, sourceSpecTag } from './spec';

/** Opens `docker-archive:FILE[:REF]`, `oci-archive:FILE[:REF]` or `oci:DIR[:REF]`. */
export async function openImageSource(spec: string): Promise<ImageSource> {
  const transport = transportOf(spec);
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
