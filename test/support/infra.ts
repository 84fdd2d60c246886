// The real servers a jest run talks to, as recorded by scripts/test-infra.js in infra.json.
import fs from 'node:fs';

export interface OpenRegistry {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT, the registry part of an image reference */
  host: string;
  pid: number;
}
export interface BasicRegistry extends OpenRegistry {
  username: string;
  password: string;
}
export interface TokenRegistry extends BasicRegistry {
  /** the token server's endpoint, as in the registry's WWW-Authenticate challenge */
  realm: string;
  service: string;
  tokenServerPid: number;
}
export interface TlsRegistry extends OpenRegistry {
  /** https://127.0.0.1:PORT; its self-signed certificate (SAN localhost, 127.0.0.1) is `caFile` */
  caFile: string;
}
export interface Postgres {
  /** postgres://facets:PASSWORD@127.0.0.1:PORT/postgres, a superuser; tests create their own databases */
  url: string;
  host: string;
  port: number;
  username: string;
  password: string;
  /** the server's self-signed certificate (SAN localhost, 127.0.0.1): it offers TLS */
  caFile: string;
  /** the cluster's folder: DIR/postgres, or one in the temp dir when the unprivileged user cannot enter DIR */
  folder: string;
  /** the postmaster, run as an unprivileged user when the tests run as root */
  pid: number;
}
export interface Infra {
  dir: string;
  /** unix:///.../docker.sock of the private engine */
  dockerHost: string;
  dockerdPid: number;
  /** facetsctl-test/hello:1, built into the engine (FROM scratch + one file) */
  testImage: string;
  registries: { open: OpenRegistry; basic: BasicRegistry; token: TokenRegistry; tls: TlsRegistry };
  postgres: Postgres;
}

export const INFRA_ENV = 'FACETS_TEST_INFRA';

let cached: Infra | undefined;

/** The running test servers; global setup puts the infra.json path in FACETS_TEST_INFRA. */
export function getInfra(): Infra {
  if (cached) return cached;
  const file = process.env[INFRA_ENV];
  if (!file) throw new Error(`${INFRA_ENV} is not set: run the tests with jest (global setup starts the servers)`);
  cached = JSON.parse(fs.readFileSync(file, 'utf8')) as Infra;
  return cached;
}

/** The engine's unix socket path, for `new Docker({ socketPath })`. */
export function dockerSocketPath(infra: Infra = getInfra()): string {
  return infra.dockerHost.replace(/^unix:\/\//, '');
}
