// The promotion hierarchy: ordered registration values an artifact moves through, e.g. dev → staging → production.
import { FacetsError } from './errors';
import type { RegistrationType } from './model';
import { targetNoun, targetNounWithArticle } from './routing';

export function formatHierarchy(hierarchy: string[]): string {
  return hierarchy.join(' → ');
}

export function validateHierarchy(hierarchy: string[], validValues: string[], registrationType: RegistrationType): void {
  const noun = targetNoun(registrationType);
  const valid = validValues.length > 0 ? validValues.join(', ') : `none: the project has no ${noun}s`;
  const hint = `list ${noun}s in promotion order, e.g. --promotion ${validValues.slice(0, 3).join(',') || 'dev,staging,production'}`;
  if (hierarchy.length === 0) throw new FacetsError('USAGE', `promotion hierarchy is empty; it needs at least one ${noun}`, hint);
  const seen = new Set<string>();
  hierarchy.forEach((value, index) => {
    if (value === '') throw new FacetsError('USAGE', `promotion hierarchy entry ${index + 1} is empty`, hint);
    if (seen.has(value)) {
      throw new FacetsError('USAGE', `promotion hierarchy lists "${value}" more than once (${formatHierarchy(hierarchy)})`, hint);
    }
    seen.add(value);
    if (!validValues.includes(value)) {
      throw new FacetsError(
        'USAGE',
        `promotion hierarchy entry "${value}" is not ${targetNounWithArticle(registrationType)}; with registration type ${registrationType} every entry must be ${targetNounWithArticle(registrationType)} (valid: ${valid})`,
        hint,
      );
    }
  });
}

function indexIn(hierarchy: string[], value: string): number {
  const index = hierarchy.indexOf(value);
  if (index === -1) {
    const shown = hierarchy.length > 0 ? formatHierarchy(hierarchy) : 'it is empty';
    throw new FacetsError('USAGE', `"${value}" is not in the promotion hierarchy (${shown})`, 'set it with `facetsctl ci configure --promotion ...`');
  }
  return index;
}

/** The next level up; null at the top. */
export function nextAfter(hierarchy: string[], value: string): string | null {
  const index = indexIn(hierarchy, value);
  return index + 1 < hierarchy.length ? hierarchy[index + 1] : null;
}

/** An artifact may be promoted only upwards: `to` must come after `from` in the hierarchy. */
export function validatePromotion(hierarchy: string[], from: string, to: string): void {
  const fromIndex = indexIn(hierarchy, from);
  const toIndex = indexIn(hierarchy, to);
  if (toIndex <= fromIndex) {
    throw new FacetsError(
      'USAGE',
      `cannot promote from "${from}" to "${to}": "${to}" does not come after "${from}" in the promotion hierarchy (${formatHierarchy(hierarchy)})`,
    );
  }
}
