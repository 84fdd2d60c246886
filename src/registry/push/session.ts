// Requests of one push to one repository: the registry's auth challenge and token (push scope), streamed bodies.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { Readable } from 'node:stream';
import { Authenticator, type Challenge, parseChallenge, pingChallenge } from '../auth';
import type { RegistryOptions } from '../client';
import { pushDenied, unauthorized } from '../errors';
import { isLoopbackHost } from '../host';
import { Transport } from '../transport';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  url: string;
}

export interface SessionRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path (`/v2/…`) or an absolute URL (an upload's Location). */
  url: string;
  headers?: Record<string, string>;
  /** A fresh body per call: a retried or re-authorised request sends it anew. */
  body?: () => Buffer | Readable;
}

/** A failure without an HTTP answer (reset, refused, timeout), carried with its code for the retry decision. */
export class NetworkError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export class PushSession {
  readonly transport: Transport;
  readonly repository: string;
  private readonly authenticator: Authenticator;
  private readonly scope: string;
  private readonly agent: http.Agent;
  private readonly httpAgent: http.Agent;
  private challenge: Promise<Challenge | undefined> | undefined;

  constructor(readonly options: RegistryOptions, repository: string, mountFrom: string[] = []) {
    this.transport = new Transport(options);
    this.authenticator = new Authenticator(this.transport, options.auth);
    this.repository = repository;
    // One token covers the target and the repositories blobs may be mounted from (the realm grants what it allows).
    this.scope = [`repository:${repository}:pull,push`, ...mountFrom.map((r) => `repository:${r}:pull`)].join(' ');
    const loopback = isLoopbackHost(options.host);
    const ca = options.caFile ? [...tls.rootCertificates, fs.readFileSync(options.caFile, 'utf8')] : undefined;
    this.agent = new https.Agent({ keepAlive: true, ca, rejectUnauthorized: !(loopback && !options.caFile) });
    this.httpAgent = new http.Agent({ keepAlive: true });
  }

  get hasCredentials(): boolean {
    return this.authenticator.hasCredentials;
  }

  get host(): string {
    return this.transport.host;
  }

  /** Settles the origin, the auth challenge and the push token before the first request that needs them. */
  async prepare(): Promise<void> {
    await this.authenticator.authorization(await this.authChallenge(), this.scope);
  }

  /** One request with the Authorization the registry asks for; a refused token is fetched again once. */
  async send(request: SessionRequest): Promise<Answer> {
    let challenge = await this.authChallenge();
    for (let attempt = 1; ; attempt++) {
      const authorization = await this.authenticator.authorization(challenge, this.scope);
      const answer = await this.raw(request, authorization);
      if (answer.status !== 401) return answer;
      if (attempt > 1 || challenge?.scheme === 'basic' || !challenge) {
        // A token without push access is refused, not unknown: say so, as the engine does.
        if (/error="insufficient_scope"/.test(String(answer.headers['www-authenticate']))) {
          throw pushDenied(this.host, this.repository, this.hasCredentials, 'insufficient_scope: the token grants no push access');
        }
        throw unauthorized(this.host, this.hasCredentials);
      }
      this.authenticator.forget(this.scope);
      challenge = parseChallenge(answer.headers['www-authenticate']) ?? challenge;
    }
  }

  close(): void {
    this.agent.destroy();
    this.httpAgent.destroy();
  }

  private authChallenge(): Promise<Challenge | undefined> {
    this.challenge ??= pingChallenge(this.transport);
    this.challenge.catch(() => (this.challenge = undefined));
    return this.challenge;
  }

  private async raw(request: SessionRequest, authorization: string | undefined): Promise<Answer> {
    const url = new URL(request.url, await this.transport.origin());
    const headers: Record<string, string> = { ...request.headers };
    if (authorization) headers.authorization = authorization;
    const body = request.body?.();
    if (Buffer.isBuffer(body)) headers['content-length'] = String(body.length);
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<Answer>((resolve, reject) => {
      const fail = (error: NodeJS.ErrnoException) => {
        if (body && !Buffer.isBuffer(body)) body.destroy();
        reject(new NetworkError(error.code ?? 'ECONNRESET', error.message));
      };
      const req = client.request(url, { method: request.method, headers, agent: url.protocol === 'https:' ? this.agent : this.httpAgent, timeout: this.transport.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url: url.toString() }));
        res.on('error', fail);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${this.transport.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', fail);
      if (body === undefined || Buffer.isBuffer(body)) req.end(body);
      else {
        body.on('error', (error) => req.destroy(error));
        body.pipe(req);
      }
    });
  }
}
