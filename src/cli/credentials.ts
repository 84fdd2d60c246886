// Profiles in ~/.facets/credentials: INI, one section per profile (control_plane_url, username, token).
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FacetsError } from '../core/errors';

export interface Profile {
  control_plane_url?: string;
  username?: string;
  token?: string;
}

export type Profiles = Record<string, Record<string, string>>;

export function credentialsPath(homedir: string): string {
  return join(homedir, '.facets', 'credentials');
}

export function parseIni(text: string, file: string): Profiles {
  const profiles: Profiles = {};
  let section: Record<string, string> | null = null;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = profiles[header[1].trim()] ??= {};
      return;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !section) {
      throw new FacetsError('USAGE', `${file}:${index + 1}: expected "[profile]" or "key = value"`, `fix or remove ${file}`);
    }
    section[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  });
  return profiles;
}

export function formatIni(profiles: Profiles): string {
  return Object.entries(profiles)
    .map(([name, values]) => [`[${name}]`, ...Object.entries(values).map(([k, v]) => `${k} = ${v}`)].join('\n'))
    .join('\n\n') + '\n';
}

export function readProfiles(homedir: string): Profiles {
  const file = credentialsPath(homedir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  return parseIni(text, file);
}

/** Written with mode 0600 (and the directory 0700, tightened if it exists looser, as gh and aws do): it holds tokens. */
export function writeProfiles(homedir: string, profiles: Profiles): string {
  const file = credentialsPath(homedir);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if ((statSync(dirname(file)).mode & 0o077) !== 0) chmodSync(dirname(file), 0o700);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, formatIni(profiles), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return file;
}

export function saveProfile(homedir: string, name: string, profile: Profile): string {
  const profiles = readProfiles(homedir);
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(profile)) if (v !== undefined) values[k] = v;
  profiles[name] = values;
  return writeProfiles(homedir, profiles);
}

/** Returns whether the profile existed. */
export function removeProfile(homedir: string, name: string): boolean {
  const profiles = readProfiles(homedir);
  if (!(name in profiles)) return false;
  delete profiles[name];
  writeProfiles(homedir, profiles);
  return true;
}
