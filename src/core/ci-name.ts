// CI names: `<project>-<resource>-<8 chars [a-z0-9]>`, a lowercase DNS-label-like name.
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { FacetsError } from './errors';

export const CI_NAME_MAX_LENGTH = 63;
export const CI_NAME_SUFFIX_LENGTH = 8;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
// Bytes at or above the largest multiple of 36 are rejected so every character is equally likely.
const REJECT_FROM = 256 - (256 % ALPHABET.length);
const MAX_ROUNDS = 1000;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const SUFFIX = new RegExp(`^[a-z0-9]{${CI_NAME_SUFFIX_LENGTH}}$`);

/** Lowercase, accents dropped, invalid characters folded to '-', '-' collapsed and trimmed, at most maxLength. */
export function foldName(s: string, maxLength: number = CI_NAME_MAX_LENGTH): string {
  const folded = s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return folded.slice(0, maxLength).replace(/-+$/, '');
}

/** `length` characters of [a-z0-9], each uniformly distributed (rejection sampling). */
export function randomSuffix(length: number, randomBytes: (n: number) => Uint8Array = cryptoRandomBytes): string {
  let suffix = '';
  for (let round = 0; suffix.length < length; round++) {
    if (round >= MAX_ROUNDS) throw new FacetsError('INTERNAL', 'the random source keeps returning unusable bytes');
    for (const byte of randomBytes(length - suffix.length)) {
      if (byte < REJECT_FROM && suffix.length < length) suffix += ALPHABET[byte % ALPHABET.length];
    }
  }
  return suffix;
}

/** Shares the room left by the suffix between project and resource, the shorter keeping its full length. */
function fitParts(project: string, resource: string, room: number): [string, string] {
  if (project.length + resource.length <= room) return [project, resource];
  const half = Math.floor(room / 2);
  const projectLength = resource.length <= room - half ? room - resource.length : Math.min(project.length, half);
  const trim = (s: string, n: number) => s.slice(0, n).replace(/-+$/, '');
  return [trim(project, projectLength), trim(resource, room - projectLength)];
}

/** `<folded project>-<folded resource>-`, shortened as every generated CI name of that resource is: the part before its suffix. */
export function ciNamePrefix(project: string, resource: string): string {
  const foldedProject = foldName(project);
  const foldedResource = foldName(resource);
  if (foldedProject === '') {
    throw new FacetsError('USAGE', `project name "${project}" has no letters or digits to build a CI name from`);
  }
  if (foldedResource === '') {
    throw new FacetsError('USAGE', `resource name "${resource}" has no letters or digits to build a CI name from`);
  }
  const room = CI_NAME_MAX_LENGTH - CI_NAME_SUFFIX_LENGTH - 2;
  const [p, r] = fitParts(foldedProject, foldedResource, room);
  return `${p}-${r}-`;
}

/** Whether ciName is one generateCiName could have made for this resource: its prefix, then exactly 8 of [a-z0-9]. */
export function isCiNameOf(ciName: string, project: string, resource: string): boolean {
  const prefix = ciNamePrefix(project, resource);
  return ciName.length === prefix.length + CI_NAME_SUFFIX_LENGTH && ciName.startsWith(prefix) && SUFFIX.test(ciName.slice(prefix.length));
}

export function generateCiName(project: string, resource: string, randomBytes?: (n: number) => Uint8Array): string {
  return `${ciNamePrefix(project, resource)}${randomSuffix(CI_NAME_SUFFIX_LENGTH, randomBytes)}`;
}

export function isValidCiName(s: string): boolean {
  return s.length <= CI_NAME_MAX_LENGTH && DNS_LABEL.test(s);
}
