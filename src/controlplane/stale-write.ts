// The refusal of a write that started from a state another writer changed meanwhile (optimistic concurrency).
import { FacetsError } from '../core/errors';

/** What the stored state is now: who made which revision, when, doing what. */
export interface CurrentRevision {
  revision: number;
  /** Unknown when the control plane does not say (Facets' reference API). */
  by?: string;
  at?: string;
  /** e.g. "saved", "attached IMAGE" */
  did: string;
}

/** CONFLICT (exit 5, HTTP 409): `subject` changed after this command read it at `read` (0 = nothing stored); `now` null = deleted. */
export function staleWrite(subject: string, read: number, now: CurrentRevision | null): FacetsError {
  const change = now ? `${now.by ?? 'another command'} ${now.did}${now.at ? ` at ${now.at}` : ''} (revision ${now.revision})` : 'another command deleted it';
  const readState = read === 0 ? 'found none' : `read revision ${read}`;
  return new FacetsError(
    'CONFLICT',
    `${subject} changed meanwhile: ${change}, after this command ${readState}; nothing was written; run the command again`,
    'run the command again: it starts from what is stored now, and the other change stays whole',
    { readRevision: read, currentRevision: now?.revision ?? null },
  );
}
