// Why serve could not listen, in words and an exit code from the table, instead of "unexpected error: listen EADDRINUSE".
import { FacetsError } from '../../core/errors';

const FREE_PORT_HINT = '`--port 0` picks a free port';

/** The FacetsError for an error thrown by listen(host, port); unknown errors pass through unchanged. */
export function listenError(e: unknown, host: string, port: number): unknown {
  const code = (e as { code?: string } | null)?.code;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new FacetsError('CONFLICT', `cannot listen on ${where}: the port is already in use by another process`, `stop that process, or pick another port with --port (${FREE_PORT_HINT})`, { host, port, code });
    case 'EACCES':
      return new FacetsError('FORBIDDEN', `cannot listen on ${where}: permission denied (ports below 1024 need privileges)`, `pick a port from 1024 to 65535 with --port (${FREE_PORT_HINT})`, { host, port, code });
    case 'ERR_SOCKET_BAD_PORT':
      return badPort(port);
    case 'EADDRNOTAVAIL':
      return new FacetsError('USAGE', `cannot listen on ${where}: ${host} is not an address of this machine`, 'pass --host with one of its addresses, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)', { host, port, code });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return new FacetsError('USAGE', `cannot listen on ${where}: the host name "${host}" does not resolve`, 'pass --host with an address or a resolvable name of this machine, e.g. 127.0.0.1 or 0.0.0.0', { host, port, code });
    default:
      return e;
  }
}

export function badPort(port: unknown): FacetsError {
  return new FacetsError('USAGE', `--port must be an integer from 0 to 65535 (got "${String(port)}")`, `e.g. --port 8080; ${FREE_PORT_HINT}`);
}
