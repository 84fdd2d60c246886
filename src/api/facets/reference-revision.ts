// Stale writes against a control plane that states no revision (Facets' reference API, no If-Match): the client
// re-reads just before writing and refuses when what it finds is not what the command read (best effort).
import { createHash } from 'node:crypto';
import type { CiConfig } from '../../core/model';
import type { FacetsError } from '../../core/errors';
import { staleWrite } from '../../controlplane/stale-write';

/** The revision a control plane states, else a fingerprint of the configuration (0 = none): equal when unchanged. */
export function revisionOf(stated: number | undefined, config: CiConfig | null): number {
  if (stated !== undefined) return stated;
  if (config === null) return 0;
  return Number.parseInt(createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 12), 16) + 1;
}

/** Throws the stale-write CONFLICT when the revision re-read (`now`) is not the one the command read (`expected`); none expected: no check. */
export function refuseChanged(subject: string, expected: number | undefined, now: number, did: string): void {
  if (expected === undefined || expected === now) return;
  const error: FacetsError = staleWrite(subject, expected, now === 0 ? null : { revision: now, did });
  throw error;
}
