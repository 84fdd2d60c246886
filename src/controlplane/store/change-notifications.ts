// The notifications PostgreSQL sends serve's read cache (postgres-changes.ts listens): made by migration 0005, kept
// apart from the listener so that migrating needs no `pg` client.

export const CHANNEL = 'facets_changes';

/** Migration 0005 on PostgreSQL: each watched table notifies CHANNEL once per writing statement, on commit. */
export const NOTIFY_FUNCTION = `create or replace function facets_notify_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('${CHANNEL}', tg_table_name);
  return null;
end $$`;

export const notifyTrigger = (table: string): string =>
  `create trigger facets_${table}_changed after insert or update or delete or truncate on ${table} for each statement execute procedure facets_notify_change()`;
