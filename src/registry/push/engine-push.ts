// The native push of a local engine image: its export is read as it streams, and each layer is uploaded while it
// is compressed; what did not make it that way (a failed stream, a small layer) goes by the ordinary upload.
import os from 'node:os';
import { checkCompression } from '../compress/codec';
import { checkLevel, DEFAULT_LEVEL } from '../compress/gzip-layer';
import { engineExportSource } from '../image-source';
import { pushImage, type PushOptions, type PushResult, type PushTarget } from './push-image';
import { PushSession } from './session';
import { StreamedUploads } from './streamed-upload';

/**
 * `stream`: the engine's `GET /images/{image}/get` answer (dockerode: `getImage(image).get()`); given as the promise
 * of it, the registry's origin and token are settled while the engine prepares the export.
 */
export async function pushEngineExport(image: string, stream: NodeJS.ReadableStream | Promise<NodeJS.ReadableStream>, target: PushTarget, options: PushOptions = {}): Promise<PushResult> {
  checkLevel(options.compressionLevel ?? DEFAULT_LEVEL);
  checkCompression(options.compression);
  const session = new PushSession(target.registry, target.repository, options.mountFrom);
  const uploads = new StreamedUploads(session);
  let source;
  let settled: Promise<void> | undefined;
  let pushed = false;
  try {
    source = await engineExportSource(image, await stream, {
      level: options.compressionLevel,
      compression: options.compression,
      chunkBytes: options.chunkBytes,
      tmpDir: options.tmpDir ?? os.tmpdir(),
      sink: () => uploads.next(),
      onBytes: (file, bytes) => options.onProgress?.({ blob: file, file, phase: 'compressing', bytes }),
    });
    settled = uploads.close();
    const result = await pushImage(source, target, options, session);
    pushed = true;
    return result;
  } finally {
    // After a failure the registry may not answer at all: the preparation is not waited for.
    if (pushed) await settled;
    else void (settled ?? uploads.close());
    session.close();
    await source?.close();
  }
}
