// A round-robin HTTP load balancer in front of several real servers: each request goes to the next backend; a
// backend that refuses the connection is skipped (as a load balancer does once its health check fails), and a
// request cut off by a backend that dies under it is answered 502, as a load balancer answers it.
import http from 'node:http';
import { listenOnLoopback } from './processes';

export interface Backend {
  host: string;
  port: number;
}

export interface RoundRobinProxy {
  url: string;
  /** Requests each backend answered, by its index in the list given. */
  readonly answered: number[];
  /** Connections each backend accepted (one per request forwarded): a request counted here reached the backend. */
  readonly connected: number[];
  /** Requests answered 502 by the proxy itself (no backend took them, or one died while answering). */
  readonly failed: number;
  close(): Promise<void>;
}

/** Set on the proxy's own 502 answers, so a client can tell them from a backend's. */
export const PROXY_FAILURE_HEADER = 'x-round-robin-proxy';

export function backendOf(url: string): Backend {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
}

export async function startRoundRobinProxy(backends: Backend[]): Promise<RoundRobinProxy> {
  const answered = backends.map(() => 0);
  const connected = backends.map(() => 0);
  let failed = 0;
  let next = 0;

  const fail = (res: http.ServerResponse, reason: string) => {
    failed += 1;
    if (res.headersSent) return res.destroy();
    res.writeHead(502, { 'content-type': 'application/json', [PROXY_FAILURE_HEADER]: 'failed' });
    res.end(JSON.stringify({ proxy: 'bad gateway', reason }));
  };

  /** Tries the backends in turn from `first`; only a refused connection (nothing was sent) moves on to the next. */
  const forward = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, first: number, tried: number) => {
    if (tried === backends.length) return fail(res, 'every backend refused the connection');
    const index = (first + tried) % backends.length;
    const { host, port } = backends[index];
    const upstream = http.request({ host, port, method: req.method, path: req.url, headers: req.headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders as unknown as http.OutgoingHttpHeaders);
      answer.pipe(res);
      answer.on('end', () => (answered[index] += 1));
      answer.on('error', () => res.destroy());
      answer.on('aborted', () => res.destroy());
    });
    upstream.on('socket', (socket) => socket.once('connect', () => (connected[index] += 1)));
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') forward(req, res, body, first, tried + 1);
      else fail(res, `backend ${host}:${port}: ${error.code ?? error.message}`);
    });
    upstream.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => forward(req, res, Buffer.concat(chunks), next++, 0));
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    answered,
    connected,
    get failed() {
      return failed;
    },
    close,
  };
}
