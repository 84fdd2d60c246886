// Registry credentials as the engine takes them: an auth-config object that travels base64url-JSON encoded
// in the X-Registry-Auth header, never in a URL or argv.
import type { AuthConfig } from 'dockerode';

/** Same shape as the registry client's auth, so one lookup serves both. */
export interface EngineRegistryAuth {
  username?: string;
  password?: string;
  /** An OAuth refresh token (docker config `identitytoken`, credential helper user `<token>`). */
  identityToken?: string;
}

export function engineAuthConfig(serverAddress: string, auth: EngineRegistryAuth | null | undefined): AuthConfig | undefined {
  if (!auth) return undefined;
  if (auth.identityToken) return { identitytoken: auth.identityToken, serveraddress: serverAddress };
  if (auth.username === undefined && auth.password === undefined) return undefined;
  return { username: auth.username ?? '', password: auth.password ?? '', serveraddress: serverAddress };
}

/** The X-Registry-Auth header value: base64url of the JSON auth config, padded (Go's base64.URLEncoding needs the '='). */
export function encodeRegistryAuthHeader(config: AuthConfig): string {
  return Buffer.from(JSON.stringify(config)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}
