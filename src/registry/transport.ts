// HTTP to one registry: picks https/http once, applies TLS options, and retries what is safe to repeat.
import axios, { AxiosInstance, AxiosResponse, Method } from 'axios';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { FacetsError, usage } from '../core/errors';
import { attemptLine, DEFAULT_REQUEST_DEADLINE_MS, formatDuration, statusLine, stopReason, type AttemptOutcome } from '../core/request-log';
import { deadlinePassed, networkFailure } from './errors';
import { apiHost, isLoopbackHost } from './host';

export interface TransportOptions {
  host: string;
  insecure?: boolean;
  caFile?: string;
  /** Silence allowed within one attempt (default 30 s). */
  timeoutMs?: number;
  /** Total time of one metadata request, retries and their waits included (default 60 s). */
  deadlineMs?: number;
  /** Receives one line per attempt (method, URL, status, duration, retry decision); secrets are the receiver's to redact. */
  debug?: (line: string) => void;
  /** Extra attempts for 408/429/5xx and dropped connections; default 3. */
  retries?: number;
  /** First backoff step; doubles each attempt, with jitter. Default 250 ms. */
  retryDelayMs?: number;
}

export interface RegistryRequest {
  method: Method;
  /** A path on the registry (`/v2/...`) or an absolute URL (paging links, token realms). */
  url: string;
  headers?: Record<string, string>;
  data?: string;
}

export interface RegistryResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** How many attempts it took, for error messages. */
  attempts: number;
  url: string;
}

/** Answers worth another attempt, for metadata requests here and for push steps (push/retry.ts). */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);
const RETRY_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_BAD_RESPONSE']);
/** A Retry-After longer than this is waited for this long at most. */
export const MAX_RETRY_AFTER_MS = 30_000;
// A plain-HTTP server answering a TLS hello: fall back to http for loopback registries, as the engine does.
const NOT_TLS_CODES = new Set(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ECONNRESET']);

/** How long a loopback registry's plain-HTTP answer is waited for before TLS is tried. */
const PLAIN_FIRST_MS = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function backoffMs(attempt: number, baseMs: number): number {
  const step = baseMs * 2 ** attempt;
  return Math.round(step / 2 + Math.random() * (step / 2));
}

export class Transport {
  readonly host: string;
  private readonly http: AxiosInstance;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  private baseUrl: Promise<string> | undefined;
  /** The GET /v2/ answer picking the origin got on the way (200 or 401: a challenge), handed once to the client. */
  private pingAnswer: RegistryResponse | undefined;

  constructor(private readonly options: TransportOptions) {
    this.host = options.host;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS;
    this.retries = options.retries ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 250;
    const loopback = isLoopbackHost(options.host);
    const ca = options.caFile ? [...rootCertificates, readCa(options.caFile)] : undefined;
    this.http = axios.create({
      timeout: this.timeoutMs,
      responseType: 'arraybuffer',
      validateStatus: () => true,
      maxRedirects: 5,
      // Loopback registries never go through an HTTP(S)_PROXY from the environment.
      proxy: loopback ? false : undefined,
      httpAgent: new http.Agent({ keepAlive: true }),
      httpsAgent: new https.Agent({ keepAlive: true, ca, rejectUnauthorized: !(loopback && !options.caFile) }),
      transitional: { clarifyTimeoutError: false },
    });
  }

  /** `https://host` or, for loopback registries that do not speak TLS, `http://host`; decided once. */
  origin(): Promise<string> {
    this.baseUrl ??= this.pickOrigin();
    return this.baseUrl;
  }

  private async pickOrigin(): Promise<string> {
    const { host, insecure, caFile } = this.options;
    if (insecure && !isLoopbackHost(host)) {
      throw usage(
        `insecure connections are allowed only to loopback registries (localhost, 127.0.0.0/8, ::1), not ${host}`,
        `give ${host}'s CA certificate (caFile) instead, or drop insecure`,
        { host },
      );
    }
    const secure = `https://${apiHost(host)}`;
    if (caFile || !isLoopbackHost(host)) return secure;
    const timeout = Math.min(this.timeoutMs, 5000);
    const started = Date.now();
    // One deadline for the whole choice: a port that trickles bytes must not hold it.
    const signal = AbortSignal.timeout(this.deadlineMs);
    const probe = (url: string) => {
      const sent = Date.now();
      const log = (result: string) => this.options.debug?.(attemptLine({ peer: 'registry', method: 'GET', url, result, ms: Date.now() - sent, attempt: 1, attempts: 1 }));
      return this.http.request<ArrayBuffer>({ method: 'GET', url, timeout, signal }).then(
        (r) => (log(statusLine(r.status, r.statusText)), r),
        (error: { code?: string }) => {
          log(axios.isCancel(error) ? 'no complete answer' : String(error.code));
          throw axios.isCancel(error) ? deadlinePassed(host, 'GET /v2/', this.deadlineMs, Date.now() - started, 1) : error;
        },
      );
    };
    const plain = `http://${host}`;
    // Plain HTTP is asked first: a port that answers it as a registry does not speak TLS, and that answer is the first
    // GET /v2/. Anything else (an HTTPS port's 400, a reset, no answer within PLAIN_FIRST_MS) and TLS decides, as before.
    const plainAnswer = probe(`${plain}/v2/`).catch((error: unknown) => {
      if (error instanceof FacetsError) throw error;
      return undefined;
    });
    // Marked handled: when TLS decides first, a late deadline on the plain probe must not be an unhandled rejection.
    plainAnswer.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const early = await Promise.race([plainAnswer, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), PLAIN_FIRST_MS)))]);
    clearTimeout(timer);
    if (early && isRegistryAnswer(early)) {
      this.keepPingAnswer(early, `${plain}/v2/`);
      return plain;
    }
    try {
      this.keepPingAnswer(await probe(`${secure}/v2/`), `${secure}/v2/`);
      return secure;
    } catch (error) {
      if (error instanceof FacetsError) throw error;
      if (!NOT_TLS_CODES.has(String((error as { code?: string }).code))) throw networkFailure(host, error as { code?: string }, this.timeoutMs);
      const answer = await plainAnswer;
      if (answer) this.keepPingAnswer(answer, `${plain}/v2/`);
      return plain;
    }
  }

  private keepPingAnswer(response: AxiosResponse<ArrayBuffer>, url: string): void {
    if (response.status !== 200 && response.status !== 401) return;
    this.pingAnswer = { status: response.status, headers: response.headers as RegistryResponse['headers'], body: Buffer.from(response.data ?? []), attempts: 1, url };
  }

  /** GET /v2/ as `send` would answer it, without a request when picking the origin already asked (once). */
  async ping(): Promise<RegistryResponse> {
    await this.origin();
    const kept = this.pingAnswer;
    this.pingAnswer = undefined;
    return kept ?? this.send({ method: 'GET', url: '/v2/' });
  }

  /** One request, retried on 408/429/5xx and dropped connections with backoff, honouring Retry-After, within the deadline. */
  async send(request: RegistryRequest, options: { retry: boolean } = { retry: true }): Promise<RegistryResponse> {
    const started = Date.now();
    const operation = `${request.method} ${request.url.split('?')[0]}`;
    const url = /^https?:\/\//.test(request.url) ? request.url : `${await this.origin()}${request.url}`;
    const maxAttempts = options.retry ? this.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      const sent = Date.now();
      const log = (result: string, next?: AttemptOutcome['next']) =>
        this.options.debug?.(attemptLine({ peer: 'registry', method: request.method, url, result, ms: Date.now() - sent, attempt, attempts: maxAttempts, next }));
      let failed: { result: string; retryable: boolean; wait?: number; answer?: RegistryResponse; failure?: FacetsError };
      try {
        const response = await this.http.request<ArrayBuffer>({
          method: request.method,
          url,
          headers: request.headers,
          data: request.data,
          // The per-attempt timeout only counts silence; this bounds the whole request.
          signal: AbortSignal.timeout(Math.max(1, this.deadlineMs - (sent - started))),
        });
        const headers = response.headers as Record<string, string | string[] | undefined>;
        const answer = { status: response.status, headers, body: Buffer.from(response.data ?? []), attempts: attempt, url };
        const result = statusLine(response.status, response.statusText);
        if (!RETRY_STATUSES.has(response.status)) {
          log(result);
          return answer;
        }
        const hinted = retryAfterMs(headers['retry-after']);
        failed = { result, retryable: true, wait: hinted !== undefined ? Math.min(hinted, MAX_RETRY_AFTER_MS) : undefined, answer };
      } catch (error) {
        if (axios.isCancel(error)) {
          log('no complete answer', { stop: `the request deadline of ${formatDuration(this.deadlineMs)} passed` });
          throw deadlinePassed(this.host, operation, this.deadlineMs, Date.now() - started, attempt);
        }
        if (error instanceof FacetsError) throw error;
        const code = String((error as { code?: string }).code);
        failed = { result: code, retryable: RETRY_CODES.has(code), failure: networkFailure(this.host, error as { code?: string }, this.timeoutMs) };
      }
      const waitMs = failed.wait ?? backoffMs(attempt - 1, this.retryDelayMs);
      const stop = stopReason({ attempt, attempts: maxAttempts, waitMs, remainingMs: this.deadlineMs - (Date.now() - started), idempotent: options.retry });
      log(failed.result, failed.retryable ? (stop ? { stop } : { retryInMs: waitMs }) : undefined);
      if (!failed.retryable || stop) {
        // Out of attempts on a 5xx/429: the caller turns the answer into its own error, naming the attempts.
        if (failed.answer) return failed.answer;
        throw failed.failure;
      }
      await sleep(waitMs);
    }
  }
}

/** A Distribution API answer to GET /v2/ (200, or 401 with a challenge), as registries mark it. */
function isRegistryAnswer(response: AxiosResponse<ArrayBuffer>): boolean {
  const version = (response.headers as Record<string, unknown>)['docker-distribution-api-version'];
  return (response.status === 200 || response.status === 401) && typeof version === 'string' && version.startsWith('registry/2.');
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw usage(`cannot read the registry CA file ${file}: ${(error as Error).message}`, 'give the path of a PEM certificate file');
  }
}
