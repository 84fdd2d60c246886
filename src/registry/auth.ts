// The registry auth challenge: anonymous, Basic, or a Bearer token from the realm, cached per scope.
import { networkFailure, unauthorized, unexpectedStatus } from './errors';
import type { Transport } from './transport';

export interface RegistryAuth {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (docker's `identitytoken`), used instead of username/password for Bearer. */
  identityToken?: string;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** `Bearer realm="…",service="…",scope="…"` -> {scheme: 'bearer', params}; undefined when absent. */
export function parseChallenge(header: string | string[] | undefined): Challenge | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (!text) return undefined;
  const space = text.indexOf(' ');
  const scheme = (space < 0 ? text : text.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const match of text.slice(space + 1).matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    params[match[1].toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3];
  }
  return { scheme, params };
}

/** The registry's challenge from GET /v2/: none (200, anonymous) or the WWW-Authenticate of its 401. */
export async function pingChallenge(transport: Transport): Promise<Challenge | undefined> {
  const response = await transport.ping();
  if (response.status === 200) return undefined;
  if (response.status === 401) return parseChallenge(response.headers['www-authenticate']);
  throw unexpectedStatus(transport.host, 'GET /v2/', response.status, response.body, response.attempts);
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

export class Authenticator {
  private readonly tokens = new Map<string, CachedToken>();

  constructor(
    private readonly transport: Transport,
    private readonly credentials: RegistryAuth | undefined,
  ) {}

  get hasCredentials(): boolean {
    return Boolean(this.credentials?.identityToken || this.credentials?.username || this.credentials?.password);
  }

  private basic(): string | undefined {
    const { username, password } = this.credentials ?? {};
    if (username === undefined && password === undefined) return undefined;
    return `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64')}`;
  }

  /** The Authorization header for `scope` under `challenge`; undefined = go anonymous. */
  async authorization(challenge: Challenge | undefined, scope: string | undefined): Promise<string | undefined> {
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') return this.basic();
    if (challenge.scheme !== 'bearer') return undefined;
    const key = scope ?? '';
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return `Bearer ${cached.value}`;
    const token = await this.fetchToken(challenge, scope);
    this.tokens.set(key, token);
    return `Bearer ${token.value}`;
  }

  /** Forget a token the registry refused, so the next call asks the realm again. */
  forget(scope: string | undefined): void {
    this.tokens.delete(scope ?? '');
  }

  private async fetchToken(challenge: Challenge, scope: string | undefined): Promise<CachedToken> {
    const { realm, service } = challenge.params;
    const host = this.transport.host;
    if (!realm) throw unexpectedStatus(host, 'the auth challenge (Bearer without realm)', 401, undefined, 1);
    const url = new URL(realm);
    let response;
    try {
      if (this.credentials?.identityToken) {
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.credentials.identityToken, client_id: 'facetsctl' });
        if (service) form.set('service', service);
        if (scope) form.set('scope', scope);
        response = await this.transport.send({ method: 'POST', url: url.toString(), data: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      } else {
        if (service) url.searchParams.set('service', service);
        if (scope) url.searchParams.set('scope', scope);
        if (this.credentials?.username) url.searchParams.set('account', this.credentials.username);
        const basic = this.basic();
        response = await this.transport.send({ method: 'GET', url: url.toString(), headers: basic ? { authorization: basic } : {} });
      }
    } catch (error) {
      if ((error as { details?: { reason?: string } }).details?.reason === 'TIMEOUT') throw error;
      const cause = (error as { details?: { code?: string } }).details?.code;
      throw networkFailure(`${host} (token server ${url.host})`, { code: cause, message: (error as Error).message }, this.transport.timeoutMs);
    }
    if (response.status === 401 || response.status === 403) throw unauthorized(host, this.hasCredentials);
    if (response.status !== 200) throw unexpectedStatus(host, `a token request to ${url.host}`, response.status, response.body, response.attempts);
    const answer = JSON.parse(response.body.toString('utf8')) as { token?: string; access_token?: string; expires_in?: number };
    const value = answer.token ?? answer.access_token;
    if (!value) throw unexpectedStatus(host, `a token request to ${url.host} (no token in the answer)`, response.status, undefined, 1);
    // Refresh a little early so a token never expires between the cache check and the registry's check.
    const lifetimeMs = Math.max(10, answer.expires_in ?? 60) * 1000;
    return { value, expiresAt: Date.now() + lifetimeMs - 5000 };
  }
}
