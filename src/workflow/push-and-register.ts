// The whole push: inputs -> plan -> precheck -> push -> register, in that order, so that whatever the registration
// would be refused for is refused before anything reaches the registry.
import type { ControlPlane } from '../api/control-plane';
import { formatImageReference, type ImageReference } from '../core/image-reference';
import type { ContainerRegistry } from '../core/model';
import type { Compression } from '../registry/compress/codec';
import type { OnWorkflowEvent, WorkflowContext } from './context';
import { registrationInputs, type RegistrationFlags } from './inputs';
import { checkTargets, chooseRegistry, pushTarget, registrationPlan } from './plan';
import { precheckRegistration } from './precheck';
import { pushImage, type LocalSide } from './push';
import { registerImage, type RegisterOutput } from './register';
import { registryAuth, registryHost } from './registry-access';

export interface PushRequest extends RegistrationFlags {
  project: string;
  service: string;
  /** The local image: name[:tag] or image id. */
  image: string;
  /** Its name as a reference (sourceReference), null for an image id. */
  source: ImageReference | null;
  registry?: string;
  repository?: string;
  tag?: string;
  keepTag?: boolean;
  /** The engine's own push instead of the native upload. */
  viaEngine?: boolean;
  /** Compression level of the native push (0-9, default 1; zstd's level with zstd). */
  compressionLevel?: number;
  /** gzip (default) or zstd, for the native push. */
  compression?: Compression;
  externalId?: string;
  description?: string;
  requireRoute?: boolean;
}

export type PushOutput = RegisterOutput & { pushed: boolean; skipped: boolean };

export interface PushHooks {
  /** Picks the registry when several are offered and nothing names one (a prompt, or a usage error). */
  chooseRegistry(offered: ContainerRegistry[]): Promise<ContainerRegistry>;
  onEvent: OnWorkflowEvent;
}

/** The tag a daemonless source names after its path (`oci:DIR:1.4.2`); loaded on use, as the source readers are. */
function sourceSpecTag(image: string): string | undefined {
  return (require('../registry/image-source/spec') as typeof import('../registry/image-source/spec')).sourceSpecTag(image);
}

/** `localSide` (inspectLocalImage, started early) is the image to push; null with --no-push: register what the registry has. */
export async function pushAndRegister(f: WorkflowContext, cp: ControlPlane, req: PushRequest, localSide: Promise<LocalSide> | null, hooks: PushHooks): Promise<PushOutput> {
  const { project, service } = req;
  await checkTargets(cp, project, service, req);
  // The branch and the target are settled before pushing, so that a routing error cannot strand a pushed image.
  const inputs = await registrationInputs(req, f);
  const registries = await cp.listRegistries(project);
  const registry = await chooseRegistry(registries, project, req.source, req.registry, hooks.chooseRegistry);
  const target = pushTarget(registry, req.source, { repository: req.repository, tag: req.tag ?? (localSide ? sourceSpecTag(req.image) : undefined) }, project, service);
  // Whatever the registration would be refused for is refused before pushing, so a refused image never reaches the registry.
  await precheckRegistration(cp, project, service, registrationPlan(inputs.target, inputs.metadata, target.tag, req.requireRoute));

  let pushed = false;
  let digest: string | undefined;
  let untagged = Promise.resolve();
  if (localSide) {
    const auth = await registryAuth(f, cp, project, registry, service);
    f.debug(`push ${req.image} -> ${formatImageReference(target)} (registry ${registry.name}, host ${registryHost(registry)})`);
    // A source named under the same registry lends its layers: they are mounted, not uploaded again.
    const from = req.source && req.source.registry === target.registry && req.source.repository !== target.repository ? [req.source.repository] : [];
    const outcome = await pushImage(f, { ...req, mountFrom: from }, localSide, registry, target, auth, hooks.onEvent);
    pushed = outcome.pushed;
    digest = outcome.digest;
    untagged = outcome.untagged;
  }
  try {
    const registration = { ...req, image: target, inputs, registry: registry.name, verify: true };
    const out = await registerImage(f, cp, registration, hooks.onEvent, { prechecked: true, digest, registries });
    f.debug(`registered ${out.artifact.id}`);
    return { ...out, pushed, skipped: localSide !== null && !pushed };
  } finally {
    await untagged;
  }
}
