// The image version policy services inherit: which tags may be registered, and which targets take only promoted artifacts.
import { FacetsError } from './errors';
import { isValidTag } from './image-reference';
import type { ImageVersionPolicy } from './model';

/** Semantic versions with an optional "v"; build metadata uses "_" since docker tags cannot hold "+". */
export const SEMVER_TAG_PATTERN =
  '^v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)' +
  '(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?' +
  '(?:_([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$';

export interface PolicySubject {
  tag: string | null;
  registrationValue: string | null;
  promoted: boolean;
}

function compile(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (e) {
    throw new FacetsError(
      'USAGE',
      `image version policy tagPattern "${pattern}" is not a valid regular expression: ${(e as Error).message}`,
      `fix the pattern, e.g. ${SEMVER_TAG_PATTERN} for semantic versions`,
    );
  }
}

/** `promotedOnlyHint`: what to run instead, when the caller knows the service and the promotion hierarchy. */
export function checkPolicy(policy: ImageVersionPolicy, a: PolicySubject, promotedOnlyHint?: string): void {
  if (a.tag !== null && policy.deniedTags?.includes(a.tag)) {
    throw new FacetsError(
      'POLICY',
      `tag "${a.tag}" is refused by the image version policy (deniedTags)`,
      'push an immutable tag, e.g. a version such as 1.4.2 or the git commit',
      { rule: 'deniedTags', tag: a.tag },
    );
  }
  if (policy.tagPattern !== undefined) {
    if (a.tag === null) {
      throw new FacetsError(
        'POLICY',
        `an artifact without a tag is refused by the image version policy (tagPattern ${policy.tagPattern})`,
        'register it with a tag that matches the pattern',
        { rule: 'tagPattern', tagPattern: policy.tagPattern },
      );
    }
    if (!compile(policy.tagPattern).test(a.tag)) {
      throw new FacetsError(
        'POLICY',
        `tag "${a.tag}" does not match the image version policy (tagPattern ${policy.tagPattern})`,
        'tag the image with a version the pattern accepts',
        { rule: 'tagPattern', tag: a.tag, tagPattern: policy.tagPattern },
      );
    }
  }
  if (a.registrationValue !== null && !a.promoted && policy.promotedOnly?.includes(a.registrationValue)) {
    throw new FacetsError(
      'POLICY',
      `"${a.registrationValue}" takes only promoted artifacts under the image version policy (promotedOnly)`,
      promotedOnlyHint ?? 'register it to an earlier stage and run `facetsctl promote`',
      { rule: 'promotedOnly', registrationValue: a.registrationValue },
    );
  }
}

export function validatePolicy(policy: ImageVersionPolicy, validValues: string[]): void {
  if (policy.tagPattern !== undefined) {
    if (policy.tagPattern === '') {
      throw new FacetsError('USAGE', 'image version policy tagPattern is empty', 'omit tagPattern to accept any tag');
    }
    compile(policy.tagPattern);
  }
  for (const tag of policy.deniedTags ?? []) {
    if (!isValidTag(tag)) {
      throw new FacetsError('USAGE', `image version policy deniedTags entry "${tag}" is not a valid image tag`, 'a tag is 1-128 characters of letters, digits, "_", "." and "-"');
    }
  }
  for (const value of policy.promotedOnly ?? []) {
    if (!validValues.includes(value)) {
      throw new FacetsError(
        'USAGE',
        `image version policy promotedOnly entry "${value}" is not a registration target of this project (valid: ${validValues.join(', ') || 'none'})`,
      );
    }
  }
}
