// Wire shapes of CI/CD configuration (CiCdDto, CiCustomCiCd*, Criterion, WorkflowHierarchy) and their mapping.
import type { CiConfig, CiStrategy, Criterion, EffectiveCiConfig, ImageStrategy, ImageVersionPolicy, RegistrationType } from '../../core/model';
import { FacetsError } from '../../core/errors';
import { defined } from './wire-defined';

/** Facets' ciSystem enum: SIMPLE <-> BRANCH_PER_ENVIRONMENT, ADVANCED <-> ADVANCED. */
export type CiSystem = 'BRANCH_PER_ENVIRONMENT' | 'SINGLE_BRANCH_PROMOTION' | 'ADVANCED';

export function ciSystemOf(strategy: CiStrategy): CiSystem {
  return strategy === 'SIMPLE' ? 'BRANCH_PER_ENVIRONMENT' : 'ADVANCED';
}

export function ciStrategyOf(ciSystem: CiSystem): CiStrategy {
  if (ciSystem === 'BRANCH_PER_ENVIRONMENT') return 'SIMPLE';
  if (ciSystem === 'ADVANCED') return 'ADVANCED';
  throw new FacetsError('USAGE', `ciSystem "${ciSystem}" is not supported (use BRANCH_PER_ENVIRONMENT or ADVANCED)`, 'BRANCH_PER_ENVIRONMENT is the SIMPLE strategy: branch pattern to target');
}

export interface WorkflowHierarchyWire {
  registrationValue: string;
  sequence: number;
}

export interface CriterionWire {
  metadataKey: string;
  operator: Criterion['operator'];
  value: string;
  routeTo: string;
  priority?: number;
}

/** CiCdDto / CiCustomCiCdRequest bodies; every field optional here because a configure is partial. */
export interface CiCdRequestWire {
  stackName?: string;
  registrationType?: RegistrationType;
  ciSystem?: CiSystem;
  routingRules?: CriterionWire[];
  promotionHierarchies?: WorkflowHierarchyWire[];
  imageVersionPolicy?: ImageVersionPolicy;
}

/** CiCdDto / CiCustomCiCdResponse: an effective configuration. */
export interface CiCdWire {
  stackName: string;
  mode: EffectiveCiConfig['mode'];
  ciName?: string;
  resourceName?: string;
  imageStrategy?: ImageStrategy;
  registrationType?: RegistrationType;
  ciSystem?: CiSystem;
  routingRules: CriterionWire[];
  promotionHierarchies: WorkflowHierarchyWire[];
  imageVersionPolicy?: ImageVersionPolicy;
  /** serve's: the revision of the configuration stored at this level (0 = none); absent from Facets. */
  revision?: number;
}

export const toCriterion = (c: Criterion): CriterionWire => ({ metadataKey: c.metadataKey, operator: c.operator, value: c.value, priority: c.priority, routeTo: c.routeTo });
export const fromCriterion = (w: CriterionWire, index: number): Criterion => ({
  metadataKey: w.metadataKey,
  operator: w.operator,
  value: w.value,
  priority: w.priority ?? index,
  routeTo: w.routeTo,
});

export const toHierarchy = (values: string[]): WorkflowHierarchyWire[] => values.map((registrationValue, i) => ({ registrationValue, sequence: i + 1 }));
export const fromHierarchy = (w: WorkflowHierarchyWire[]): string[] =>
  [...w].sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0)).map((h) => h.registrationValue);

/** A partial configuration: only the fields the request carries. */
export function fromCiCdRequest(w: CiCdRequestWire): Partial<CiConfig> {
  const config: Partial<CiConfig> = {};
  if (w.registrationType !== undefined) {
    if (w.registrationType !== 'ENVIRONMENT' && w.registrationType !== 'RELEASE_STREAM') {
      throw new FacetsError('USAGE', `registrationType "${w.registrationType}" is not supported (use ENVIRONMENT or RELEASE_STREAM)`);
    }
    config.registrationType = w.registrationType;
  }
  if (w.ciSystem !== undefined) config.ciStrategy = ciStrategyOf(w.ciSystem);
  if (w.routingRules !== undefined) config.routingRules = w.routingRules.map(fromCriterion);
  if (w.promotionHierarchies !== undefined) config.promotionHierarchy = fromHierarchy(w.promotionHierarchies);
  if (w.imageVersionPolicy !== undefined) config.policy = w.imageVersionPolicy;
  return config;
}

export function toCiCdRequest(project: string, config: Partial<CiConfig>): CiCdRequestWire {
  return defined({
    stackName: project,
    registrationType: config.registrationType,
    ciSystem: config.ciStrategy === undefined ? undefined : ciSystemOf(config.ciStrategy),
    routingRules: config.routingRules?.map(toCriterion),
    promotionHierarchies: config.promotionHierarchy === undefined ? undefined : toHierarchy(config.promotionHierarchy),
    imageVersionPolicy: config.policy,
  });
}

/** `registrationType` stands in for an absent configuration's: Facets' clients require the field (mode NONE says there is none). */
export function toCiCd(e: Omit<EffectiveCiConfig, 'revision'> & { revision?: number }, registrationType?: RegistrationType): CiCdWire {
  const c = e.config;
  return defined({
    stackName: e.project,
    mode: e.mode,
    ciName: e.ciName,
    resourceName: e.service,
    imageStrategy: e.strategy,
    registrationType: c?.registrationType ?? registrationType,
    ciSystem: c ? ciSystemOf(c.ciStrategy) : undefined,
    routingRules: c ? c.routingRules.map(toCriterion) : [],
    promotionHierarchies: c ? toHierarchy(c.promotionHierarchy) : [],
    imageVersionPolicy: c?.policy,
    revision: e.revision,
  });
}

export function fromCiCd(w: CiCdWire): EffectiveCiConfig {
  const effective: EffectiveCiConfig = { project: w.stackName, mode: w.mode ?? (w.registrationType ? 'CUSTOM' : 'NONE'), config: null, revision: w.revision ?? 0 };
  if (w.resourceName !== undefined) effective.service = w.resourceName;
  if (w.ciName !== undefined) effective.ciName = w.ciName;
  if (w.imageStrategy !== undefined) effective.strategy = w.imageStrategy;
  // Mode NONE: serve's registrationType then only fills a field Facets' clients require.
  if (effective.mode !== 'NONE' && (w.registrationType === 'ENVIRONMENT' || w.registrationType === 'RELEASE_STREAM')) {
    effective.config = {
      registrationType: w.registrationType,
      ciStrategy: w.ciSystem ? ciStrategyOf(w.ciSystem) : 'SIMPLE',
      routingRules: (w.routingRules ?? []).map(fromCriterion),
      promotionHierarchy: fromHierarchy(w.promotionHierarchies ?? []),
      policy: w.imageVersionPolicy ?? {},
    };
  }
  return effective;
}
