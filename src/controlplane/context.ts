// What every operation of the service needs: the store, the layout, who is asking, and the time.
import { FacetsError } from '../core/errors';
import type { HistoryEvent, HistoryKind } from '../core/model';
import { monotonicId } from './ids';
import type { Layouts } from './layout';
import type { Store } from './store/store';
import type { Identity, ListQuery, RegistryBrowser } from './types';

export interface ServiceContext {
  store: Store;
  layouts: Layouts;
  identity: Identity;
  clock: () => Date;
  /** Where credential references (env var names) are looked up. */
  env: Record<string, string | undefined>;
  registryBrowser?: RegistryBrowser;
}

export const now = (ctx: ServiceContext): string => ctx.clock().toISOString();

export function newEvent(
  ctx: ServiceContext,
  kind: HistoryKind,
  fields: { project: string; resourceName: string | null; environment?: string | null; revision?: number | null; summary: string; details?: Record<string, unknown> },
): HistoryEvent {
  return {
    id: monotonicId('ev'),
    kind,
    project: fields.project,
    resourceName: fields.resourceName,
    environment: fields.environment ?? null,
    revision: fields.revision ?? null,
    summary: fields.summary,
    details: fields.details ?? {},
    at: now(ctx),
    by: ctx.identity.username,
  };
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export function paging(query: ListQuery | undefined): { limit: number; offset: number } {
  const limit = query?.limit ?? DEFAULT_LIMIT;
  const offset = query?.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new FacetsError('USAGE', `limit ${String(limit)} is out of range (1 to ${MAX_LIMIT})`, `pass --limit between 1 and ${MAX_LIMIT}`);
  }
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new FacetsError('USAGE', `offset ${String(offset)} is invalid (a whole number from 0 to ${Number.MAX_SAFE_INTEGER})`, 'pass --offset 0 or more');
  }
  return { limit, offset };
}
