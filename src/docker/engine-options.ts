// Where the Docker engine is, read from DOCKER_HOST / DOCKER_TLS_VERIFY / DOCKER_CERT_PATH as docker reads them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FacetsError } from '../core/errors';

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

export interface EngineEndpoint {
  /** As the user would write it in DOCKER_HOST, for messages. */
  address: string;
  socketPath?: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export type EngineEnv = Record<string, string | undefined>;

export function engineEndpointFromEnv(env: EngineEnv, homedir?: string): EngineEndpoint {
  const dockerHost = env.DOCKER_HOST?.trim();
  if (!dockerHost) return { address: `unix://${DEFAULT_DOCKER_SOCKET}`, socketPath: DEFAULT_DOCKER_SOCKET };
  if (dockerHost.startsWith('unix://')) {
    const socketPath = dockerHost.slice('unix://'.length) || DEFAULT_DOCKER_SOCKET;
    return { address: `unix://${socketPath}`, socketPath };
  }
  let url: URL;
  try {
    url = new URL(dockerHost.includes('://') ? dockerHost : `tcp://${dockerHost}`);
  } catch {
    throw badHost(dockerHost);
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') throw badHost(dockerHost);
  const tlsVerify = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0';
  const port = Number(url.port || (tlsVerify ? 2376 : 2375));
  const https = tlsVerify || url.protocol === 'https:' || port === 2376;
  const endpoint: EngineEndpoint = { address: `tcp://${url.hostname}:${port}`, host: url.hostname, port, protocol: https ? 'https' : 'http' };
  if (https) {
    const certPath = env.DOCKER_CERT_PATH || (homedir ? join(homedir, '.docker') : undefined);
    if (certPath) {
      const read = (file: string): Buffer | undefined => {
        try {
          return readFileSync(join(certPath, file));
        } catch (error) {
          if (tlsVerify) throw new FacetsError('ENGINE', `cannot read ${join(certPath, file)} for the TLS connection to the Docker engine: ${(error as Error).message}`, 'set DOCKER_CERT_PATH to the folder with ca.pem, cert.pem and key.pem');
          return undefined;
        }
      };
      endpoint.ca = read('ca.pem');
      endpoint.cert = read('cert.pem');
      endpoint.key = read('key.pem');
    }
  }
  return endpoint;
}

function badHost(value: string): FacetsError {
  return new FacetsError('USAGE', `DOCKER_HOST "${value}" is not a Docker engine address`, 'use unix:///path/to/docker.sock or tcp://HOST:PORT');
}
