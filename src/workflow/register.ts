// The register step: settle the registry, pin the image by its digest (verified in the registry), register it.
import type { ControlPlane, RegisterResult } from '../api/control-plane';
import { formatImageReference, pinImageReference, type ImageReference } from '../core/image-reference';
import type { ContainerRegistry } from '../core/model';
import { formatRule } from '../core/routing';
import type { OnWorkflowEvent, WorkflowContext } from './context';
import type { RegistrationInputs } from './inputs';
import { registrationPlan } from './plan';
import { checkRegistration } from './precheck';
import { noRegistryError, pickRegistry, registryAuth, verifyImage } from './registry-access';

/** The --json document of register and promote (push adds pushed/skipped). */
export interface RegisterOutput {
  project: string;
  service: string;
  ciName: string;
  artifactUri: string;
  verified: boolean;
  created: boolean;
  routedTo: string | null;
  targetKind: 'environment' | 'releaseStream' | null;
  rule: string | null;
  artifact: RegisterResult['artifact'];
}

export interface Registration {
  project: string;
  service: string;
  image: ImageReference;
  /** Awaited after the service's CI/CD configuration is read, so that an unknown service is reported before a missing git ref. */
  inputs: Promise<RegistrationInputs> | RegistrationInputs;
  /** --registry: the project registry that must hold the image; else the one matching its host. */
  registry?: string;
  /** false with --no-verify: registered as given, not checked in the registry. */
  verify: boolean;
  externalId?: string;
  description?: string;
  requireRoute?: boolean;
}

/** What push already established, so the registration does not ask again. */
export interface KnownBeforeRegistering {
  /** precheckRegistration passed for this registration. */
  prechecked?: boolean;
  /** The registry's manifest digest for the image, read moments ago: pinned without another registry request. */
  digest?: string;
  /** The project's registries, listed moments ago. */
  registries?: ContainerRegistry[];
}

/** The output of a registration or a promotion: what the control plane answered, for the project and service asked. */
export function registrationOutput(project: string, service: string, result: RegisterResult, verified: boolean): RegisterOutput {
  return {
    project,
    service,
    ciName: result.ciName,
    artifactUri: result.artifact.artifactUri,
    verified,
    created: result.created,
    routedTo: result.routedTo,
    targetKind: result.routedTo === null ? null : result.artifact.registrationType === 'ENVIRONMENT' ? 'environment' : 'releaseStream',
    rule: result.rule ? formatRule(result.rule) : null,
    artifact: result.artifact,
  };
}

export async function registerImage(f: WorkflowContext, cp: ControlPlane, req: Registration, onEvent: OnWorkflowEvent, known: KnownBeforeRegistering = {}): Promise<RegisterOutput> {
  const { project, service, image: ref } = req;
  // Asked together (one round trip less to a remote control plane); a refusal is still the error reported first.
  const listed = known.registries ? Promise.resolve(known.registries) : cp.listRegistries(project);
  listed.catch(() => undefined);
  // Reading the service's CI/CD configuration checks the service: an unknown one is NOT_FOUND before a missing git ref.
  const effective = known.prechecked ? null : await cp.getCiConfig(project, service);
  const { metadata, target } = await req.inputs;
  if (effective) checkRegistration(project, service, effective, registrationPlan(target, metadata, ref.tag, req.requireRoute));
  const registries = await listed;
  const registry = pickRegistry(registries, ref, project, req.registry);

  let artifactUri = formatImageReference(ref);
  if (req.verify && known.digest) {
    if (!registry) throw noRegistryError(ref, project, registries);
    artifactUri = pinImageReference(ref, known.digest);
  } else if (req.verify) {
    if (!registry) throw noRegistryError(ref, project, registries);
    const auth = await registryAuth(f, cp, project, registry, service);
    artifactUri = (await verifyImage(f, registry, ref, auth, onEvent)).pinnedUri;
  } else {
    onEvent({ kind: 'unverified', image: artifactUri });
  }

  const result = await cp.registerArtifact({
    project,
    service,
    artifactUri,
    artifactType: 'docker_image',
    registry: registry?.name,
    target,
    metadata,
    externalId: req.externalId,
    description: req.description,
    requireRoute: req.requireRoute,
  });
  return registrationOutput(project, service, result, req.verify);
}
