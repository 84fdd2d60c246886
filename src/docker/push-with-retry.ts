// Retries a push that failed for a transient reason (5xx, 429, connection resets); the engine then
// re-sends only the layers the registry still lacks, so a retry is cheap and safe.
import { FacetsError } from '../core/errors';
import type { EngineRegistryAuth } from './auth';
import type { ImageEngine } from './engine';
import type { PushProgressEvent, PushResult } from './push-stream';

export interface PushRetryOptions {
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** First backoff delay in ms (default 1000), doubled each retry, with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  onProgress?: (event: PushProgressEvent) => void;
  onRetry?: (info: { attempt: number; delayMs: number; error: FacetsError }) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export function isTransientPushError(error: unknown): error is FacetsError {
  return error instanceof FacetsError && error.details?.transient === true;
}

export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

export async function pushWithRetry(engine: ImageEngine, target: string, auth: EngineRegistryAuth | null, options: PushRetryOptions = {}): Promise<PushResult & { attempts: number }> {
  const retries = options.retries ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await engine.push(target, auth, options.onProgress);
      return { ...result, attempts: attempt };
    } catch (error) {
      if (!isTransientPushError(error) || attempt > retries) {
        if (error instanceof FacetsError && error.details && attempt > 1) error.details.attempts = attempt;
        throw error;
      }
      const delayMs = backoffDelay(attempt, options.baseDelayMs ?? 1000, options.maxDelayMs ?? 10_000, options.random ?? Math.random);
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}
