// --via-engine: the engine's own push (for engines that refuse the export, and for comparison): tag the image for the
// target, push it with retries, and remove the temporary tag unless --keep-tag.
import { usage } from '../core/errors';
import type { OnWorkflowEvent, RegistryAuth, WorkflowContext } from './context';
import type { LocalSide, PushSettings } from './push';

export async function pushViaEngine(
  f: WorkflowContext,
  settings: PushSettings,
  side: LocalSide,
  targetRef: string,
  auth: RegistryAuth | undefined,
  onEvent: OnWorkflowEvent,
): Promise<{ digest: string; attempts: number; untagged: Promise<void> }> {
  const { engine, local } = side;
  if (!engine) throw usage(`--via-engine pushes an image of the Docker engine, not ${settings.image}`, 'drop --via-engine: image sources are pushed by facetsctl itself');
  const { pushWithRetry } = require('../docker/push-with-retry') as typeof import('../docker/push-with-retry');
  const madeTag = !local.repoTags.includes(targetRef);
  if (madeTag) await engine.tag(settings.image, targetRef);
  f.debug(`engine push of ${targetRef} starts`);
  const untag = (): Promise<void> =>
    madeTag && !settings.keepTag ? engine.removeTag(targetRef).then(() => undefined, (error: Error) => onEvent({ kind: 'untag-failed', image: targetRef, error })) : Promise.resolve();
  let result;
  try {
    onEvent({ kind: 'push-started', image: targetRef, layers: local.layers });
    result = await pushWithRetry(engine, targetRef, auth ?? null, {
      onProgress: (progress) => onEvent({ kind: 'push-progress', image: targetRef, layers: local.layers, progress }),
      onRetry: ({ attempt, delayMs, error }) => onEvent({ kind: 'push-retry', attempt, delayMs, error }),
    });
  } catch (e) {
    onEvent({ kind: 'push-ended' });
    await untag();
    throw e;
  }
  onEvent({ kind: 'push-ended' });
  f.debug(`engine pushed ${result.digest}`);
  // The tag goes while the registry is asked for the digest and the artifact is registered.
  return { digest: result.digest, attempts: result.attempts, untagged: untag() };
}
