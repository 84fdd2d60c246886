// HTTP to a control plane: Basic auth, timeouts, retries of idempotent calls (backoff + jitter,
// Retry-After on 429/5xx/connection resets), and every failure as a FacetsError.
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { FacetsError, type ErrorKind } from '../core/errors';

export interface HttpTransportOptions {
  /** Base URL of the control plane, e.g. http://127.0.0.1:8080 (paths are absolute: /cc-ui/v1/...). */
  baseUrl: string;
  username?: string;
  token?: string;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  /** Extra attempts for idempotent calls (default 3). */
  retries?: number;
  /** First backoff step (default 250 ms), doubled each attempt, capped at maxDelayMs (default 4 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A longer Retry-After than this is not waited for: the call fails (default 30 s). */
  maxRetryAfterMs?: number;
  userAgent?: string;
  /** Extra request headers (e.g. Prefer: return=minimal to get Facets' bodyless answers from serve). */
  headers?: Record<string, string>;
}

export interface HttpCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Safe to repeat: retried on 429/5xx/resets. Default: GET only. */
  idempotent?: boolean;
}

export interface HttpResult<T> {
  status: number;
  data: T;
  headers: Record<string, string>;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED_BY_PEER']);
const KINDS: readonly ErrorKind[] = ['USAGE', 'AUTH', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'POLICY', 'REGISTRY', 'ENGINE', 'UNREACHABLE', 'CANCELLED', 'INTERNAL'];
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
    for (let attempt = 1; ; attempt++) {
      let response: AxiosResponse;
      try {
        response = await this.http.request({
          method: call.method,
          url: call.path,
          params: call.query ? Object.fromEntries(Object.entries(call.query).filter(([, v]) => v !== undefined)) : undefined,
          data: call.body,
          // axios labels an empty POST as a form; an empty body has no content type.
          headers: call.body === undefined ? { 'content-type': false } : undefined,
        });
      } catch (e) {
        const code = (e as { code?: string }).code ?? '';
        if (attempt < attempts && RETRYABLE_CODES.has(code)) {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw this.networkError(call, e as Error & { code?: string });
      }
      if (response.status < 400) return { status: response.status, data: response.data as T, headers: response.headers as Record<string, string> };
      const wait = retryAfterMs(response.headers['retry-after'] as string | undefined);
      const waitable = wait === null || wait <= (this.options.maxRetryAfterMs ?? 30_000);
      if (attempt < attempts && RETRYABLE_STATUS.has(response.status) && waitable) {
        await sleep(wait ?? this.backoff(attempt));
        continue;
      }
      throw this.statusError(call, response);
    }
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

  private statusError(call: HttpCall, response: AxiosResponse): FacetsError {
    const body = (response.data && typeof response.data === 'object' ? response.data : {}) as { code?: unknown; message?: unknown; hint?: unknown };
    const kind = kindFor(response.status, body.code);
    const details = { status: response.status, code: body.code, url: this.baseUrl, path: call.path };
    const message = typeof body.message === 'string' && body.message ? body.message : `${this.where(call)} failed with HTTP ${response.status}`;
    if (kind === 'AUTH') {
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
