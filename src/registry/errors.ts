// Registry failures as FacetsError('REGISTRY'), each saying what went wrong with which registry and what to do.
import { FacetsError } from '../core/errors';
import { formatDuration } from '../core/request-log';

export type RegistryFailure = 'UNAUTHORIZED' | 'DENIED' | 'MANIFEST_UNKNOWN' | 'NAME_UNKNOWN' | 'UNREACHABLE' | 'TIMEOUT' | 'TLS' | 'UNAVAILABLE' | 'UNEXPECTED';

function registryError(reason: RegistryFailure, message: string, hint: string, details: Record<string, unknown>): FacetsError {
  return new FacetsError('REGISTRY', message, hint, { reason, ...details });
}

export function unauthorized(host: string, hadCredentials: boolean): FacetsError {
  const what = hadCredentials ? 'refused the credentials' : 'requires credentials';
  return registryError(
    'UNAUTHORIZED',
    `registry ${host} ${what} (unauthorized): check the credentials for ${host} (docker login / registry credentials)`,
    `run \`docker login ${host}\` or set the registry's push credentials, then try again`,
    { host, status: 401 },
  );
}

export function denied(host: string, what: string): FacetsError {
  return registryError('DENIED', `registry ${host} denied access to ${what} (forbidden)`, `ask for pull access to ${what} on ${host}`, { host, status: 403 });
}

/** The registry refused a push to `repository` (403, or a token without push access), with its reason (`forbidden`, its own words). */
export function pushDenied(host: string, repository: string, hadCredentials: boolean, reason: string): FacetsError {
  return registryError(
    'DENIED',
    `registry ${host} denied pushing to ${repository} (${reason})`,
    hadCredentials ? `ask for push access to ${repository} on ${host}, or push to a repository you may write to` : `log in first (\`docker login ${host}\` or the registry's push credentials), then try again`,
    { host, repository, status: 403 },
  );
}

export function manifestUnknown(image: string, host: string): FacetsError {
  return registryError(
    'MANIFEST_UNKNOWN',
    `image ${image} is not in the registry; push it first (facetsctl push) or check the tag`,
    'push the image first (`facetsctl push`) or check the tag',
    { host, image, status: 404 },
  );
}

export function nameUnknown(repository: string, host: string): FacetsError {
  return registryError(
    'NAME_UNKNOWN',
    `repository ${host}/${repository} is not in the registry`,
    'push an image to it first (`facetsctl push`) or check the repository name',
    { host, repository, status: 404 },
  );
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ECONNABORTED: 'timed out',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

/** A request (retries included) that did not finish in time, however slowly the registry kept sending. */
export function deadlinePassed(host: string, operation: string, deadlineMs: number, waitedMs: number, attempts: number): FacetsError {
  const tries = attempts > 1 ? ` over ${attempts} attempts` : '';
  return registryError(
    'TIMEOUT',
    `registry ${host} did not finish ${operation} within the ${formatDuration(deadlineMs)} request deadline (waited ${formatDuration(waitedMs)}${tries})`,
    'check that the registry is up and answering normally; if it is only slow, allow more with --timeout SECONDS (or FACETS_HTTP_TIMEOUT)',
    { host, operation, deadlineMs, waitedMs },
  );
}

/** Errors without an HTTP answer: refused, reset, timeout, untrusted certificate. */
export function networkFailure(host: string, error: { code?: string; message?: string }, timeoutMs: number): FacetsError {
  const code = error.code ?? '';
  if (TLS_CODES.has(code)) {
    return registryError(
      'TLS',
      `cannot reach registry ${host}: TLS failed (${code === 'EPROTO' ? 'not a TLS server or bad handshake' : code})`,
      `give the registry's CA certificate (caFile); for a loopback test registry, insecure is allowed`,
      { host, code },
    );
  }
  const reason = code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? `timed out after ${timeoutMs} ms` : (NETWORK_REASONS[code] ?? error.message ?? 'network error');
  return registryError('UNREACHABLE', `cannot reach registry ${host}: ${reason}`, `check that the registry is running and that ${host} is the right host and port`, { host, code });
}

/** The first `{errors:[{code,message}]}` entry of a registry error body, when there is one. */
export function errorBodyCode(body: Buffer | undefined): { code?: string; message?: string } {
  if (!body || body.length === 0) return {};
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: string; message?: string }> };
    return parsed.errors?.[0] ?? {};
  } catch {
    return {};
  }
}

export function unexpectedStatus(host: string, what: string, status: number, body: Buffer | undefined, attempts: number): FacetsError {
  const { code, message } = errorBodyCode(body);
  const said = code ? ` (${code}${message ? `: ${message}` : ''})` : '';
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  const reason: RegistryFailure = status >= 500 || status === 429 || status === 408 ? 'UNAVAILABLE' : 'UNEXPECTED';
  return registryError(reason, `registry ${host} answered ${status} to ${what}${said}${tries}`, 'try again later, or check the registry', { host, status, code });
}

/** A 2xx answer whose body is not what the distribution API promises (e.g. a manifest that is not JSON). */
export function malformedAnswer(host: string, what: string, problem: string): FacetsError {
  return registryError('UNEXPECTED', `registry ${host} answered ${what} with ${problem}`, 'check the registry, or push the image again', { host });
}
