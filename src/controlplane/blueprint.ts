// The blueprint file (facets.yaml): one project's layout, the source of truth for environments,
// release streams, services and registries. State (artifacts, configs, overrides) lives in the store.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Node } from 'yaml';
import { mergeCiConfig, validateCiConfig } from '../core/ci-config';
import { FacetsError } from '../core/errors';
import { REGISTRY_TYPES, type CiConfig, type ContainerRegistry, type Environment, type Project, type ReleaseStream, type Resource } from '../core/model';
import { readCiSection } from './ci-file';
import type { CredentialReference, ProjectLayout } from './types';
import { join, nodeOf, valueOf, YamlReader } from './yaml-reader';

export interface Blueprint extends ProjectLayout {
  /** Absolute path of the file. */
  path: string;
  /** Initial project-level CI/CD, applied when the store has none yet. */
  ci: Partial<CiConfig> | null;
}

export { REGISTRY_TYPES };

const NAME = { re: /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, what: 'is not a valid name (letters, digits, ".", "_", "-"; at most 63 characters)' };
const ENV_VAR = { re: /^[A-Za-z_][A-Za-z0-9_]*$/, what: 'is not an environment variable name' };
const REGISTRY_URI = { re: /^[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[a-z0-9._\/-]+)?$/, what: 'must be host[:port][/path] without a scheme, e.g. 127.0.0.1:5000 or gcr.io/my-project' };
const HINT = 'fix the blueprint file (see the README, "The blueprint (`facets.yaml`)")';

/** The rules a starter blueprint (`facetsctl init`) checks its inputs with, so what it writes loads. */
export { NAME as BLUEPRINT_NAME, REGISTRY_URI as BLUEPRINT_REGISTRY_URI };

export function loadBlueprint(file: string): Blueprint {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FacetsError('NOT_FOUND', `blueprint file ${absolute} does not exist`, 'create it with `facetsctl init --blueprint FILE`, or pass --blueprint with the path of an existing one');
    throw new FacetsError('USAGE', `cannot read blueprint file ${absolute}: ${(e as Error).message}`, 'check the file permissions');
  }
  return { ...parseBlueprint(text, path.basename(absolute)), path: absolute };
}

/** Parses a blueprint's text; `fileName` prefixes every error (`facets.yaml:7:5: ...`). */
export function parseBlueprint(text: string, fileName: string): Omit<Blueprint, 'path'> {
  const r = new YamlReader(fileName, text, HINT);
  if (r.root == null) throw r.error(undefined, 'the blueprint is empty; it needs at least project, releaseStreams, environments and services');
  const top = r.map(r.root, '', ['project', 'releaseStreams', 'environments', 'services', 'registries', 'ci'], ['project', 'releaseStreams', 'environments']);
  const name = r.string(valueOf(top.get('project')), 'project', NAME);

  const releaseStreams = r.seq(valueOf(top.get('releaseStreams')), 'releaseStreams').map((node, i) => readReleaseStream(r, node, `releaseStreams[${i}]`));
  if (releaseStreams.length === 0) throw r.error(nodeOf(top.get('releaseStreams')!), 'releaseStreams must list at least one release stream');
  unique(r, releaseStreams, 'releaseStreams');

  const streamNames = releaseStreams.map((s) => s.value.name);
  const environments = r.seq(valueOf(top.get('environments')), 'environments').map((node, i) => readEnvironment(r, node, `environments[${i}]`, streamNames));
  if (environments.length === 0) throw r.error(nodeOf(top.get('environments')!), 'environments must list at least one environment');
  unique(r, environments, 'environments');
  uniqueBy(r, environments, 'environments', 'id', (e) => e.id);

  const servicesPair = top.get('services');
  const resources = servicesPair ? r.seq(valueOf(servicesPair), 'services').map((node, i) => readResource(r, node, `services[${i}]`)) : [];
  uniqueBy(r, resources, 'services', 'name', (s) => s.resourceName);

  const registriesPair = top.get('registries');
  const registries = registriesPair ? r.seq(valueOf(registriesPair), 'registries').map((node, i) => readRegistry(r, node, `registries[${i}]`)) : [];
  unique(r, registries.map((x) => ({ node: x.node, value: x.value.registry })), 'registries');

  const project: Project = {
    name,
    releaseStreams: releaseStreams.map((s) => s.value),
    environments: environments.map((e) => e.value),
    resources: resources.map((s) => s.value),
    registries: registries.map((x) => x.value.registry),
  };
  const credentials: Record<string, CredentialReference> = {};
  for (const x of registries) if (x.value.credentials) credentials[x.value.registry.name] = x.value.credentials;
  const ciPair = top.get('ci');
  const ci = ciPair ? readCiSection(r, valueOf(ciPair), 'ci', project) : null;
  if (ci) r.locate(valueOf(ciPair), 'ci', () => validateCiConfig(mergeCiConfig(null, ci), project));
  return { project, credentials, ci };
}

interface Located<T> {
  node: Node;
  value: T;
}

function readReleaseStream(r: YamlReader, node: Node, at: string): Located<ReleaseStream> {
  const m = r.map(node, at, ['name', 'prod', 'description'], ['name']);
  const stream: ReleaseStream = { name: r.string(valueOf(m.get('name')), join(at, 'name'), NAME), prod: false };
  if (m.has('prod')) stream.prod = r.boolean(valueOf(m.get('prod')), join(at, 'prod'));
  if (m.has('description')) stream.description = r.string(valueOf(m.get('description')), join(at, 'description'));
  return { node, value: stream };
}

function readEnvironment(r: YamlReader, node: Node, at: string, streams: string[]): Located<Environment> & { id: string } {
  const m = r.map(node, at, ['name', 'id', 'releaseStream'], ['name', 'releaseStream']);
  const name = r.string(valueOf(m.get('name')), join(at, 'name'), NAME);
  const streamNode = valueOf(m.get('releaseStream'));
  const releaseStream = r.string(streamNode, join(at, 'releaseStream'));
  if (!streams.includes(releaseStream)) {
    throw r.error(streamNode, `${join(at, 'releaseStream')} "${releaseStream}" is not a release stream of this project (known: ${streams.join(', ')})`);
  }
  const id = m.has('id') ? r.string(valueOf(m.get('id')), join(at, 'id'), NAME) : name;
  return { node, value: { id, name, releaseStream }, id };
}

function readResource(r: YamlReader, node: Node, at: string): Located<Resource> {
  const m = r.map(node, at, ['name', 'type'], ['name']);
  const resourceName = r.string(valueOf(m.get('name')), join(at, 'name'), NAME);
  const resourceType = m.has('type') ? r.string(valueOf(m.get('type')), join(at, 'type'), NAME) : 'service';
  return { node, value: { resourceType, resourceName } };
}

function readRegistry(r: YamlReader, node: Node, at: string): Located<{ registry: ContainerRegistry; credentials?: CredentialReference }> {
  const m = r.map(node, at, ['name', 'id', 'type', 'uri', 'internal', 'insecure', 'credentials', 'username', 'password'], ['name', 'type', 'uri']);
  for (const secret of ['password', 'username'] as const) {
    const pair = m.get(secret);
    if (pair) {
      throw r.error(pair.key, `${join(at, secret)}: credentials only by reference, never in clear; use credentials: {fromEnv: {username: VAR, password: VAR}} or credentials: {dockerConfig: true}`);
    }
  }
  const name = r.string(valueOf(m.get('name')), join(at, 'name'), NAME);
  const registry: ContainerRegistry = {
    id: m.has('id') ? r.string(valueOf(m.get('id')), join(at, 'id'), NAME) : name,
    name,
    type: r.oneOf(valueOf(m.get('type')), join(at, 'type'), REGISTRY_TYPES),
    uri: r.string(valueOf(m.get('uri')), join(at, 'uri'), REGISTRY_URI),
    internal: m.has('internal') ? r.boolean(valueOf(m.get('internal')), join(at, 'internal')) : false,
  };
  if (m.has('insecure')) registry.insecure = r.boolean(valueOf(m.get('insecure')), join(at, 'insecure'));
  const credPair = m.get('credentials');
  const credentials = credPair ? readCredentials(r, valueOf(credPair), join(at, 'credentials')) : undefined;
  return { node, value: { registry, credentials } };
}

function readCredentials(r: YamlReader, node: Node | null | undefined, at: string): CredentialReference {
  const m = r.map(node, at, ['fromEnv', 'dockerConfig', 'username', 'password']);
  for (const secret of ['password', 'username'] as const) {
    const pair = m.get(secret);
    if (pair) throw r.error(pair.key, `${join(at, secret)}: credentials only by reference, never in clear; name environment variables under ${join(at, 'fromEnv')}`);
  }
  if (m.has('fromEnv') === m.has('dockerConfig')) throw r.error(node, `${at} must have exactly one of fromEnv or dockerConfig`);
  if (m.has('dockerConfig')) {
    const value = m.get('dockerConfig')!;
    if (!r.boolean(valueOf(value), join(at, 'dockerConfig'))) throw r.error(nodeOf(value), `${join(at, 'dockerConfig')} must be true (or leave credentials out)`);
    return { dockerConfig: true };
  }
  const envAt = join(at, 'fromEnv');
  const env = r.map(valueOf(m.get('fromEnv')), envAt, ['username', 'password'], ['username', 'password']);
  return {
    fromEnv: {
      username: r.string(valueOf(env.get('username')), join(envAt, 'username'), ENV_VAR),
      password: r.string(valueOf(env.get('password')), join(envAt, 'password'), ENV_VAR),
    },
  };
}

function unique(r: YamlReader, items: Located<{ name: string }>[], at: string): void {
  uniqueBy(r, items, at, 'name', (v) => v.name);
}

function uniqueBy<T>(r: YamlReader, items: Located<T>[], at: string, field: string, key: (v: T) => string): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item.value);
    const first = seen.get(k);
    if (first !== undefined) throw r.error(item.node, `${at}[${i}].${field} "${k}" is a duplicate of ${at}[${first}].${field}`);
    seen.set(k, i);
  });
}
