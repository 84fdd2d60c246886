// Live completion values (services, environments, release streams, registries) of the current project,
// read from the embedded blueprint or the remote control plane, and cached for a minute.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Project } from '../../core/model';
import type { Factory } from '../factory';
import { loadCreateControlPlane } from '../factory';
import type { ValueKind } from './spec';

export const CACHE_TTL_MS = 60_000;
/** A completion must not hang the shell: one short try at a remote control plane. */
const REMOTE_TIMEOUT_MS = 2_000;

export interface ProjectNames {
  services: string[];
  environments: string[];
  releaseStreams: string[];
  registries: string[];
}

export function cacheDir(f: Pick<Factory, 'env' | 'homedir'>): string {
  return path.join(f.env.XDG_CACHE_HOME || path.join(f.homedir, '.cache'), 'facetsctl');
}

export function namesOf(project: Project): ProjectNames {
  return {
    services: project.resources.map((r) => r.resourceName),
    environments: project.environments.map((e) => e.name),
    releaseStreams: project.releaseStreams.map((s) => s.name),
    registries: project.registries.map((r) => r.name),
  };
}

interface Source {
  /** Identifies what the names were read from: the cache file is keyed by it. */
  key: string;
  read(): Promise<ProjectNames>;
}

function embeddedSource(f: Factory, blueprint: string | undefined): Source {
  const { findBlueprint } = require('../../controlplane/discovery') as typeof import('../../controlplane/discovery');
  const file = findBlueprint({ flag: blueprint, env: f.env.FACETS_BLUEPRINT, cwd: f.cwd });
  // The file's mtime is part of the key: an edited blueprint is read again at once.
  const key = `embedded ${file} ${fs.statSync(file).mtimeMs}`;
  return {
    key,
    read: async () => {
      const { loadBlueprint } = require('../../controlplane/blueprint') as typeof import('../../controlplane/blueprint');
      return namesOf(loadBlueprint(file).project);
    },
  };
}

function remoteSource(f: Factory, url: string, username: string | undefined, token: string | undefined): Source {
  return {
    key: `remote ${url} ${username ?? ''} ${f.globals.project ?? ''}`,
    read: async () => {
      const handle = await loadCreateControlPlane()({ controlPlaneUrl: url, username, token, cwd: f.cwd, env: f.env, timeoutMs: REMOTE_TIMEOUT_MS, deadlineMs: REMOTE_TIMEOUT_MS, retries: 0 });
      try {
        const cp = handle.client;
        let project = f.globals.project;
        if (!project) {
          const projects = await cp.listProjects();
          if (projects.length !== 1) return { services: [], environments: [], releaseStreams: [], registries: [] };
          project = projects[0];
        }
        return namesOf(await cp.getProject(project));
      } finally {
        await handle.close();
      }
    },
  };
}

function readCache(file: string, now: number): ProjectNames | null {
  try {
    const age = now - fs.statSync(file).mtimeMs;
    if (age < 0 || age >= CACHE_TTL_MS) return null;
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ProjectNames;
  } catch {
    return null;
  }
}

function writeCache(file: string, names: ProjectNames): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(names), { mode: 0o600 });
    fs.renameSync(temporary, file);
  } catch {
    // A read-only home only costs the next completion a fresh read.
  }
}

/** The project's names, from the cache when it is younger than a minute. */
export async function projectNames(f: Factory): Promise<ProjectNames> {
  const target = f.controlPlaneTarget();
  const source = target.kind === 'remote' ? remoteSource(f, target.url, target.username, target.token) : embeddedSource(f, target.blueprint);
  const file = path.join(cacheDir(f), `names-${createHash('sha256').update(source.key).digest('hex').slice(0, 16)}.json`);
  const cached = readCache(file, f.now().getTime());
  if (cached) return cached;
  const names = await source.read();
  writeCache(file, names);
  return names;
}

/** The values one kind completes to. */
export async function completionValues(kind: ValueKind, f: Factory): Promise<string[]> {
  if (kind === 'profiles') return Object.keys(f.profiles()).sort();
  const names = await projectNames(f);
  switch (kind) {
    case 'services':
      return names.services;
    case 'environments':
      return names.environments;
    case 'release-streams':
      return names.releaseStreams;
    case 'targets':
      return [...names.environments, ...names.releaseStreams];
    case 'registries':
      return names.registries;
  }
}
