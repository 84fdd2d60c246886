// The control plane: domain service + store. Usage: `openEmbeddedControlPlane({cwd, env})` finds the blueprint
// (facets.yaml), opens the SQLite state beside it and returns `{service, close}`; `service` has exactly the
// methods of the ControlPlane interface (src/api/control-plane.ts). For a server, build the parts yourself:
// `loadBlueprint(path)`, `openStore(dbPath)`, `startService(store, blueprint, {env})` (syncs the layout and applies
// the blueprint's initial CI/CD), then `service.forIdentity({username, name})` per authenticated request.
// API tokens live in the same store: `store.createApiToken/findApiTokens/countApiTokens` (hashes only).
export { loadBlueprint, parseBlueprint, REGISTRY_TYPES, type Blueprint } from './blueprint';
export { loadCiFile, parseCiFile } from './ci-file';
export { BLUEPRINT_FILE, findBlueprint, stateDbPath, type BlueprintLocation } from './discovery';
export { openEmbeddedControlPlane, startService, type EmbeddedControlPlane, type EmbeddedOptions } from './embedded';
export { ControlPlaneService, osIdentity, type ControlPlaneServiceOptions } from './service';
export { openStore, type OpenStoreOptions } from './store/sqlite';
export type { ApiToken, Store } from './store/store';
export type * from './types';
