// Turns any failure into the documented output and exit code (never 0).
import { EXIT_CODES, FacetsError } from '../core/errors';
import { annotateError, type Env } from './ci-output';
import type { IOStreams } from './io';
import { clipValues, oneLine } from './display';
import { redact, redactValue } from './redact';

export interface ErrorDocument {
  error: { code: string; message: string; hint?: string; details?: Record<string, unknown> };
}

interface CommanderLike {
  code: string;
  exitCode: number;
  message: string;
}

function isCommanderError(e: unknown): e is CommanderLike {
  return typeof e === 'object' && e !== null && (e as { name?: string }).name === 'CommanderError';
}

/** Commander's own errors (unknown option, missing argument...) are usage errors. */
export function fromCommander(e: CommanderLike, commandPath: string): FacetsError {
  // Commander puts its suggestion ("(Did you mean …?)") on a line of its own: the error stays one line.
  const message = e.message.replace(/^error:\s*/i, '').trim().split(/\s*\n\s*/).join(' ');
  return new FacetsError('USAGE', message, `run \`${commandPath} --help\` for usage`, { commanderCode: e.code });
}

export function toFacetsError(e: unknown): FacetsError | null {
  if (e instanceof FacetsError) return e;
  // Errors from other copies of the module (jest, dist vs src) still carry kind + message.
  if (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'FacetsError') {
    const f = e as FacetsError;
    return new FacetsError(f.kind, f.message, f.hint, f.details);
  }
  return null;
}

/** `env` (optional) turns on the CI provider's error annotation (GitHub Actions: `::error::` on stderr). */
export function reportError(e: unknown, io: IOStreams, options: { debug: boolean; commandPath: string; secrets?: string[]; env?: Env }): number {
  io.stopProgress();
  const facets = isCommanderError(e) ? fromCommander(e, options.commandPath) : toFacetsError(e);
  const secrets = options.secrets ?? [];
  if (!facets) {
    const err = e instanceof Error ? e : new Error(String(e));
    const message = clipValues(`unexpected error: ${redact(err.message, secrets)}`);
    const hint = options.debug ? undefined : 'run again with --debug for details, and report it if it persists';
    writeError(io, { code: 'INTERNAL', message, hint });
    annotateError(options.env ?? {}, io.err, `${options.commandPath} failed`, oneLine(message), hint);
    if (options.debug && err.stack) writeStack(io, redact(err.stack, secrets));
    return EXIT_CODES.INTERNAL;
  }
  const doc = {
    code: facets.kind,
    message: clipValues(redact(facets.message, secrets)),
    hint: facets.hint ? clipValues(redact(facets.hint, secrets)) : undefined,
    // --json details keep the whole value a script may need (e.g. the reference it passed), secrets redacted.
    details: facets.details ? (redactValue(facets.details, secrets) as Record<string, unknown>) : undefined,
  };
  writeError(io, doc);
  annotateError(options.env ?? {}, io.err, `${options.commandPath} failed`, oneLine(doc.message), doc.hint && oneLine(doc.hint));
  if (options.debug && facets.stack) writeStack(io, redact(facets.stack, secrets));
  return EXIT_CODES[facets.kind] ?? EXIT_CODES.INTERNAL;
}

function writeError(io: IOStreams, error: ErrorDocument['error']): void {
  // With --jq stdout carries only what the filter made: the error is on stderr alone.
  if (io.json && io.jq === undefined && !io.jsonWritten) {
    const document: ErrorDocument = { error: { code: error.code, message: error.message } };
    if (error.hint) document.error.hint = error.hint;
    if (error.details && Object.keys(error.details).length > 0) document.error.details = error.details;
    io.printJson(document);
  }
  const c = io.color;
  io.err.write(`${c.red('error:')} ${oneLine(error.message)}\n`);
  if (error.hint) io.err.write(`${c.dim('hint:')} ${oneLine(error.hint)}\n`);
}

/** --debug stack: each line clipped and escaped like the error line above it. */
function writeStack(io: IOStreams, stack: string): void {
  io.err.write(stack.split('\n').map(oneLine).join('\n') + '\n');
}
