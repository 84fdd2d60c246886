// A fresh database per test on the PostgreSQL that global setup started, dropped afterwards.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { getInfra } from './infra';

export interface TestDatabase {
  name: string;
  /** postgres://facets:PASSWORD@127.0.0.1:PORT/NAME */
  url: string;
  /** Runs one statement on it (a connection of its own). */
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

async function onDatabase<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function databaseUrl(name: string): string {
  const url = new URL(getInfra().postgres.url);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createDatabase(): Promise<TestDatabase> {
  const admin = getInfra().postgres.url;
  const name = `facets_test_${randomBytes(6).toString('hex')}`;
  await onDatabase(admin, (c) => c.query(`create database ${name}`));
  const url = databaseUrl(name);
  return {
    name,
    url,
    query: <R>(text: string, values?: unknown[]) => onDatabase(url, async (c) => (await c.query(text, values)).rows as R[]),
    // WITH (FORCE): a serve killed mid-test may leave a session behind.
    drop: () => onDatabase(admin, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
