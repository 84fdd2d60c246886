// HTTP Basic auth with personal access tokens: the store keeps only a sha256 of each token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Identity } from '../types';
import type { ApiToken, Store } from '../store/store';

export interface TokenStore {
  createApiToken(username: string, name: string, tokenHash: string): Promise<ApiToken>;
  findApiTokens(username: string): Promise<ApiToken[]>;
  countApiTokens(): Promise<number>;
}

export const ADMIN_USERNAME = 'admin';
const TOKEN_PREFIX = 'fct_';

export const generateToken = (): string => TOKEN_PREFIX + randomBytes(32).toString('base64url');

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Creates a token and returns it in clear: the only time it is ever seen. */
export async function createToken(store: TokenStore, username: string, name: string): Promise<string> {
  const token = generateToken();
  await store.createApiToken(username, name, hashToken(token));
  return token;
}

/**
 * On a store without any token, creates the admin's first token and returns it (once); else undefined. Of several
 * instances starting together on one empty database, the one whose claim is stored mints it.
 */
export async function bootstrapAdminToken(store: TokenStore & Pick<Store, 'claim'>, at: string): Promise<string | undefined> {
  if ((await store.countApiTokens()) > 0 || !(await store.claim('initial admin token', at))) return undefined;
  return createToken(store, ADMIN_USERNAME, 'initial admin token');
}

export type BasicAuthResult = { ok: true; identity: Identity } | { ok: false; message: string };

export function parseBasicAuth(header: string | undefined): { username: string; token: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), token: decoded.slice(colon + 1) };
}

export async function authenticate(store: TokenStore, header: string | undefined): Promise<BasicAuthResult> {
  if (!header) return { ok: false, message: 'authentication required: send HTTP Basic credentials (username and personal access token)' };
  const credentials = parseBasicAuth(header);
  if (!credentials) return { ok: false, message: 'malformed Authorization header: expected HTTP Basic with username:token' };
  const presented = Buffer.from(hashToken(credentials.token), 'hex');
  const tokens = await store.findApiTokens(credentials.username);
  const valid = tokens.some((t) => {
    const stored = Buffer.from(t.tokenHash, 'hex');
    return stored.length === presented.length && timingSafeEqual(stored, presented);
  });
  if (!valid) return { ok: false, message: `invalid username or token for "${credentials.username}"` };
  return { ok: true, identity: { username: credentials.username, name: credentials.username } };
}
