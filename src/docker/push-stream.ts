// Reads the engine's push stream (newline-delimited JSON). The engine answers 200 even when the
// push fails: the failure is an in-band `errorDetail` line, so it is read and raised here.
import { FacetsError } from '../core/errors';

/** One line of the engine's push stream, as the engine writes it. */
export interface PushStreamLine {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: { Tag?: string; Digest?: string; Size?: number };
}

/** Progress of one layer: Preparing, Waiting, Pushing (bytes), Pushed, Layer already exists, Retrying… */
export interface LayerProgress {
  id: string;
  status: string;
  current: number;
  total: number;
}

export interface PushProgressEvent {
  layer: LayerProgress;
  /** Every layer seen so far, in first-seen order. */
  layers: LayerProgress[];
}

export interface PushResult {
  tag: string;
  digest: string;
  /** Manifest size in bytes, as the engine reports it. */
  size: number;
  /** Layers the engine sent (not already in the registry). */
  layersPushed: number;
  layersExisting: number;
}

/** Why a push failed, from the registry's reason in the stream. */
export type PushFailureReason = 'DENIED' | 'UNAUTHORIZED' | 'NAME_UNKNOWN' | 'CONNECTION_REFUSED' | 'TRANSIENT' | 'OTHER';

const FAILURE_PATTERNS: Array<[PushFailureReason, RegExp]> = [
  ['DENIED', /\bdenied\b|insufficient_scope|forbidden|\b403 [A-Z]/i],
  ['UNAUTHORIZED', /unauthorized|authentication required|no basic auth credentials|\b401 [A-Z]/i],
  ['NAME_UNKNOWN', /name unknown|name_unknown|repository name not known/i],
  ['CONNECTION_REFUSED', /connection refused/i],
  ['TRANSIENT', /\b(5\d\d|429) [A-Z]|toomanyrequests|too many requests|connection reset|broken pipe|\bEOF\b|timeout|i\/o timeout|service unavailable|\bunavailable\b|bad gateway/i],
];

export function classifyPushFailure(message: string): PushFailureReason {
  for (const [reason, pattern] of FAILURE_PATTERNS) if (pattern.test(message)) return reason;
  return 'OTHER';
}

const HINTS: Record<PushFailureReason, (registry: string) => string> = {
  DENIED: (r) => `the credentials for ${r} may not push to this repository: check the repository name and the account's push permission`,
  UNAUTHORIZED: (r) => `check the credentials for ${r} (docker login ${r}, or the registry's push credentials in the control plane)`,
  NAME_UNKNOWN: (r) => `create the repository in ${r} first, or pass --repository with an existing one`,
  CONNECTION_REFUSED: (r) => `check that ${r} is running and reachable from the Docker engine`,
  TRANSIENT: (r) => `${r} failed temporarily; run the command again`,
  OTHER: (r) => `check ${r} and the Docker engine's log`,
};

/** A push failure as the one error type, with the registry's own reason in the message. */
export function pushFailure(message: string, registry: string): FacetsError {
  const reason = classifyPushFailure(message);
  return new FacetsError('REGISTRY', `push to ${registry} failed: ${message}`, HINTS[reason](registry), {
    reason,
    transient: reason === 'TRANSIENT',
    registry,
  });
}

/** Incremental parser: feed it chunks, it reports layer progress and keeps the outcome. */
export class PushStreamParser {
  private buffer = '';
  private readonly layers = new Map<string, LayerProgress>();
  private aux: PushStreamLine['aux'] | null = null;
  private failure: string | null = null;
  readonly lines: PushStreamLine[] = [];

  constructor(private readonly onProgress?: (event: PushProgressEvent) => void) {}

  feed(chunk: Buffer | string): void {
    this.buffer += chunk.toString();
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const text = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (text) this.line(text);
    }
  }

  private line(text: string): void {
    let line: PushStreamLine;
    try {
      line = JSON.parse(text) as PushStreamLine;
    } catch {
      this.failure ??= `unreadable line in the engine's push stream: ${text.slice(0, 200)}`;
      return;
    }
    this.lines.push(line);
    if (line.errorDetail || line.error) {
      this.failure ??= line.errorDetail?.message || line.error || 'unknown error';
      return;
    }
    if (line.aux?.Digest) this.aux = line.aux;
    if (line.id && line.status) {
      const previous = this.layers.get(line.id);
      const layer: LayerProgress = {
        id: line.id,
        status: line.status,
        current: line.progressDetail?.current ?? previous?.current ?? 0,
        total: line.progressDetail?.total ?? previous?.total ?? 0,
      };
      this.layers.set(line.id, layer);
      this.onProgress?.({ layer, layers: [...this.layers.values()] });
    }
  }

  /** The outcome once the stream has ended: the digest, or the in-band failure as a FacetsError. */
  finish(registry: string): PushResult {
    if (this.buffer.trim()) this.line(this.buffer.trim());
    this.buffer = '';
    if (this.failure !== null) throw pushFailure(this.failure, registry);
    if (!this.aux?.Digest) {
      throw new FacetsError('ENGINE', `the Docker engine ended the push to ${registry} without reporting a digest`, 'run the command again; if it persists, check the Docker engine\'s log', { reason: 'NO_DIGEST' });
    }
    const statuses = [...this.layers.values()].map((l) => l.status);
    return {
      tag: this.aux.Tag ?? '',
      digest: this.aux.Digest,
      size: this.aux.Size ?? 0,
      layersPushed: statuses.filter((s) => s === 'Pushed').length,
      layersExisting: statuses.filter((s) => s === 'Layer already exists' || s.startsWith('Mounted from')).length,
    };
  }
}

/** Reads a whole push stream; resolves with the digest, rejects on an in-band or transport error. */
export function readPushStream(stream: NodeJS.ReadableStream, registry: string, onProgress?: (event: PushProgressEvent) => void): Promise<PushResult> {
  const parser = new PushStreamParser(onProgress);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      try {
        resolve(parser.finish(registry));
      } catch (error) {
        reject(error);
      }
    };
    stream.on('data', (chunk: Buffer | string) => parser.feed(chunk));
    stream.on('end', settle);
    stream.on('close', settle);
    stream.on('error', (error: Error) => {
      if (settled) return;
      settled = true;
      reject(new FacetsError('ENGINE', `the Docker engine's push stream broke: ${error.message}`, 'run the command again; check that the Docker engine is running', { reason: 'STREAM_ERROR', transient: true }));
    });
  });
}
