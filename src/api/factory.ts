// One place that decides which control plane a command talks to: a remote one over HTTP when a URL is
// given, else the embedded one (blueprint + local SQLite). Heavy modules load only when chosen.
import type { RegistryBrowser } from '../controlplane/types';
import type { ControlPlane } from './control-plane';

export interface ControlPlaneChoice {
  /** Remote control plane (Facets or `facetsctl serve`); absent = embedded. */
  controlPlaneUrl?: string;
  username?: string;
  token?: string;
  /** Embedded: blueprint file (else FACETS_BLUEPRINT, else facets.yaml upward from cwd). */
  blueprint?: string;
  /** Embedded: state database (else FACETS_DB, else <blueprint dir>/.facets/state.db). */
  db?: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Per-attempt silence timeout, total deadline of one request (retries included), and retries of idempotent calls. */
  timeoutMs?: number;
  deadlineMs?: number;
  retries?: number;
  /** Receives one line per HTTP attempt, to the control plane or a registry (--debug). */
  debug?: (line: string) => void;
  /** Remote: where what each control plane offers is remembered. */
  capabilitiesFile?: string;
  /** Embedded: lists repositories/tags (`registries repos|tags`). */
  registryBrowser?: RegistryBrowser;
}

export interface ControlPlaneHandle {
  client: ControlPlane;
  kind: 'remote' | 'embedded';
  /** Embedded: the blueprint and state database it opened (whoami and --debug name them). */
  blueprintPath?: string;
  dbPath?: string;
  close(): Promise<void>;
}

export async function createControlPlane(choice: ControlPlaneChoice): Promise<ControlPlaneHandle> {
  if (choice.controlPlaneUrl) {
    const { HttpControlPlane } = require('./http-client') as typeof import('./http-client');
    const client = new HttpControlPlane({
      baseUrl: choice.controlPlaneUrl,
      username: choice.username,
      token: choice.token,
      timeoutMs: choice.timeoutMs,
      deadlineMs: choice.deadlineMs,
      retries: choice.retries,
      debug: choice.debug,
      capabilitiesFile: choice.capabilitiesFile,
    });
    return { client, kind: 'remote', close: async () => {} };
  }
  const { openInProcessControlPlane } = require('./in-process') as typeof import('./in-process');
  const { createRegistryBrowser } = require('./registry-browser') as typeof import('./registry-browser');
  const embedded = await openInProcessControlPlane({
    blueprintPath: choice.blueprint,
    dbPath: choice.db,
    cwd: choice.cwd,
    env: choice.env,
    registryBrowser: choice.registryBrowser ?? createRegistryBrowser({ timeoutMs: choice.timeoutMs, deadlineMs: choice.deadlineMs, debug: choice.debug }),
  });
  return { client: embedded.client, kind: 'embedded', blueprintPath: embedded.blueprintPath, dbPath: embedded.dbPath, close: () => embedded.close() };
}
