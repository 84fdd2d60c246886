// The native push: facetsctl uploads the layers itself, from the engine's export (read as it streams) or from a
// daemonless source; layers gzipped in worker threads at --compression-level, blobs first, the manifest last.
import { FacetsError } from '../core/errors';
import { formatImageReference, type ImageReference } from '../core/image-reference';
import type { LayerProgress } from '../docker/push-stream';
import type { RegistryOptions } from '../registry/client';
import type { PushOptions, PushProgress, PushResult } from '../registry/push';
import type { OnWorkflowEvent, WorkflowContext } from './context';
import type { LocalSide, PushSettings } from './push';

/** The native phases as the engine's push stream names them, so one progress line serves both paths. */
const STATUS: Record<PushProgress['phase'], string> = {
  compressing: 'Compressing',
  uploading: 'Pushing',
  uploaded: 'Pushed',
  existed: 'Layer already exists',
  mounted: 'Mounted from another repository',
};

export async function pushNatively(
  f: WorkflowContext,
  settings: PushSettings,
  side: LocalSide,
  registry: RegistryOptions,
  target: ImageReference,
  onEvent: OnWorkflowEvent,
): Promise<{ digest: string; attempts: number; untagged: Promise<void> }> {
  const targetRef = formatImageReference(target);
  const layers = new Map<string, LayerProgress>();
  let retries = 0;
  const options: PushOptions = {
    compressionLevel: settings.compressionLevel,
    compression: settings.compression,
    mountFrom: settings.mountFrom,
    onProgress: (p) => {
      if (p.blob === 'config') return;
      const layer = { id: p.file ?? p.blob, status: STATUS[p.phase], current: p.bytes, total: p.phase === 'compressing' ? 0 : (p.total ?? p.bytes) };
      layers.set(layer.id, layer);
      onEvent({ kind: 'push-progress', image: targetRef, layers: side.local.layers, progress: { layer, layers: [...layers.values()] } });
    },
    onRetry: ({ attempt, delayMs, error }) => {
      retries += 1;
      onEvent({ kind: 'push-retry', attempt, delayMs, error });
    },
  };
  const to = { registry, repository: target.repository, tag: target.tag ?? 'latest' };
  f.debug(`native push of ${settings.image} to ${targetRef} starts (${settings.compression ?? 'gzip'} level ${settings.compressionLevel ?? 1})`);
  onEvent({ kind: 'push-started', image: targetRef, layers: side.local.layers });
  // Loaded once the push has started: the code cache written then holds the fast path's code, not the upload's.
  const { pushEngineExport, pushImage } = require('../registry/push') as typeof import('../registry/push');
  let result: PushResult;
  try {
    if (side.source) result = await pushImage(side.source, to, options);
    else result = await pushEngineExport(settings.image, exportOf(side, settings.image), to, options);
  } finally {
    onEvent({ kind: 'push-ended' });
    await side.source?.close();
  }
  f.debug(`pushed ${result.digest}: ${result.blobs.map((b) => `${b.digest.slice(7, 19)} ${b.outcome}`).join(', ')}`);
  // --keep-tag: the engine also knows the image by the name it was pushed as, as after the engine's own push.
  if (settings.keepTag && side.engine && !side.local.repoTags.includes(targetRef)) await side.engine.tag(settings.image, targetRef);
  return { digest: result.digest, attempts: retries + 1, untagged: Promise.resolve() };
}

/** The engine's `docker save` stream of the image; an engine that refuses it is told to push with --via-engine. */
async function exportOf(side: LocalSide, image: string): Promise<NodeJS.ReadableStream> {
  try {
    return await side.engine!.exportImage(image);
  } catch (e) {
    const error = e as FacetsError;
    if (error.details?.reason !== 'ENGINE_ERROR') throw e;
    throw new FacetsError('ENGINE', `the Docker engine would not export ${image}: ${error.message}`, 'push through the engine instead: add --via-engine', error.details);
  }
}
