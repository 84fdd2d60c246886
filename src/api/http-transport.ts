// HTTP to a control plane: Basic auth, a deadline per request, retries of idempotent calls (backoff + jitter,
// Retry-After on 429/5xx/connection resets), --debug lines, and every failure as a FacetsError.
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { STATUS_CODES } from 'node:http';
import { FacetsError, type ErrorKind } from '../core/errors';
import { attemptLine, DEFAULT_REQUEST_DEADLINE_MS, formatDuration, statusLine, stopReason } from '../core/request-log';

export interface HttpTransportOptions {
  /** Base URL of the control plane, e.g. http://127.0.0.1:8080 (paths are absolute: /cc-ui/v1/...). */
  baseUrl: string;
  username?: string;
  token?: string;
  /** Silence allowed within one attempt (default 30 s). */
  timeoutMs?: number;
  /** Total time of one request, retries and their waits included (default 60 s): a server that trickles bytes is cut off. */
  deadlineMs?: number;
  /** Receives one line per attempt (method, URL, status, duration, retry decision); secrets are the receiver's to redact. */
  debug?: (line: string) => void;
  /** Extra attempts for idempotent calls (default 3). */
  retries?: number;
  /** First backoff step (default 250 ms), doubled each attempt, capped at maxDelayMs (default 4 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A longer Retry-After than this is not waited for: the call fails (default 30 s). */
  maxRetryAfterMs?: number;
  userAgent?: string;
  /** Extra request headers (sent with every call). */
  headers?: Record<string, string>;
}

export interface HttpCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Safe to repeat: retried on 429/5xx/resets. Default: GET only. */
  idempotent?: boolean;
  /** Headers of this call only (e.g. Prefer: return=representation). */
  headers?: Record<string, string>;
}

export interface HttpResult<T> {
  status: number;
  data: T;
  headers: Record<string, string>;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED_BY_PEER']);
const KINDS: readonly ErrorKind[] = ['USAGE', 'AUTH', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'POLICY', 'REGISTRY', 'ENGINE', 'UNREACHABLE', 'CANCELLED', 'NOT_OFFERED', 'INTERNAL'];
const LOGIN_HINT = 'run `facetsctl login`';

/** `p\`/stacks/${name}\`` with every interpolated value URL-encoded as one path segment. */
export function p(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(values[i]) : ''), '');
}

/** Retry-After in ms: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function kindFor(status: number, code: unknown): ErrorKind {
  if (typeof code === 'string' && (KINDS as readonly string[]).includes(code)) return code as ErrorKind;
  if (code === 'UNAUTHORIZED' || status === 401) return 'AUTH';
  if (code === 'BAD_REQUEST' || status === 400) return 'USAGE';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 422) return 'POLICY';
  if (status === 429 || status === 502 || status === 503 || status === 504) return 'UNREACHABLE';
  return 'INTERNAL';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class HttpTransport {
  private readonly http: AxiosInstance;
  private readonly baseUrl: string;

  constructor(private readonly options: HttpTransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': options.userAgent ?? 'facetsctl', ...options.headers };
    this.http = axios.create({
      baseURL: this.baseUrl,
      timeout: options.timeoutMs ?? 30_000,
      headers,
      auth: options.username !== undefined && options.token !== undefined ? { username: options.username, password: options.token } : undefined,
      validateStatus: () => true,
      maxRedirects: 0,
      transitional: { clarifyTimeoutError: true },
    });
  }

  get url(): string {
    return this.baseUrl;
  }

  async request<T>(call: HttpCall): Promise<HttpResult<T>> {
    const idempotent = call.idempotent ?? call.method === 'GET';
    const attempts = 1 + (idempotent ? (this.options.retries ?? 3) : 0);
    const deadlineMs = this.options.deadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const sent = Date.now();
      const log = (result: string, next?: { retryInMs: number } | { stop: string }) =>
        this.options.debug?.(attemptLine({ peer: 'control plane', method: call.method, url: this.urlOf(call), result, ms: Date.now() - sent, attempt, attempts, next }));
      let failed: { result: string; failure: FacetsError; retryable: boolean; wait: number | null };
      try {
        const response = await this.http.request({
          method: call.method,
          url: call.path,
          params: this.queryOf(call),
          data: call.body,
          // axios labels an empty POST as a form; an empty body has no content type.
          headers: { ...call.headers, ...(call.body === undefined ? { 'content-type': false } : {}) },
          // The per-attempt timeout only counts silence; this bounds the whole request.
          signal: AbortSignal.timeout(Math.max(1, deadlineMs - (sent - started))),
        });
        if (response.status < 400) {
          log(statusOf(response));
          return { status: response.status, data: response.data as T, headers: response.headers as Record<string, string> };
        }
        const wait = retryAfterMs(response.headers['retry-after'] as string | undefined);
        const retryable = RETRYABLE_STATUS.has(response.status) && (wait === null || wait <= (this.options.maxRetryAfterMs ?? 30_000));
        failed = { result: statusOf(response), failure: this.statusError(call, response), retryable, wait };
      } catch (e) {
        if (axios.isCancel(e)) {
          log('no complete answer', { stop: `the request deadline of ${formatDuration(deadlineMs)} passed` });
          throw this.deadlineError(call, deadlineMs, Date.now() - started, attempt);
        }
        const code = (e as { code?: string }).code ?? '';
        failed = { result: code || (e as Error).message, failure: this.networkError(call, e as Error & { code?: string }), retryable: RETRYABLE_CODES.has(code), wait: null };
      }
      const { result, failure, retryable, wait } = failed;
      const waitMs = wait ?? this.backoff(attempt);
      const stop = stopReason({ attempt, attempts, waitMs, remainingMs: deadlineMs - (Date.now() - started), idempotent });
      log(result, retryable ? (stop ? { stop } : { retryInMs: waitMs }) : undefined);
      if (!retryable || stop) throw failure;
      await sleep(waitMs);
    }
  }

  private queryOf(call: HttpCall): Record<string, string | number> | undefined {
    return call.query ? (Object.fromEntries(Object.entries(call.query).filter(([, v]) => v !== undefined)) as Record<string, string | number>) : undefined;
  }

  /** The URL as sent, query included, for --debug. */
  private urlOf(call: HttpCall): string {
    const query = new URLSearchParams(Object.entries(this.queryOf(call) ?? {}).map(([k, v]): [string, string] => [k, String(v)])).toString();
    return `${this.baseUrl}${call.path}${query ? `?${query}` : ''}`;
  }

  /** Exponential backoff with jitter: a random wait between half and all of the step. */
  private backoff(attempt: number): number {
    const step = Math.min(this.options.maxDelayMs ?? 4000, (this.options.baseDelayMs ?? 250) * 2 ** (attempt - 1));
    return step / 2 + Math.random() * (step / 2);
  }

  private where(call: HttpCall): string {
    return `${call.method} ${this.baseUrl}${call.path}`;
  }

  private networkError(call: HttpCall, e: Error & { code?: string }): FacetsError {
    const details = { url: this.baseUrl, path: call.path, code: e.code };
    const hint = 'start it (`facetsctl serve`) or check --control-plane / FACETS_CONTROL_PLANE_URL';
    if (e.code === 'ECONNREFUSED') return new FacetsError('UNREACHABLE', `cannot reach the control plane at ${this.baseUrl}: connection refused`, hint, details);
    if (e.code === 'ETIMEDOUT' || e.code === 'ECONNABORTED') {
      return new FacetsError('UNREACHABLE', `the control plane at ${this.baseUrl} did not answer within ${Math.round((this.options.timeoutMs ?? 30_000) / 1000)} s (${this.where(call)})`, 'check that it is up, or retry', details);
    }
    if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return new FacetsError('UNREACHABLE', `cannot resolve the control plane host of ${this.baseUrl}`, hint, details);
    if (RETRYABLE_CODES.has(e.code ?? '')) return new FacetsError('UNREACHABLE', `the control plane at ${this.baseUrl} closed the connection (${e.code}) on ${this.where(call)}`, 'retry; if it persists, check the server or a proxy in between', details);
    return new FacetsError('UNREACHABLE', `cannot talk to the control plane at ${this.baseUrl}: ${e.message}`, hint, details);
  }

  private deadlineError(call: HttpCall, deadlineMs: number, waitedMs: number, attempts: number): FacetsError {
    const tries = attempts > 1 ? ` over ${attempts} attempts` : '';
    return new FacetsError(
      'UNREACHABLE',
      `the control plane at ${this.host} did not finish ${call.method} ${call.path} within the ${formatDuration(deadlineMs)} request deadline (waited ${formatDuration(waitedMs)}${tries})`,
      'check that it is up and answering normally; if it is only slow, allow more with --timeout SECONDS (or FACETS_HTTP_TIMEOUT)',
      { url: this.baseUrl, path: call.path, code: 'DEADLINE', deadlineMs, waitedMs },
    );
  }

  private get host(): string {
    return new URL(this.baseUrl).host;
  }

  private statusError(call: HttpCall, response: AxiosResponse): FacetsError {
    const body = (response.data && typeof response.data === 'object' ? response.data : {}) as { code?: unknown; message?: unknown; hint?: unknown };
    const kind = kindFor(response.status, body.code);
    const details = { status: response.status, code: body.code, url: this.baseUrl, path: call.path };
    const said = typeof body.message === 'string' && body.message ? body.message : textOf(response.data);
    if (response.status >= 500) {
      // A 5xx text alone ("internal error", a proxy's page) does not say who failed: name the host and the status.
      const message = `control plane ${this.host} answered ${statusOf(response)} to ${call.method} ${call.path}${said ? `: ${said}` : ''}`;
      return new FacetsError(kind, message, typeof body.hint === 'string' ? body.hint : 'retry later; if it persists, check the control plane\'s log', details);
    }
    const message = said || `${this.where(call)} failed with HTTP ${response.status}`;
    // A 401 whose body says AUTH is the control plane's own answer (e.g. registry credentials it lacks), not a refused login.
    if (kind === 'AUTH' && body.code !== 'AUTH') {
      const who = this.options.username ? ` for user "${this.options.username}"` : ' (no credentials given)';
      return new FacetsError('AUTH', `the control plane at ${this.baseUrl} refused the credentials${who}: ${message}`, LOGIN_HINT, details);
    }
    if (response.status === 429) {
      const after = response.headers['retry-after'];
      return new FacetsError('UNREACHABLE', `the control plane at ${this.baseUrl} is rate limiting requests${after ? ` (retry after ${after})` : ''}: ${message}`, 'wait and retry', details);
    }
    const hint = typeof body.hint === 'string' ? body.hint : undefined;
    return new FacetsError(kind, message, hint, details);
  }
}

function statusOf(response: AxiosResponse): string {
  return statusLine(response.status, response.statusText || STATUS_CODES[response.status]);
}

/** A non-JSON error body (a proxy's HTML page, plain text) as one short line; '' when there is none. */
function textOf(data: unknown): string {
  if (typeof data !== 'string') return '';
  const text = data.slice(0, 4000).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
