// --debug output must never carry a token or a password.
const SECRET_KEYS = /("(?:token|password|identityToken|secret|authorization)"\s*:\s*)"[^"]*"/gi;
const AUTH_HEADER = /\b(Basic|Bearer)\s+[A-Za-z0-9+/=._-]+/g;
const URL_USERINFO = /(\w+:\/\/)[^/@\s:]+:[^/@\s]+@/g;

export function redact(text: string, secrets: string[] = []): string {
  let out = text.replace(SECRET_KEYS, '$1"***"').replace(AUTH_HEADER, '$1 ***').replace(URL_USERINFO, '$1***@');
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}
