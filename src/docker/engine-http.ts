// One small Engine API request over node:http(s), for what must stay fast (inspecting an image) without loading dockerode.
import http from 'node:http';
import https from 'node:https';
import type { EngineEndpoint } from './engine-options';

/** Shaped like dockerode's errors, so the engine's error mapping reads both alike. */
export interface EngineStatusError extends Error {
  statusCode: number;
  json?: { message?: string };
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** GET `path` from the engine and parse its JSON; a non-2xx answer rejects with an EngineStatusError, a transport failure with the socket's error (code ENOENT, ECONNREFUSED…). */
export function engineGetJson<T>(endpoint: EngineEndpoint, path: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const options: https.RequestOptions = endpoint.socketPath
      ? // No TLS on a socket: an empty servername spares Node working one out of the Host header (compiling its IPv6 pattern).
        { socketPath: endpoint.socketPath, path, method: 'GET', servername: '' }
      : { host: endpoint.host, port: endpoint.port, path, method: 'GET', ca: endpoint.ca, cert: endpoint.cert, key: endpoint.key };
    const request = (endpoint.protocol === 'https' && !endpoint.socketPath ? https : http).request({ ...options, headers: { accept: 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300 && body !== undefined) return resolve(body as T);
        const message = (body as { message?: string } | undefined)?.message ?? (text.trim() || `HTTP ${status}`);
        reject(Object.assign(new Error(message), { statusCode: status, json: { message } }) as EngineStatusError);
      });
    });
    request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error(`no answer in ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
    request.end();
  });
}

/**
 * The agent for dockerode's requests over a socket: the agent's options override each request's, so its empty server
 * name spares Node working one out of the Host header (~4 ms compiling its IPv6 pattern), as engineGetJson does.
 * Otherwise Node's global agent: keep-alive, 5 s idle timeout.
 */
export function socketAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, timeout: 5000, servername: '' } as http.AgentOptions);
}

/** `/images/<name>/json`: names keep their '/' and ':' (the engine's route takes the rest of the path), anything else is escaped. */
export function imageInspectPath(ref: string): string {
  const escaped = ref.replace(/[^A-Za-z0-9._\-/:@]/g, (c) => encodeURIComponent(c)).replace(/\.\./g, '%2E%2E');
  return `/images/${escaped}/json`;
}
