// A database that stops answering mid-run is a retryable UNREACHABLE (HTTP 503), not an internal error: kysely's
// PostgreSQL driver with connection failures (connect, reset, server shutting down) reported as such.
import type { DatabaseConnection, Driver, QueryResult, TransactionSettings } from 'kysely';
import { FacetsError } from '../../core/errors';

/** SQLSTATE classes and codes that say the server or the connection is gone, not that the statement is wrong. */
const GONE_SQLSTATE = /^(08|57P0[123]|53300|3D000)/;
const GONE_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE', 'EAI_AGAIN']);

export function isConnectionFailure(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string') return GONE_SQLSTATE.test(code) || GONE_NODE.has(code);
  return /Connection terminated|connection timeout/i.test((e as Error)?.message ?? '');
}

export function unreachableDatabase(where: string, e: unknown): FacetsError {
  return new FacetsError(
    'UNREACHABLE',
    `cannot use the PostgreSQL database ${where}: ${(e as Error)?.message ?? String(e)}`,
    'check that the server runs and the connection string (--database or FACETS_DATABASE_URL: host, port, user, password, database, sslmode) is right; each change is one transaction, so a retry is safe',
  );
}

export class UnreachableMappingDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly where: string,
  ) {}

  private map<T>(run: () => Promise<T>): Promise<T> {
    return run().catch((e: unknown) => {
      throw isConnectionFailure(e) ? unreachableDatabase(this.where, e) : e;
    });
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const conn = await this.map(() => this.inner.acquireConnection());
    return {
      executeQuery: <R>(query: Parameters<DatabaseConnection['executeQuery']>[0]): Promise<QueryResult<R>> => this.map(() => conn.executeQuery<R>(query)),
      streamQuery: (query, chunkSize) => conn.streamQuery(query, chunkSize),
      // kysely hands this object back to the inner driver's transaction and release calls.
      inner: conn,
    } as DatabaseConnection & { inner: DatabaseConnection };
  }

  private unwrap(conn: DatabaseConnection): DatabaseConnection {
    return (conn as DatabaseConnection & { inner?: DatabaseConnection }).inner ?? conn;
  }

  beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.map(() => this.inner.beginTransaction(this.unwrap(conn), settings));
  }

  commitTransaction(conn: DatabaseConnection): Promise<void> {
    return this.map(() => this.inner.commitTransaction(this.unwrap(conn)));
  }

  rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(this.unwrap(conn));
  }

  releaseConnection(conn: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(this.unwrap(conn));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
