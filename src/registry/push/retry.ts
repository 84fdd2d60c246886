// Retries of one push step: 408/429/5xx and dropped connections, backoff with jitter, Retry-After honoured.
import { FacetsError } from '../../core/errors';
import { errorBodyCode, networkFailure, pushDenied, unexpectedStatus } from '../errors';
import { backoffMs, MAX_RETRY_AFTER_MS, RETRY_STATUSES, retryAfterMs } from '../transport';
import { NetworkError, type Answer, type PushSession } from './session';

// Connection refused is not among them: a registry down from the start stays down (as for reads).
const RETRY_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);

/** An answer worth trying again (the step restarts from the top). */
export class RetryableAnswer extends Error {
  constructor(readonly answer: Answer, readonly what: string) {
    super(`${what}: ${answer.status}`);
  }
}

export interface RetryOptions {
  /** Extra attempts; default 3. */
  retries?: number;
  /** First backoff step, doubled each attempt; default 250 ms. */
  retryDelayMs?: number;
  /** Told of each failed attempt that will be tried again, with the error it would end in. */
  onRetry?: (info: { attempt: number; delayMs: number; error: FacetsError }) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `step` until it succeeds, fails for good, or has been tried 1 + retries times. */
export async function withRetries<T>(session: PushSession, options: RetryOptions, step: () => Promise<T>): Promise<T> {
  const attempts = (options.retries ?? 3) + 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const retryable = error instanceof RetryableAnswer || (error instanceof NetworkError && RETRY_CODES.has(error.code));
      if (!retryable || attempt >= attempts) throw final(session, error, attempt);
      const hinted = error instanceof RetryableAnswer ? retryAfterMs(error.answer.headers['retry-after']) : undefined;
      const delayMs = hinted !== undefined ? Math.min(hinted, MAX_RETRY_AFTER_MS) : backoffMs(attempt - 1, options.retryDelayMs ?? 250);
      options.onRetry?.({ attempt, delayMs, error: final(session, error, 1) as FacetsError });
      await sleep(delayMs);
    }
  }
}

function final(session: PushSession, error: unknown, attempts: number): unknown {
  if (error instanceof RetryableAnswer) return unexpectedStatus(session.host, error.what, error.answer.status, error.answer.body, attempts);
  if (error instanceof NetworkError) {
    const failure = networkFailure(session.host, error, session.transport.timeoutMs);
    return new FacetsError(failure.kind, `${failure.message}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`, failure.hint, failure.details);
  }
  return error;
}

/** Throws unless `answer.status` is one of `ok`: retryable statuses as RetryableAnswer, the rest as registry errors. */
export function expectStatus(session: PushSession, answer: Answer, what: string, ok: number[]): void {
  if (ok.includes(answer.status)) return;
  if (RETRY_STATUSES.has(answer.status)) throw new RetryableAnswer(answer, what);
  const said = errorBodyCode(answer.body);
  if (answer.status === 403 || said.code === 'DENIED') throw pushDenied(session.host, session.repository, session.hasCredentials, said.message ? `denied: ${said.message}` : 'forbidden');
  throw unexpectedStatus(session.host, what, answer.status, answer.body, 1);
}
