// CI/CD configuration: defaults, merging a partial change (registration type is immutable), validation against a project.
import { FacetsError } from './errors';
import { CI_STRATEGIES, REGISTRATION_TYPES, type CiConfig, type Project, type RegistrationType } from './model';
import { validatePolicy } from './policy';
import { validateHierarchy } from './promotion';
import { BRANCH_KEY, validateRules } from './routing';

const RESET_HINT = 'run `facetsctl ci reset` (deletes the default routing rule and the promotion workflow) or pass --reset';

function checkRegistrationType(value: unknown): RegistrationType {
  if (!REGISTRATION_TYPES.includes(value as RegistrationType)) {
    throw new FacetsError('USAGE', `registration type "${String(value)}" is invalid (use ${REGISTRATION_TYPES.join(' or ')})`);
  }
  return value as RegistrationType;
}

export function defaultCiConfig(registrationType: RegistrationType): CiConfig {
  return { registrationType, ciStrategy: 'SIMPLE', routingRules: [], promotionHierarchy: [], policy: {} };
}

/** Fields present in `change` replace the current ones whole (routingRules, promotionHierarchy and policy included). */
export function mergeCiConfig(current: CiConfig | null, change: Partial<CiConfig>): CiConfig {
  if (current === null && change.registrationType === undefined) {
    throw new FacetsError(
      'USAGE',
      'registration type is required the first time CI/CD is configured',
      'pass --registration-type ENVIRONMENT or --registration-type RELEASE_STREAM',
    );
  }
  if (change.registrationType !== undefined) checkRegistrationType(change.registrationType);
  if (current !== null && change.registrationType !== undefined && change.registrationType !== current.registrationType) {
    throw new FacetsError(
      'CONFLICT',
      `registration type is ${current.registrationType} and cannot be changed to ${change.registrationType} without a reset`,
      RESET_HINT,
      { current: current.registrationType, requested: change.registrationType },
    );
  }
  if (change.ciStrategy !== undefined && !CI_STRATEGIES.includes(change.ciStrategy)) {
    throw new FacetsError('USAGE', `CI strategy "${String(change.ciStrategy)}" is invalid (use ${CI_STRATEGIES.join(' or ')})`);
  }
  const base = current ?? defaultCiConfig(change.registrationType as RegistrationType);
  return {
    registrationType: base.registrationType,
    ciStrategy: change.ciStrategy ?? base.ciStrategy,
    routingRules: (change.routingRules ?? base.routingRules).map((rule) => ({ ...rule })),
    promotionHierarchy: [...(change.promotionHierarchy ?? base.promotionHierarchy)],
    policy: structuredClone(change.policy ?? base.policy),
  };
}

/** The same settings: a configure that would store this again changes nothing (no save, no event). */
export function sameCiConfig(a: CiConfig | null, b: CiConfig | null): boolean {
  if (a === null || b === null) return a === b;
  const canonical = (c: CiConfig) =>
    JSON.stringify([
      c.registrationType,
      c.ciStrategy,
      c.routingRules.map((r) => [r.metadataKey, r.operator, r.value, r.priority, r.routeTo]),
      c.promotionHierarchy,
      [c.policy.tagPattern ?? null, c.policy.deniedTags ?? [], c.policy.promotedOnly ?? []],
    ]);
  return canonical(a) === canonical(b);
}

export function registrationTargets(config: Pick<CiConfig, 'registrationType'>, project: Pick<Project, 'environments' | 'releaseStreams'>): string[] {
  return config.registrationType === 'ENVIRONMENT'
    ? project.environments.map((e) => e.name)
    : project.releaseStreams.map((s) => s.name);
}

export function validateCiConfig(config: CiConfig, project: Project): void {
  checkRegistrationType(config.registrationType);
  if (!CI_STRATEGIES.includes(config.ciStrategy)) {
    throw new FacetsError('USAGE', `CI strategy "${String(config.ciStrategy)}" is invalid (use ${CI_STRATEGIES.join(' or ')})`);
  }
  validateRules(config.routingRules, config.registrationType, {
    environments: project.environments.map((e) => e.name),
    releaseStreams: project.releaseStreams.map((s) => s.name),
  });
  if (config.ciStrategy === 'SIMPLE') {
    const index = config.routingRules.findIndex((rule) => rule.metadataKey !== BRANCH_KEY);
    if (index !== -1) {
      throw new FacetsError(
        'USAGE',
        `CI strategy SIMPLE takes only branch rules (${BRANCH_KEY}); rule ${index + 1} looks at "${config.routingRules[index].metadataKey}"`,
        'use --ci-strategy ADVANCED for rules on other metadata keys',
      );
    }
  }
  const targets = registrationTargets(config, project);
  if (config.promotionHierarchy.length > 0) validateHierarchy(config.promotionHierarchy, targets, config.registrationType);
  validatePolicy(config.policy, targets);
}
