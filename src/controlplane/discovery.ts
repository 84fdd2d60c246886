// Where the blueprint and the state database are: flag, else env, else facets.yaml upward from cwd.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { FacetsError } from '../core/errors';

export const BLUEPRINT_FILE = 'facets.yaml';

export interface BlueprintLocation {
  /** --blueprint FILE */
  flag?: string;
  /** FACETS_BLUEPRINT */
  env?: string;
  cwd: string;
}

export function findBlueprint({ flag, env, cwd }: BlueprintLocation): string {
  const given = flag ?? (env ? env : undefined);
  if (given) {
    const file = path.resolve(cwd, given);
    if (!existsSync(file)) {
      const from = flag ? '--blueprint' : 'FACETS_BLUEPRINT';
      throw new FacetsError('NOT_FOUND', `blueprint file ${file} (from ${from}) does not exist`, `check the path given in ${from}, or create the file with \`facetsctl init\``);
    }
    return file;
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, BLUEPRINT_FILE);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new FacetsError(
    'NOT_FOUND',
    `no ${BLUEPRINT_FILE} found in ${path.resolve(cwd)} or any parent directory`,
    `create one with \`facetsctl init\`, pass --blueprint FILE, set FACETS_BLUEPRINT, or use a remote control plane with --control-plane URL`,
  );
}

/** The state database beside the blueprint: `<dir>/.facets/state.db`, unless FACETS_DB or an option says otherwise. */
export function stateDbPath(blueprintPath: string, override?: string, cwd = process.cwd()): string {
  if (override) return path.resolve(cwd, override);
  return path.join(path.dirname(blueprintPath), '.facets', 'state.db');
}
