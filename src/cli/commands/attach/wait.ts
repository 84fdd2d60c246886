// --wait: poll until the environment's resolution shows this revision in effect (or a later change superseded it).
import type { ControlPlane } from '../../../api/control-plane';
import { FacetsError } from '../../../core/errors';
import type { Resolution } from '../../../core/model';
import type { Factory } from '../../factory';

export interface WaitTarget {
  project: string;
  service: string;
  environment: string;
  revision: number;
}

export interface WaitResult {
  inEffect: boolean;
  /** Another attach or detach came after this one. */
  superseded: boolean;
  resolution: Resolution;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitInEffect(f: Factory, cp: ControlPlane, t: WaitTarget, timeoutMs: number, intervalMs = 500): Promise<WaitResult> {
  const deadline = f.now().getTime() + timeoutMs;
  f.io.startProgress(`Waiting for revision ${t.revision} to be in effect in ${t.environment}`);
  try {
    for (;;) {
      const [resolution] = await cp.resolve(t.project, t.service, t.environment);
      if (resolution.resolved && resolution.source === 'OVERRIDE' && resolution.revision === t.revision) return { inEffect: true, superseded: false, resolution };
      const current = await cp.getOverride(t.project, t.service, t.environment);
      if (current === null || current.revision > t.revision) return { inEffect: false, superseded: true, resolution };
      if (f.now().getTime() >= deadline) {
        throw new FacetsError(
          'UNREACHABLE',
          `revision ${t.revision} of ${t.service} in ${t.environment} was not in effect after ${Math.round(timeoutMs / 1000)} s (${resolution.reason})`,
          'the override is saved; check later with `facetsctl resolve` or raise --wait-timeout',
        );
      }
      await sleep(intervalMs);
    }
  } finally {
    f.io.stopProgress();
  }
}
