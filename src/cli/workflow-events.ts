// The registration workflow's progress as the user sees it: the spinner on a terminal, plain lines otherwise, warnings.
import type { PushProgressEvent } from '../docker/push-stream';
import type { OnWorkflowEvent } from '../workflow/context';
import { COMPILE_CACHE_CHECKPOINT } from './compile-cache';
import type { Factory } from './factory';

/** Interval of the plain progress lines when stderr is not a terminal. */
const PLAIN_PROGRESS_EVERY_MS = 2000;

/** Spinner text on a terminal; a plain line every ~2 s otherwise; nothing with --json or --quiet. */
function progressReporter(f: Factory, target: string, layers: number): (event: PushProgressEvent) => void {
  const { summarizePushProgress, formatPushProgress } = require('../docker/push-progress') as typeof import('../docker/push-progress');
  const onTerminal = f.io.isStderrTTY && !f.io.isCI;
  let lastLine = 0;
  return (event) => {
    const text = `Pushing ${target}: ${formatPushProgress(summarizePushProgress(event.layers, layers))}`;
    if (onTerminal) return f.io.startProgress(text);
    const now = f.now().getTime();
    if (now - lastLine < PLAIN_PROGRESS_EVERY_MS) return;
    lastLine = now;
    f.io.info(text);
  };
}

/** One handler per command run: it keeps the progress state of the push under way. */
export function reportWorkflow(f: Factory): OnWorkflowEvent {
  let progress: ((event: PushProgressEvent) => void) | null = null;
  return (event) => {
    switch (event.kind) {
      case 'verify-started':
        return f.io.startProgress(`Checking ${event.image} in registry ${event.registry}`);
      case 'verify-ended':
      case 'push-ended':
        return f.io.stopProgress();
      case 'unverified':
        return f.io.warn(`--no-verify: ${event.image} was not checked in the registry; a deployment fails if the image cannot be pulled`);
      case 'push-skipped':
        return f.io.info(`${event.image} is already in the registry (${event.digest}), skipping push`);
      case 'push-started':
        // The code cache keeps what ran up to here (the fast path's code), before the upload's garbage collections drop it.
        (process as NodeJS.EventEmitter).emit(COMPILE_CACHE_CHECKPOINT);
        f.io.startProgress(`Pushing ${event.image}`);
        progress = progressReporter(f, event.image, event.layers);
        return;
      case 'push-progress':
        return progress?.(event.progress);
      case 'push-retry':
        return f.io.warn(`push attempt ${event.attempt} failed (${event.error.message}); retrying in ${(event.delayMs / 1000).toFixed(1)}s`);
      case 'pushed':
        return f.io.info(`Pushed ${event.image} (${event.digest}${event.attempts > 1 ? `, after ${event.attempts} attempts` : ''})`);
      case 'untag-failed':
        return f.io.warn(`could not remove the temporary tag ${event.image}: ${event.error.message}`);
    }
  };
}
