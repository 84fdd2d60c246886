// A proxy in front of a real `serve` that plays a Facets control plane: every request and every answer on a
// reference path is checked against the Facets API reference; in reference-only mode our extension paths
// (/cc-ui/v1/facetsctl/...) get the 404 a Spring control plane gives for paths it does not have.
import http from 'node:http';
import type { FacetsReference, ReferenceRequest } from './facets-reference';
import { listenOnLoopback } from './processes';

export const EXTENSION_PREFIX = '/cc-ui/v1/facetsctl/';

export type FacetsProxyMode = 'extensions' | 'reference-only';

export interface FacetsCall {
  method: string;
  /** With its query string. */
  path: string;
  kind: 'reference' | 'extension' | 'unknown';
  /** The reference operation, for kind 'reference'. */
  operationId: string | null;
  /** The status the client got. */
  status: number;
}

export interface FacetsViolation {
  method: string;
  path: string;
  /** null when the path or method is not in the reference at all. */
  operationId: string | null;
  in: 'request' | 'response';
  message: string;
}

export interface FacetsProxyOptions {
  target: { host: string; port: number };
  reference: FacetsReference;
  mode?: FacetsProxyMode;
  /** Drops `Prefer` from requests: serve then answers as Facets does, with no body where the reference declares none. */
  dropPrefer?: boolean;
}

export interface FacetsProxy {
  url: string;
  port: number;
  /** Settable: a control plane that loses (or gains) its extensions between two commands. */
  mode: FacetsProxyMode;
  readonly calls: FacetsCall[];
  readonly violations: FacetsViolation[];
  /** Reference operation ids called so far, each once, sorted. */
  operationsCalled(): string[];
  close(): Promise<void>;
}

/** What a Spring Boot control plane answers for a path it has no handler for. */
export function springNotFound(pathname: string): string {
  return JSON.stringify({ timestamp: new Date().toISOString(), status: 404, error: 'Not Found', path: pathname });
}

function readAll(stream: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export async function startFacetsProxy(options: FacetsProxyOptions): Promise<FacetsProxy> {
  const state = { mode: options.mode ?? 'extensions' };
  const { reference, target } = options;
  const calls: FacetsCall[] = [];
  const violations: FacetsViolation[] = [];

  const forward = (req: http.IncomingMessage, body: Buffer) =>
    new Promise<{ upstream: http.IncomingMessage; body: Buffer }>((resolve, reject) => {
      const headers = { ...req.headers };
      if (options.dropPrefer) delete headers.prefer;
      const upstream = http.request({ host: target.host, port: target.port, method: req.method, path: req.url, headers, agent: false }, (res) => {
        readAll(res).then((data) => resolve({ upstream: res, body: data }), reject);
      });
      upstream.on('error', reject);
      upstream.end(body);
    });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const method = req.method ?? 'GET';
    const call: FacetsCall = { method, path: req.url ?? '/', kind: 'unknown', operationId: null, status: 0 };
    calls.push(call);
    const violate = (where: FacetsViolation['in'], message: string) => violations.push({ method, path: call.path, operationId: call.operationId, in: where, message });

    if (url.pathname.startsWith(EXTENSION_PREFIX)) {
      call.kind = 'extension';
      if (state.mode === 'reference-only') {
        call.status = 404;
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(springNotFound(url.pathname));
        return;
      }
    }

    const operation = call.kind === 'extension' ? undefined : reference.operation(method, url.pathname);
    const request: ReferenceRequest = { method, pathname: url.pathname, query: url.searchParams, headers: req.headers, body };
    if (operation) {
      call.kind = 'reference';
      call.operationId = operation.operationId ?? null;
      for (const message of reference.checkRequest(operation, request)) violate('request', message);
    } else if (call.kind === 'unknown') {
      violate('request', reference.hasPath(url.pathname) ? `${method} is not an operation of this path in the reference` : 'the path is neither in the reference nor an extension');
    }

    let answer: { upstream: http.IncomingMessage; body: Buffer };
    try {
      answer = await forward(req, body);
    } catch (e) {
      call.status = 502;
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'PROXY', message: `facets proxy: ${(e as Error).message}` }));
      return;
    }
    call.status = answer.upstream.statusCode ?? 0;
    if (operation) {
      for (const message of reference.checkResponse(operation, request, { status: call.status, body: answer.body })) violate('response', message);
    }
    res.writeHead(call.status, answer.upstream.rawHeaders as unknown as http.OutgoingHttpHeaders);
    res.end(answer.body);
  };

  const server = http.createServer((req, res) => {
    readAll(req).then(
      (body) => handle(req, res, body),
      () => req.socket.destroy(),
    );
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get mode() {
      return state.mode;
    },
    set mode(mode: FacetsProxyMode) {
      state.mode = mode;
    },
    calls,
    violations,
    operationsCalled: () => [...new Set(calls.map((c) => c.operationId).filter((id): id is string => id !== null))].sort(),
    close,
  };
}
