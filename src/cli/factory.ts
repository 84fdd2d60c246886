// The one factory every command gets its dependencies from; nothing below reaches for process.*.
import * as os from 'node:os';
import type { ControlPlane } from '../api/control-plane';
import type { ControlPlaneChoice, ControlPlaneHandle } from '../api/factory';
import type { ContainerRegistry } from '../core/model';
import { FacetsError } from '../core/errors';
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

export type ControlPlaneTarget =
  | { kind: 'embedded'; blueprint?: string }
  | { kind: 'remote'; url: string; username?: string; token?: string; source: 'flag' | 'env' | 'profile' };

export interface RegistryAuth {
  username?: string;
  password?: string;
  identityToken?: string;
}

/** What commands need from a container registry (B's RegistryClient has this shape). */
export interface RegistryReader {
  ping(): Promise<void>;
  headManifest(repository: string, reference: string): Promise<{ digest: string; mediaType: string; size: number }>;
  listTags(repository: string, opts?: { pageSize?: number }): Promise<string[]>;
  catalog(opts?: { pageSize?: number }): Promise<string[]>;
  /** The image config's `created` (ISO 8601), or null when it has none. */
  imageCreated(repository: string, reference: string): Promise<string | null>;
}

/** What push also reads: the tag's manifest digest and image config digest (the local image ID of an engine-built image). */
export interface RegistryImageReader extends RegistryReader {
  imageConfigDigest(repository: string, reference: string): Promise<{ digest: string; mediaType: string; size: number; configDigest: string | null }>;
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
  registryClient(registry: ContainerRegistry, auth?: RegistryAuth): RegistryImageReader;
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
  let opened: ControlPlaneHandle | null = null;
  const secrets = new Set<string>();

  const factory: Factory = {
    io: init.io,
    env,
    cwd: init.cwd,
    homedir,
    globals: { ...DEFAULT_GLOBALS },
    prompter: init.prompter ?? inquirerPrompter(() => init.io.colorEnabled()),
    now: init.now ?? (() => new Date()),

    profileName: () => factory.globals.profile ?? env.FACETS_PROFILE ?? 'default',
    profiles: () => readProfiles(homedir),

    controlPlaneTarget(): ControlPlaneTarget {
      const name = factory.profileName();
      const explicitProfile = factory.globals.profile !== undefined || env.FACETS_PROFILE !== undefined;
      const profile: Profile | undefined = factory.profiles()[name];
      if (explicitProfile && !profile) {
        throw new FacetsError('NOT_FOUND', `profile "${name}" is not in ${credentialsPath(homedir)}`, `run \`facetsctl login --profile ${name}\``);
      }
      const envUrl = env.FACETS_CONTROL_PLANE_URL || env.CONTROL_PLANE_URL;
      const url = factory.globals.controlPlane ?? envUrl ?? profile?.control_plane_url;
      if (!url) return { kind: 'embedded', blueprint: factory.globals.blueprint ?? env.FACETS_BLUEPRINT };
      const source = factory.globals.controlPlane ? 'flag' : envUrl ? 'env' : 'profile';
      // The profile's credentials belong to the profile's control plane only.
      const fromProfile = profile && sameUrl(profile.control_plane_url, url) ? profile : undefined;
      const username = env.FACETS_USERNAME || fromProfile?.username;
      const token = env.FACETS_TOKEN || fromProfile?.token;
      if (token) secrets.add(token);
      return { kind: 'remote', url, username, token, source };
    },

    async controlPlane(): Promise<ControlPlane> {
      if (opened) return opened.client;
      const target = factory.controlPlaneTarget();
      factory.debug(`control plane: ${JSON.stringify(target)}`);
      opened = await loadCreateControlPlane()(
        target.kind === 'remote'
          ? { controlPlaneUrl: target.url, username: target.username, token: target.token, cwd: factory.cwd, env, ...factory.requestOptions() }
          : { blueprint: target.blueprint, cwd: factory.cwd, env, ...factory.requestOptions() },
      );
      return opened.client;
    },

    registryClient(registry, auth) {
      if (auth?.password) secrets.add(auth.password);
      if (auth?.identityToken) secrets.add(auth.identityToken);
      const { RegistryClient } = require('../registry/client') as { RegistryClient: new (o: RegistryClientOptions) => RegistryImageReader };
      return new RegistryClient({ host: registry.uri.split('/')[0], insecure: registry.insecure, auth, ...factory.requestOptions() });
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
      if (o) await o.close();
    },
  };
  return factory;
}

function sameUrl(a: string | undefined, b: string): boolean {
  return a !== undefined && a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}
