// The native push of a local engine image: its export is read as it streams, and each layer is uploaded while it
// is compressed; what did not make it that way (a failed stream, a small layer) goes by the ordinary upload.
import os from 'node:os';
import { checkLevel, DEFAULT_LEVEL } from '../compress/gzip-layer';
import { engineExportSource } from '../image-source';
import { pushImage, type PushOptions, type PushResult, type PushTarget } from './push-image';
import { PushSession } from './session';
import { streamedUpload } from './streamed-upload';

/** `stream`: the engine's `GET /images/{image}/get` answer (dockerode: `getImage(image).get()`). */
export async function pushEngineExport(image: string, stream: NodeJS.ReadableStream, target: PushTarget, options: PushOptions = {}): Promise<PushResult> {
  checkLevel(options.compressionLevel ?? DEFAULT_LEVEL);
  const session = new PushSession(target.registry, target.repository, options.mountFrom);
  let source;
  try {
    source = await engineExportSource(image, stream, {
      level: options.compressionLevel,
      chunkBytes: options.chunkBytes,
      tmpDir: options.tmpDir ?? os.tmpdir(),
      sink: () => streamedUpload(session),
      onBytes: (file, bytes) => options.onProgress?.({ blob: file, file, phase: 'compressing', bytes }),
    });
  } catch (error) {
    session.close();
    throw error;
  }
  try {
    return await pushImage(source, target, options, session);
  } finally {
    await source.close();
  }
}
