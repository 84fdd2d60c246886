// What the control plane would refuse a registration for, asked before anything is verified or pushed.
import type { ControlPlane } from '../api/control-plane';
import type { EffectiveCiConfig } from '../core/model';
import { planRegistration, registrationRefusal, type RegistrationPlan } from '../core/registration';

/**
 * Refuses, from the service's CI/CD configuration: a MANUAL service, no CI/CD configuration, the wrong kind of target,
 * no matching rule with --require-route, the image version policy.
 */
export async function precheckRegistration(cp: ControlPlane, project: string, service: string, plan: RegistrationPlan): Promise<void> {
  checkRegistration(project, service, await cp.getCiConfig(project, service), plan);
}

/** precheckRegistration's refusals, given the service's effective CI/CD configuration. */
export function checkRegistration(project: string, service: string, effective: EffectiveCiConfig, plan: RegistrationPlan): void {
  const refusal = registrationRefusal(project, service, effective.strategy ?? 'PROJECT_CI', effective.config, 'register an artifact');
  if (refusal) throw refusal;
  planRegistration(effective.config!, plan, { service, strategy: effective.strategy ?? 'PROJECT_CI' });
}
