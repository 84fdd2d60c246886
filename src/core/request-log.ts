// How one HTTP request and its retries read in --debug and in timeout messages, the same for control planes and registries.

/** One request may take this long in total, retries and their waits included (README: --timeout, FACETS_HTTP_TIMEOUT). */
export const DEFAULT_REQUEST_DEADLINE_MS = 60_000;

/** `250 ms` below a second, else `3.2 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** `503 Service Unavailable` (the reason phrase as the server sent it, when it sent one). */
export function statusLine(status: number, reason: string | undefined): string {
  return reason ? `${status} ${reason}` : String(status);
}

export interface AttemptOutcome {
  /** Who was asked: `control plane` or `registry`. */
  peer: string;
  method: string;
  url: string;
  /** `200 OK`, or the network error code (`ECONNRESET`, `deadline`). */
  result: string;
  ms: number;
  attempt: number;
  attempts: number;
  /** What happens next: the retry wait, or why it stops here; undefined when the answer is used. */
  next?: { retryInMs: number } | { stop: string };
}

/** `registry GET http://h/v2/ -> 503 Service Unavailable (4 ms), attempt 1 of 4: retrying in 312 ms`. */
export function attemptLine(o: AttemptOutcome): string {
  const line = `${o.peer} ${o.method} ${o.url} -> ${o.result} (${formatDuration(o.ms)})`;
  if (!o.next) return line;
  const decision = 'retryInMs' in o.next ? `retrying in ${formatDuration(o.next.retryInMs)}` : `not retried: ${o.next.stop}`;
  return `${line}, attempt ${o.attempt} of ${o.attempts}: ${decision}`;
}

/** Why a retryable failure is not tried again; undefined when it is. */
export function stopReason(o: { attempt: number; attempts: number; waitMs: number; remainingMs: number; idempotent: boolean }): string | undefined {
  if (!o.idempotent) return 'not safe to repeat';
  if (o.attempt >= o.attempts) return `gave up after ${o.attempts} attempts`;
  if (o.waitMs >= o.remainingMs) return `waiting ${formatDuration(o.waitMs)} would pass the request deadline`;
  return undefined;
}
