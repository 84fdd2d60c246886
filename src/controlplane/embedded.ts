// The control plane in-process: blueprint + SQLite state beside it. Used by the CLI's default client and by `serve`.
import { resolve } from 'node:path';
import type { Blueprint } from './blueprint';
import { blueprintCachePath, loadBlueprintCached } from './blueprint-cache';
import { findBlueprint, stateDbPath } from './discovery';
import { ControlPlaneService } from './service';
import { openStore } from './store/sqlite';
import { lockTimeoutFromEnv } from './store/sqlite-busy';
import type { Store } from './store/store';
import type { Identity, RegistryBrowser } from './types';

export interface EmbeddedOptions {
  /** --blueprint; else env FACETS_BLUEPRINT; else facets.yaml upward from cwd. */
  blueprintPath?: string;
  /** --db; else env FACETS_DB; else <blueprint dir>/.facets/state.db. */
  dbPath?: string;
  cwd: string;
  env: Record<string, string | undefined>;
  identity?: Identity;
  clock?: () => Date;
  registryBrowser?: RegistryBrowser;
}

export interface EmbeddedControlPlane {
  service: ControlPlaneService;
  blueprint: Blueprint;
  dbPath: string;
  close(): Promise<void>;
}

export async function openEmbeddedControlPlane(options: EmbeddedOptions): Promise<EmbeddedControlPlane> {
  const blueprintFile = findBlueprint({ flag: options.blueprintPath, env: options.env.FACETS_BLUEPRINT, cwd: options.cwd });
  const dbPath = stateDbPath(resolve(blueprintFile), options.dbPath ?? options.env.FACETS_DB, options.cwd);
  const blueprint = loadBlueprintCached(blueprintFile, blueprintCachePath(dbPath));
  const store = await openStore(dbPath, { lockTimeoutMs: lockTimeoutFromEnv(options.env) });
  try {
    const service = await startService(store, blueprint, options);
    return { service, blueprint, dbPath, close: () => store.close() };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** Syncs the layout into the store, applies the blueprint's initial CI/CD once, and builds the service. */
export async function startService(store: Store, blueprint: Blueprint, options: Omit<EmbeddedOptions, 'cwd' | 'blueprintPath' | 'dbPath'>): Promise<ControlPlaneService> {
  const clock = options.clock ?? (() => new Date());
  await store.syncLayout(blueprint.project, clock().toISOString());
  const service = new ControlPlaneService({ store, layout: blueprint, identity: options.identity, clock, env: options.env, registryBrowser: options.registryBrowser });
  const initial = blueprint.ci;
  if (initial && !(await store.initialCiClaimed(blueprint.project.name))) {
    // Once per database: a later `ci reset` must not be undone by the next start.
    await store.transaction(async (tx) => {
      if (!(await tx.claimInitialCi(blueprint.project.name, clock().toISOString()))) return;
      if (await tx.findCiConfig(blueprint.project.name, null)) return;
      await new ControlPlaneService({ store: tx, layout: blueprint, identity: options.identity, clock, env: options.env }).configureCi({ project: blueprint.project.name, config: initial });
    });
  }
  return service;
}
