// The one factory every command gets its dependencies from; nothing below reaches for process.*.
import * as os from 'node:os';
import { join } from 'node:path';
import type { ControlPlane } from '../api/control-plane';
import type { ControlPlaneChoice, ControlPlaneHandle } from '../api/factory';
import type { ContainerRegistry } from '../core/model';
import { FacetsError } from '../core/errors';
import type { RegistryAuth, RegistryImageReader } from '../workflow/context';
import { credentialsPath, readProfiles, type Profile, type Profiles } from './credentials';
import { IOStreams } from './io';
import { inquirerPrompter, type Prompter } from './prompter';
import { oneLine } from './display';
import { redact } from './redact';

export interface GlobalOptions {
  json: boolean;
  quiet: boolean;
  color: boolean;
  profile?: string;
  controlPlane?: string;
  project?: string;
  blueprint?: string;
  yes: boolean;
  debug: boolean;
  /** --timeout / FACETS_HTTP_TIMEOUT in ms: the most one HTTP request may take; undefined = the default. */
  timeoutMs?: number;
}

/** Why this control plane: `reason` says it in words (whoami, --debug). */
export type ControlPlaneTarget =
  | { kind: 'embedded'; blueprint?: string; source: 'embedded'; reason: string }
  | { kind: 'remote'; url: string; username?: string; token?: string; source: 'flag' | 'env' | 'profile'; reason: string };

/** The control plane a command talks to, once opened: which one and why. */
export interface ControlPlaneInUse {
  kind: 'embedded' | 'remote';
  /** remote only */
  url: string | null;
  source: 'flag' | 'env' | 'profile' | 'embedded';
  /** The profile whose URL was used (source profile), else null. */
  profile: string | null;
  reason: string;
  /** embedded only: the blueprint and state database it opened */
  blueprint: string | null;
  db: string | null;
}

/** What every HTTP client gets from the invocation: the request deadline and the --debug sink. */
export interface RequestOptions {
  deadlineMs?: number;
  timeoutMs?: number;
  debug?: (line: string) => void;
}

export interface RegistryClientOptions extends RequestOptions {
  host: string;
  insecure?: boolean;
  caFile?: string;
  auth?: RegistryAuth;
}

/** src/api/factory's createControlPlane, loaded on first use (it pulls in axios or SQLite). */
export function loadCreateControlPlane(): (choice: ControlPlaneChoice) => Promise<ControlPlaneHandle> {
  return (require('../api/factory') as typeof import('../api/factory')).createControlPlane;
}

export interface Factory {
  io: IOStreams;
  env: Record<string, string | undefined>;
  cwd: string;
  homedir: string;
  globals: GlobalOptions;
  profileName(): string;
  profiles(): Profiles;
  controlPlaneTarget(): ControlPlaneTarget;
  controlPlane(): Promise<ControlPlane>;
  /** Opens the control plane if needed, and says which one it is and why. */
  controlPlaneInUse(): Promise<ControlPlaneInUse>;
  registryClient(registry: ContainerRegistry, auth?: RegistryAuth): RegistryImageReader;
  /** How to reach `registry` (host, TLS, credentials, request deadline): the native push opens its own connections. */
  registryOptions(registry: ContainerRegistry, auth?: RegistryAuth): RegistryClientOptions;
  requestOptions(): RequestOptions;
  prompter: Prompter;
  now(): Date;
  debug(message: string): void;
  /** Resolves with the signal name on SIGINT/SIGTERM (long-running commands such as serve). */
  untilInterrupted(): Promise<string>;
  close(): Promise<void>;
}

export interface FactoryInit {
  io: IOStreams;
  env: Record<string, string | undefined>;
  cwd: string;
  homedir?: string;
  prompter?: Prompter;
  now?: () => Date;
}

export const DEFAULT_GLOBALS: GlobalOptions = { json: false, quiet: false, color: true, yes: false, debug: false };

export function createFactory(init: FactoryInit): Factory {
  const env = init.env;
  const homedir = init.homedir ?? env.HOME ?? os.homedir();
  let opened: { handle: ControlPlaneHandle; inUse: ControlPlaneInUse } | null = null;
  const secrets = new Set<string>();

  const factory: Factory = {
    io: init.io,
    env,
    cwd: init.cwd,
    homedir,
    globals: { ...DEFAULT_GLOBALS },
    prompter: init.prompter ?? inquirerPrompter(() => init.io.colorEnabled()),
    now: init.now ?? (() => new Date()),

    // An empty FACETS_PROFILE is unset, as for the other variables.
    profileName: () => factory.globals.profile ?? (env.FACETS_PROFILE || 'default'),
    profiles: () => readProfiles(homedir),

    controlPlaneTarget(): ControlPlaneTarget {
      const name = factory.profileName();
      const explicitProfile = factory.globals.profile !== undefined || !!env.FACETS_PROFILE;
      const profile: Profile | undefined = factory.profiles()[name];
      if (explicitProfile && !profile) {
        throw new FacetsError('NOT_FOUND', `profile "${name}" is not in ${credentialsPath(homedir)}`, `run \`facetsctl login --profile ${name}\``);
      }
      const envVar = env.FACETS_CONTROL_PLANE_URL ? 'FACETS_CONTROL_PLANE_URL' : env.CONTROL_PLANE_URL ? 'CONTROL_PLANE_URL' : undefined;
      const url = factory.globals.controlPlane ?? (envVar && env[envVar]) ?? profile?.control_plane_url;
      if (!url) {
        const reason = `no --control-plane, FACETS_CONTROL_PLANE_URL or CONTROL_PLANE_URL, and profile "${name}" has no control_plane_url in ${credentialsPath(homedir)}`;
        return { kind: 'embedded', blueprint: factory.globals.blueprint ?? env.FACETS_BLUEPRINT, source: 'embedded', reason };
      }
      const source = factory.globals.controlPlane ? 'flag' : envVar ? 'env' : 'profile';
      const reason = source === 'flag' ? '--control-plane' : source === 'env' ? `${envVar} is set` : `profile "${name}" in ${credentialsPath(homedir)}`;
      // The profile's credentials belong to the profile's control plane only.
      const fromProfile = profile && sameUrl(profile.control_plane_url, url) ? profile : undefined;
      const username = env.FACETS_USERNAME || fromProfile?.username;
      const token = env.FACETS_TOKEN || fromProfile?.token;
      if (token) secrets.add(token);
      return { kind: 'remote', url, username, token, source, reason };
    },

    async controlPlane(): Promise<ControlPlane> {
      return (await open()).handle.client;
    },

    async controlPlaneInUse(): Promise<ControlPlaneInUse> {
      return (await open()).inUse;
    },

    registryClient(registry, auth) {
      const { RegistryClient } = require('../registry/client') as { RegistryClient: new (o: RegistryClientOptions) => RegistryImageReader };
      return new RegistryClient(factory.registryOptions(registry, auth));
    },

    registryOptions(registry, auth) {
      if (auth?.password) secrets.add(auth.password);
      if (auth?.identityToken) secrets.add(auth.identityToken);
      return { host: registry.uri.split('/')[0], insecure: registry.insecure, auth, ...factory.requestOptions() };
    },

    requestOptions() {
      // An explicit limit also bounds silence: whoever allows a slow server five minutes means it.
      const limit = factory.globals.timeoutMs;
      return { deadlineMs: limit, timeoutMs: limit, debug: factory.globals.debug ? (line: string) => factory.debug(line) : undefined };
    },

    debug(message) {
      if (!factory.globals.debug) return;
      // Milliseconds since the process started: where a command spends its time (`--debug` on any command).
      factory.io.err.write(`debug: ${oneLine(redact(message, [...secrets]))} (+${Math.round(performance.now())} ms)\n`);
    },

    untilInterrupted() {
      return new Promise<string>((resolve) => {
        const stop = (signal: string) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve(signal);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    },

    async close() {
      const o = opened;
      opened = null;
      if (o) await o.handle.close();
    },
  };

  /** The one place that picks the control plane; --debug says which one and why. */
  async function open(): Promise<{ handle: ControlPlaneHandle; inUse: ControlPlaneInUse }> {
    if (opened) return opened;
    const target = factory.controlPlaneTarget();
    const handle = await loadCreateControlPlane()(
      target.kind === 'remote'
        ? { controlPlaneUrl: target.url, username: target.username, token: target.token, cwd: factory.cwd, env, capabilitiesFile: capabilitiesFile(env, homedir), ...factory.requestOptions() }
        : { blueprint: target.blueprint, cwd: factory.cwd, env, ...factory.requestOptions() },
    );
    const inUse: ControlPlaneInUse = {
      kind: target.kind,
      url: target.kind === 'remote' ? target.url : null,
      source: target.source,
      profile: target.source === 'profile' ? factory.profileName() : null,
      reason: target.reason,
      blueprint: handle.blueprintPath ?? null,
      db: handle.dbPath ?? null,
    };
    factory.debug(`control plane: ${describeControlPlane(inUse)}`);
    opened = { handle, inUse };
    return opened;
  }
  return factory;
}

/** What each remote control plane offers (facetsctl's extensions or not), remembered per URL: a cache, not settings. */
export function capabilitiesFile(env: Record<string, string | undefined>, homedir: string): string {
  return join(env.XDG_CACHE_HOME || join(homedir, '.cache'), 'facetsctl', 'control-planes.json');
}

/** One line: "remote http://h:8080 (profile "default" in ~/.facets/credentials)", or the embedded one with its files. */
export function describeControlPlane(c: ControlPlaneInUse): string {
  if (c.kind === 'remote') return `remote ${c.url} (${c.reason})`;
  return `embedded, blueprint ${c.blueprint ?? '?'}, state ${c.db ?? '?'} (${c.reason})`;
}

function sameUrl(a: string | undefined, b: string): boolean {
  return a !== undefined && a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}
