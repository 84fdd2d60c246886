// The ControlPlane in-process: the domain service on the blueprint + SQLite state, no server, no login.
import type { EmbeddedOptions } from '../controlplane/embedded';
import type { ControlPlane } from './control-plane';

export type InProcessOptions = EmbeddedOptions;

export interface InProcessControlPlane {
  client: ControlPlane;
  /** Path of the state database it opened. */
  dbPath: string;
  blueprintPath: string;
  close(): Promise<void>;
}

export async function openInProcessControlPlane(options: InProcessOptions): Promise<InProcessControlPlane> {
  // Loaded here, not at the top: the CLI only pays for SQLite when it uses the embedded control plane.
  const { openEmbeddedControlPlane } = require('../controlplane/embedded') as typeof import('../controlplane/embedded');
  const embedded = await openEmbeddedControlPlane(options);
  const client: ControlPlane = embedded.service;
  return { client, dbPath: embedded.dbPath, blueprintPath: embedded.blueprint.path, close: () => embedded.close() };
}
