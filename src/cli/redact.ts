// --debug output and error lines must never carry a token or a password.
// Every pattern is linear in the text: no quantified part can match what the part after it needs, so a failed
// attempt gives back at most the run it scanned (a megabyte of input is a few milliseconds, not minutes).
const SECRET_KEY_NAMES = 'token|password|identityToken|secret|authorization';
const SECRET_KEYS = new RegExp(`("(?:${SECRET_KEY_NAMES})"\\s*:\\s*)"[^"]*"`, 'gi');
const SECRET_KEY = new RegExp(`^(?:${SECRET_KEY_NAMES})$`, 'i');
const AUTH_HEADER = /\b(Basic|Bearer)\s+[A-Za-z0-9+/=._-]+/g;
// Starts only right after `scheme://` (the look-behind), never at every letter of a long word as `\w+://` did.
const URL_USERINFO = /(?<=\w:\/\/)[^/@\s:]+:[^/@\s]+@/g;

export function redact(text: string, secrets: string[] = []): string {
  let out = text.replace(SECRET_KEYS, '$1"***"').replace(AUTH_HEADER, '$1 ***').replace(URL_USERINFO, '***@');
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}

/** A structured value (e.g. an error's details) with every string redacted and the value of every secret key hidden. */
export function redactValue(value: unknown, secrets: string[] = []): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '***' : redactValue(v, secrets)]));
}
