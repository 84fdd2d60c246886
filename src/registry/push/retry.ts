// Retries of one push step: 408/429/5xx and dropped connections, backoff with jitter, Retry-After honoured.
import { FacetsError } from '../../core/errors';
import { denied, errorBodyCode, networkFailure, unexpectedStatus } from '../errors';
import { backoffMs, MAX_RETRY_AFTER_MS, RETRY_STATUSES, retryAfterMs } from '../transport';
import { NetworkError, type Answer, type PushSession } from './session';

const RETRY_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ECONNREFUSED']);

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
      await sleep(hinted !== undefined ? Math.min(hinted, MAX_RETRY_AFTER_MS) : backoffMs(attempt - 1, options.retryDelayMs ?? 250));
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
  if (answer.status === 403 || errorBodyCode(answer.body).code === 'DENIED') throw pushDenied(session);
  throw unexpectedStatus(session.host, what, answer.status, answer.body, 1);
}

function pushDenied(session: PushSession): FacetsError {
  const base = denied(session.host, session.repository);
  return new FacetsError(
    base.kind,
    `registry ${session.host} denied pushing to ${session.repository} (forbidden)`,
    `ask for push access to ${session.repository} on ${session.host}, or push to a repository you may write to`,
    base.details,
  );
}
