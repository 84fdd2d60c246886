// Image references as docker parses them (distribution/reference), normalised to registry/repository.
import { FacetsError } from './errors';

export interface ImageReference {
  /** 'docker.io' when none given. */
  registry: string;
  /** 'library/nginx' for docker.io single-component names. */
  repository: string;
  /** 'latest' when neither tag nor digest given. */
  tag: string | null;
  /** 'sha256:…' */
  digest: string | null;
}

export const DEFAULT_REGISTRY = 'docker.io';
export const NAME_TOTAL_LENGTH_MAX = 255;

const LEGACY_DEFAULT_REGISTRY = 'index.docker.io';
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[0-9a-fA-F:.]+\]$/;
const HEX64 = /^[a-f0-9]{64}$/;

const TAG_HINT = 'a tag is 1-128 characters of letters, digits, "_", "." and "-", and does not start with "." or "-"';
const REFERENCE_HINT = 'write it as [REGISTRY[:PORT]/]REPOSITORY[:TAG][@sha256:DIGEST], e.g. 127.0.0.1:5000/team/api:1.4.2';

export function isValidTag(s: string): boolean {
  return TAG.test(s);
}

export function isValidDigest(s: string): boolean {
  return digestProblem(s) === null;
}

/** Why a digest is invalid, or null when it is valid. */
export function digestProblem(s: string): string | null {
  if (s === '') return 'digest is empty';
  const colon = s.indexOf(':');
  if (colon === -1) return `digest "${s}" has no algorithm (expected sha256:<64 hex>)`;
  const algorithm = s.slice(0, colon);
  const hex = s.slice(colon + 1);
  const expected = DIGEST_HEX_LENGTH[algorithm];
  if (expected === undefined) return `digest algorithm "${algorithm}" is not supported (use sha256 or sha512)`;
  if (!/^[0-9a-fA-F]*$/.test(hex)) return `digest "${s}" must be hexadecimal after "${algorithm}:"`;
  if (hex !== hex.toLowerCase()) return `digest "${s}" must use lowercase hexadecimal`;
  if (hex.length !== expected) return `${algorithm} digest must have ${expected} hex characters (got ${hex.length})`;
  return null;
}

function invalid(input: string, reason: string): FacetsError {
  return new FacetsError('USAGE', `invalid image reference "${input}": ${reason}`, REFERENCE_HINT, { reference: input });
}

function registryProblem(registry: string): string | null {
  const colon = registry.startsWith('[') ? registry.indexOf(':', registry.indexOf(']')) : registry.indexOf(':');
  const host = colon === -1 ? registry : registry.slice(0, colon);
  if (colon !== -1) {
    const port = registry.slice(colon + 1);
    if (port === '') return `registry "${registry}" has an empty port`;
    if (!/^[0-9]+$/.test(port)) return `registry port "${port}" must be a number`;
    if (Number(port) < 1 || Number(port) > 65535) return `registry port ${port} is out of range (1-65535)`;
  }
  if (host === '') return `registry "${registry}" has an empty host`;
  if (host.startsWith('[')) return IPV6_HOST.test(host) ? null : `registry host "${host}" is not a valid IPv6 address`;
  for (const component of host.split('.')) {
    if (component === '') return `registry host "${host}" has an empty domain component`;
    if (!DOMAIN_COMPONENT.test(component)) {
      return `registry host "${host}" has an invalid domain component "${component}" (letters, digits and inner "-" only)`;
    }
  }
  return null;
}

function pathComponentProblem(component: string): string | null {
  if (component === '') return 'repository has an empty path component';
  if (PATH_COMPONENT.test(component)) return null;
  const bad = component.match(/[^a-z0-9._-]/);
  if (bad) return `path component "${component}" has invalid character "${bad[0]}"`;
  if (/^[._-]/.test(component) || /[._-]$/.test(component)) {
    return `path component "${component}" must start and end with a lowercase letter or digit`;
  }
  const separator = component.match(/[._-]{2,}/)?.[0] ?? '';
  return `path component "${component}" has an invalid separator "${separator}" (use ".", "_", "__" or "-")`;
}

function repositoryProblem(repository: string): string | null {
  if (repository === '') return 'repository name is empty';
  if (repository !== repository.toLowerCase()) return `repository must be lowercase (got "${repository}")`;
  if (repository.startsWith('/')) return 'repository must not start with "/"';
  if (repository.endsWith('/')) return 'repository must not end with "/"';
  if (HEX64.test(repository)) return 'a 64-character hexadecimal string is an image ID, not a repository name';
  for (const component of repository.split('/')) {
    const problem = pathComponentProblem(component);
    if (problem) return problem;
  }
  return null;
}

/** Splits "name[:tag][@digest]" without interpreting the name. */
function splitReference(input: string): { name: string; tag: string | null; digest: string | null } {
  const at = input.indexOf('@');
  if (at !== -1 && input.indexOf('@', at + 1) !== -1) throw invalid(input, 'more than one "@" digest separator');
  const nameAndTag = at === -1 ? input : input.slice(0, at);
  const digest = at === -1 ? null : input.slice(at + 1);
  const colon = nameAndTag.lastIndexOf(':');
  if (colon > nameAndTag.lastIndexOf('/')) {
    return { name: nameAndTag.slice(0, colon), tag: nameAndTag.slice(colon + 1), digest };
  }
  return { name: nameAndTag, tag: null, digest };
}

/** A first component is a registry only if it contains '.' or ':' or is 'localhost'. */
function splitRegistry(name: string): { registry: string | null; repository: string } {
  const slash = name.indexOf('/');
  if (slash === -1) return { registry: null, repository: name };
  const first = name.slice(0, slash);
  if (first.includes('.') || first.includes(':') || first === 'localhost') {
    return { registry: first, repository: name.slice(slash + 1) };
  }
  return { registry: null, repository: name };
}

export function parseImageReference(input: string): ImageReference {
  if (input === '') throw invalid(input, 'image reference is empty');
  if (/\s/.test(input)) throw invalid(input, 'must not contain whitespace');
  const scheme = input.match(/^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//);
  if (scheme) throw invalid(input, `must not include a scheme ("${scheme[0]}"); drop it`);

  const { name, tag, digest } = splitReference(input);
  if (name === '') throw invalid(input, 'repository name is empty');
  if (name.length > NAME_TOTAL_LENGTH_MAX) {
    throw invalid(input, `name is ${name.length} characters long (at most ${NAME_TOTAL_LENGTH_MAX})`);
  }
  if (tag !== null) {
    if (tag === '') throw invalid(input, 'tag is empty after ":"');
    if (tag.length > 128) throw invalid(input, `tag is ${tag.length} characters long (at most 128)`);
    if (!isValidTag(tag)) throw invalid(input, `tag "${tag}" is invalid: ${TAG_HINT}`);
  }
  if (digest !== null) {
    const problem = digestProblem(digest);
    if (problem) throw invalid(input, problem);
  }

  const split = splitRegistry(name);
  if (split.registry !== null) {
    const problem = registryProblem(split.registry);
    if (problem) throw invalid(input, problem);
  }
  const problem = repositoryProblem(split.repository);
  if (problem) throw invalid(input, problem);

  let registry = split.registry === null ? DEFAULT_REGISTRY : split.registry.toLowerCase();
  if (registry === LEGACY_DEFAULT_REGISTRY) registry = DEFAULT_REGISTRY;
  const repository = registry === DEFAULT_REGISTRY && !split.repository.includes('/') ? `library/${split.repository}` : split.repository;
  return { registry, repository, tag: tag === null && digest === null ? 'latest' : tag, digest };
}

export function repositoryPath(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}`;
}

export function formatImageReference(ref: ImageReference): string {
  return `${repositoryPath(ref)}${ref.tag !== null ? `:${ref.tag}` : ''}${ref.digest !== null ? `@${ref.digest}` : ''}`;
}

/** registry/repo:tag@digest; refuses a digest that differs from one the reference already pins. */
export function pinImageReference(ref: ImageReference, digest: string): string {
  const problem = digestProblem(digest);
  if (problem) throw new FacetsError('USAGE', `cannot pin ${formatImageReference(ref)}: ${problem}`);
  if (ref.digest !== null && ref.digest !== digest) {
    throw new FacetsError(
      'USAGE',
      `image reference ${formatImageReference(ref)} is pinned to ${ref.digest}, not ${digest}`,
      'drop the "@digest" part or use the digest the registry has',
      { expected: ref.digest, actual: digest },
    );
  }
  return formatImageReference({ ...ref, digest });
}
