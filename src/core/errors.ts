// One error type for every layer; `kind` picks the exit code (CLI) and the HTTP status (serve).

export type ErrorKind =
  | 'USAGE' // bad flags or bad input: the user can fix the command
  | 'AUTH' // missing or invalid credentials
  | 'FORBIDDEN' // authenticated but not allowed
  | 'NOT_FOUND'
  | 'CONFLICT' // e.g. registration type change without reset
  | 'POLICY' // image version policy or --require-route refused it
  | 'REGISTRY' // container registry refused, failed or lacks the image
  | 'ENGINE' // Docker engine unreachable, image missing locally, push stream error
  | 'UNREACHABLE' // control plane could not be reached
  | 'CANCELLED' // the user said no at a prompt
  | 'NOT_OFFERED' // the control plane lacks what this needs (a Facets control plane without facetsctl's extensions)
  | 'INTERNAL';

/** The one exit-code table (README "Exit codes"). Never 0 on failure. */
export const EXIT_CODES: Record<ErrorKind, number> = {
  INTERNAL: 1,
  USAGE: 2,
  AUTH: 3,
  FORBIDDEN: 3,
  NOT_FOUND: 4,
  CONFLICT: 5,
  POLICY: 6,
  REGISTRY: 7,
  ENGINE: 8,
  UNREACHABLE: 9,
  CANCELLED: 10,
  NOT_OFFERED: 11,
};

export const HTTP_STATUS: Record<ErrorKind, number> = {
  USAGE: 400,
  AUTH: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  POLICY: 422,
  REGISTRY: 502,
  ENGINE: 502,
  UNREACHABLE: 503,
  CANCELLED: 400,
  NOT_OFFERED: 501,
  INTERNAL: 500,
};

/** `{code, message}` on the wire; `code` is the kind. */
export class FacetsError extends Error {
  override readonly name = 'FacetsError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** What the user should do next, e.g. "run `facetsctl login`". */
    readonly hint?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
  get status(): number {
    return HTTP_STATUS[this.kind];
  }
}

export const usage = (message: string, hint?: string, details?: Record<string, unknown>) => new FacetsError('USAGE', message, hint, details);
export const notFound = (message: string, hint?: string, details?: Record<string, unknown>) => new FacetsError('NOT_FOUND', message, hint, details);
export const conflict = (message: string, hint?: string, details?: Record<string, unknown>) => new FacetsError('CONFLICT', message, hint, details);
export const policy = (message: string, hint?: string, details?: Record<string, unknown>) => new FacetsError('POLICY', message, hint, details);

export function kindForStatus(status: number): ErrorKind {
  if (status === 400 || status === 422) return status === 422 ? 'POLICY' : 'USAGE';
  if (status === 401) return 'AUTH';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 502) return 'REGISTRY';
  if (status === 503) return 'UNREACHABLE';
  if (status === 501) return 'NOT_OFFERED';
  return 'INTERNAL';
}

/** NOT_FOUND for a name the project lacks, listing the ones it has (what `--environment nosuch` gets everywhere). */
export function unknownName(what: 'environment' | 'release stream', name: string, project: string, known: string[]): FacetsError {
  const [key, flag] = what === 'environment' ? ['environment', '--environment'] : ['releaseStream', '--release-stream'];
  const hint = `pass ${flag} with one of the known ${what}s`;
  return notFound(`${what} "${name}" does not exist in project ${project} (known: ${known.length > 0 ? known.join(', ') : 'none'})`, hint, { [key]: name, known });
}
