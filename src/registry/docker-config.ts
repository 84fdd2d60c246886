// Registry credentials from the docker config, as docker finds them: credHelpers for the host, else the
// credsStore, else `auths`. Helpers run with execFile (no shell), the server on stdin, never in argv.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FacetsError } from '../core/errors';

export interface DockerConfigAuth {
  username?: string;
  password?: string;
  identityToken?: string;
}

export interface DockerConfigOptions {
  env: Record<string, string | undefined>;
  homedir: string;
  helperTimeoutMs?: number;
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export function dockerConfigPath(env: Record<string, string | undefined>, homedir: string): string {
  return join(env.DOCKER_CONFIG || join(homedir, '.docker'), 'config.json');
}

/** `https://127.0.0.1:5000/v2/` → `127.0.0.1:5000`; Docker Hub spellings → `docker.io`. */
export function registryHostKey(serverOrHost: string): string {
  const host = serverOrHost.replace(/^[a-z]+:\/\//i, '').split('/')[0].toLowerCase();
  return DOCKER_HUB_HOSTS.has(host) ? 'docker.io' : host;
}

function readDockerConfig(path: string): DockerConfigFile | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new FacetsError('USAGE', `cannot read the docker config ${path}: ${(error as Error).message}`, 'fix its permissions or set DOCKER_CONFIG to another folder');
  }
  try {
    return JSON.parse(text) as DockerConfigFile;
  } catch (error) {
    throw new FacetsError('USAGE', `the docker config ${path} is not valid JSON: ${(error as Error).message}`, 'fix the file (docker login rewrites it) or set DOCKER_CONFIG to another folder');
  }
}

/** The credentials docker would use for `host`, or null when the config has none for it. */
export async function dockerConfigCredentials(host: string, options: DockerConfigOptions): Promise<DockerConfigAuth | null> {
  const path = dockerConfigPath(options.env, options.homedir);
  const config = readDockerConfig(path);
  if (!config) return null;
  const key = registryHostKey(host);
  const server = key === 'docker.io' ? DOCKER_HUB_SERVER : key;
  const helper = Object.entries(config.credHelpers ?? {}).find(([k]) => registryHostKey(k) === key)?.[1];
  if (helper) return runCredentialHelper(helper, server, options, `credHelpers["${key}"] in ${path}`);
  if (config.credsStore) {
    const stored = await runCredentialHelper(config.credsStore, server, options, `credsStore in ${path}`);
    if (stored) return stored;
  }
  const entry = Object.entries(config.auths ?? {}).find(([k]) => registryHostKey(k) === key)?.[1];
  if (!entry) return null;
  if (entry.identitytoken) return { identityToken: entry.identitytoken };
  if (entry.username !== undefined || entry.password !== undefined) return { username: entry.username, password: entry.password };
  if (!entry.auth) return null;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new FacetsError('USAGE', `the auth entry for ${key} in ${path} is not base64 of "user:password"`, `run \`docker login ${key}\` again`);
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Runs `docker-credential-<name> get` with the server on stdin; "not found" is null, not an error. */
export function runCredentialHelper(name: string, server: string, options: DockerConfigOptions, source: string): Promise<DockerConfigAuth | null> {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    return Promise.reject(new FacetsError('USAGE', `credential helper name "${name}" (${source}) is not a valid program name`, 'fix the docker config'));
  }
  const program = `docker-credential-${name}`;
  return new Promise((resolve, reject) => {
    // Loaded here: only a credential helper needs child_process, and most runs have none.
    const { execFile } = require('node:child_process') as typeof import('node:child_process');
    const child = execFile(program, ['get'], { env: { ...options.env, HOME: options.env.HOME ?? options.homedir }, timeout: options.helperTimeoutMs ?? 30_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) {
        const output = `${stdout}${stderr}`.trim();
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new FacetsError('USAGE', `credential helper ${program} (${source}) is not installed`, `install ${program}, or remove it from the docker config`));
        } else if (/credentials not found/i.test(output)) {
          resolve(null);
        } else {
          reject(new FacetsError('REGISTRY', `credential helper ${program} failed for ${server}: ${output.split('\n')[0] || error.message}`, `run \`docker login ${server}\` again or check ${program}`));
        }
        return;
      }
      try {
        const answer = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (!answer.Secret) return resolve(null);
        resolve(answer.Username === '<token>' ? { identityToken: answer.Secret } : { username: answer.Username ?? '', password: answer.Secret });
      } catch {
        reject(new FacetsError('REGISTRY', `credential helper ${program} answered with something that is not JSON`, `check ${program}`));
      }
    });
    child.stdin?.end(server);
  });
}
