// A fault-injecting HTTP proxy in front of a real server: answers with a status, delays, or drops the
// connection for the first N matching requests, then passes everything through unchanged.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { listenOnLoopback } from './processes';

export interface FaultMatch {
  method?: string;
  /** Tested against the request path with its query string. */
  path?: RegExp;
}

export interface Fault {
  /** Only requests that match count against this fault; default: every request. */
  match?: FaultMatch;
  /** How many matching requests get this fault; default 1. */
  times?: number;
  /** Wait this long before answering or forwarding. */
  delayMs?: number;
  /** Hold the request until this settles, then go on (e.g. another client writes while a command's write waits). */
  hold?: () => Promise<unknown>;
  /** Answer with this status instead of forwarding (e.g. 503, or 429 with headers {'retry-after': '1'}). */
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Forward, then reset the connection after this many bytes of the response (0: before any byte). */
  dropAfterBytes?: number;
  /**
   * Forward, then hand the response on one byte every `everyMs`: never silent, never done. The head goes at once
   * (a slow body), or byte by byte too with `head: true` (a HEAD answer has nothing else).
   */
  trickle?: { everyMs: number; head?: boolean };
}

export interface ProxyTarget {
  host: string;
  port: number;
  /** Talk HTTPS to the target, trusting this CA; the proxy itself listens on plain HTTP. */
  ca?: Buffer;
}

export interface SeenRequest {
  method: string;
  path: string;
  /** The status the client got, or 'dropped'. */
  outcome: number | 'dropped';
  fault: boolean;
}

export interface FaultProxy {
  url: string;
  host: string;
  port: number;
  /** How many requests reached the proxy so far. */
  readonly requests: number;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}


function matches(fault: Fault, req: http.IncomingMessage): boolean {
  const { method, path } = fault.match ?? {};
  if (method && method.toUpperCase() !== req.method) return false;
  return !path || path.test(req.url ?? '');
}

function rawHead(res: http.IncomingMessage): Buffer {
  const lines = [`HTTP/1.1 ${res.statusCode} ${res.statusMessage ?? ''}`];
  for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

function reset(socket: Socket): void {
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

export async function startFaultProxy(target: ProxyTarget, plan: Fault[] = []): Promise<FaultProxy> {
  const remaining = plan.map((fault) => fault.times ?? 1);
  const seen: SeenRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const forward = (req: http.IncomingMessage, body: Buffer, onResponse: (upstream: http.IncomingMessage) => void, onError: () => void) => {
    const client = target.ca ? https : http;
    const upstream = client.request(
      { host: target.host, port: target.port, method: req.method, path: req.url, headers: req.headers, ca: target.ca, agent: false, servername: target.ca ? 'localhost' : undefined },
      onResponse,
    );
    upstream.on('error', onError);
    upstream.end(body);
  };

  const trickle = async (socket: Socket, upstream: http.IncomingMessage, { everyMs, head }: { everyMs: number; head?: boolean }) => {
    let pending = head ? rawHead(upstream) : Buffer.alloc(0);
    if (!head) socket.write(rawHead(upstream));
    let ended = false;
    upstream.on('data', (chunk: Buffer) => (pending = Buffer.concat([pending, chunk])));
    upstream.on('end', () => (ended = true));
    while (!closed && !socket.destroyed) {
      if (pending.length === 0 && ended) return socket.end();
      if (pending.length > 0) {
        socket.write(pending.subarray(0, 1));
        pending = pending.subarray(1);
      }
      await sleep(everyMs);
    }
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => {
    const index = plan.findIndex((fault, i) => remaining[i] > 0 && matches(fault, req));
    const fault = index >= 0 ? plan[index] : undefined;
    if (index >= 0) remaining[index] -= 1;
    const record: SeenRequest = { method: req.method ?? '', path: req.url ?? '', outcome: 'dropped', fault: Boolean(fault) };
    seen.push(record);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.hold) await fault.hold();
    if (closed) return;
    if (fault?.status !== undefined) {
      record.outcome = fault.status;
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(fault.body ?? JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: `injected ${fault.status}` }] }));
      return;
    }
    if (fault?.dropAfterBytes === 0) return reset(req.socket);
    forward(
      req,
      body,
      (upstream) => {
        if (fault?.dropAfterBytes !== undefined) {
          const limit = fault.dropAfterBytes;
          let sent = rawHead(upstream).subarray(0, limit);
          req.socket.write(sent);
          upstream.on('data', (chunk: Buffer) => {
            if (sent.length >= limit) return;
            const part = chunk.subarray(0, limit - sent.length);
            sent = Buffer.concat([sent, part]);
            req.socket.write(part);
          });
          upstream.on('end', () => reset(req.socket));
          return;
        }
        if (fault?.trickle) {
          record.outcome = upstream.statusCode ?? 0;
          void trickle(req.socket, upstream, fault.trickle);
          return;
        }
        record.outcome = upstream.statusCode ?? 0;
        res.writeHead(upstream.statusCode ?? 502, upstream.rawHeaders as unknown as http.OutgoingHttpHeaders);
        upstream.pipe(res);
      },
      () => reset(req.socket),
    );
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => void handle(req, res, Buffer.concat(chunks)));
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    get requests() {
      return seen.length;
    },
    seen,
    close: () => {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      return close();
    },
  };
}
