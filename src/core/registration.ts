// What refuses a registration, decided from the CI/CD configuration alone: the control plane applies these when it
// registers, and push asks them before pushing so that a refused image never reaches the registry.
import { FacetsError } from './errors';
import type { CiConfig, Criterion, ImageStrategy } from './model';
import { promotedOnlyHint, type DeliveryContext } from './delivery';
import { checkPolicy } from './policy';
import { routeArtifact } from './routing';

export type TargetKind = 'environment' | 'releaseStream' | 'metadata';

/** A MANUAL service is attached by hand; without a CI/CD configuration (its own or the project's) the registration type is not known. */
export function registrationRefusal(project: string, service: string, strategy: ImageStrategy, config: CiConfig | null, action: string): FacetsError | null {
  if (strategy === 'MANUAL') {
    return new FacetsError(
      'CONFLICT',
      `service ${service} uses manual attach; use \`facetsctl attach\` or switch strategy`,
      `run \`facetsctl attach IMAGE --service ${service} --environment ENVIRONMENT\`, or switch with \`facetsctl ci configure --service ${service} --strategy project\``,
      { strategy: 'MANUAL' },
    );
  }
  if (config) return null;
  const level = strategy === 'SERVICE_CI' ? `service ${service}` : `project ${project}`;
  const flag = strategy === 'SERVICE_CI' ? ` --service ${service}` : '';
  return new FacetsError(
    'USAGE',
    `cannot ${action}: ${level} has no CI/CD configuration, so the registration type is not known (service strategy ${strategy})`,
    `run \`facetsctl ci configure${flag} --registration-type ENVIRONMENT|RELEASE_STREAM\` first`,
  );
}

/** An environment given where the registration type wants a release stream, or the other way round. */
export function targetKindRefusal(config: CiConfig, kind: 'environment' | 'releaseStream', value: string): FacetsError | null {
  const wanted = config.registrationType === 'ENVIRONMENT' ? 'environment' : 'releaseStream';
  if (kind === wanted) return null;
  const noun = config.registrationType === 'ENVIRONMENT' ? 'an environment' : 'a release stream';
  const given = kind === 'environment' ? 'an environment' : 'a release stream';
  const flag = config.registrationType === 'ENVIRONMENT' ? '--environment' : '--release-stream';
  return new FacetsError('USAGE', `the registration type is ${config.registrationType}, so artifacts are registered to ${noun}, not to ${given} ("${value}")`, `pass ${flag} NAME, or --git-ref BRANCH to route by the rules`, {
    registrationType: config.registrationType,
  });
}

function describeMetadata(metadata: Record<string, string>): string {
  const entries = Object.entries(metadata);
  return entries.length > 0 ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : 'no metadata';
}

export function noRouteRefusal(config: CiConfig, metadata: Record<string, string>): FacetsError {
  return new FacetsError('POLICY', `no routing rule matches ${describeMetadata(metadata)} (${config.routingRules.length} rule(s) checked); nothing was registered`, 'add a rule with `facetsctl ci configure`, or pass --environment/--release-stream', {
    rule: 'requireRoute',
  });
}

export interface RegistrationPlan {
  kind: TargetKind;
  /** The environment or release stream named (kind environment / releaseStream). */
  value?: string;
  metadata: Record<string, string>;
  tag: string | null;
  requireRoute?: boolean;
}

/**
 * Where a registration under `config` goes (null = stored unrouted) and the rule that routed it; throws what the
 * registration would be refused for: the wrong kind of target, no rule with requireRoute, the image version policy.
 * `owner` (the service and its strategy) lets a refusal name the command that would work.
 */
export function planRegistration(
  config: CiConfig,
  plan: RegistrationPlan,
  owner?: Omit<DeliveryContext, 'config'>,
): { registrationValue: string | null; rule: Criterion | null } {
  let registrationValue: string | null;
  let rule: Criterion | null = null;
  if (plan.kind === 'metadata') {
    rule = routeArtifact(config.routingRules, plan.metadata);
    registrationValue = rule?.routeTo ?? null;
    if (!rule && plan.requireRoute) throw noRouteRefusal(config, plan.metadata);
  } else {
    const refusal = targetKindRefusal(config, plan.kind, plan.value ?? '');
    if (refusal) throw refusal;
    registrationValue = plan.value ?? null;
  }
  const hint = owner && registrationValue !== null ? promotedOnlyHint({ ...owner, config }, registrationValue) : undefined;
  checkPolicy(config.policy, { tag: plan.tag, registrationValue, promoted: false }, hint);
  return { registrationValue, rule };
}
