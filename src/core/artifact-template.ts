// The artifact reference template a service's image field holds: ${blueprint.self.artifacts.<ciName>}.
import { isValidCiName } from './ci-name';
import { FacetsError } from './errors';

const PREFIX = '${blueprint.self.artifacts.';
const SUFFIX = '}';
const HINT = 'the image field must be exactly ${blueprint.self.artifacts.<ciName>}, e.g. ${blueprint.self.artifacts.shop-api-1a2b3c4d}';

export function invalidCiName(ciName: string): string {
  return `CI name "${ciName}" is invalid: it must be 1-63 lowercase letters, digits and inner "-"`;
}

export function formatArtifactTemplate(ciName: string): string {
  if (!isValidCiName(ciName)) throw new FacetsError('USAGE', invalidCiName(ciName));
  return `${PREFIX}${ciName}${SUFFIX}`;
}

/** Returns the ciName the template refers to. */
export function parseArtifactTemplate(s: string): string {
  const refuse = (reason: string) =>
    new FacetsError('USAGE', `"${s}" is not an artifact reference template: ${reason}`, HINT, { template: s });
  if (!s.startsWith(PREFIX)) throw refuse('it must start with "${blueprint.self.artifacts."');
  if (!s.endsWith(SUFFIX)) throw refuse('it must end with "}"');
  const ciName = s.slice(PREFIX.length, s.length - SUFFIX.length);
  if (ciName === '') throw refuse('the CI name is missing');
  if (!isValidCiName(ciName)) throw refuse(invalidCiName(ciName));
  return ciName;
}

export function isArtifactTemplate(s: string): boolean {
  return s.startsWith(PREFIX) && s.endsWith(SUFFIX) && isValidCiName(s.slice(PREFIX.length, s.length - SUFFIX.length));
}
