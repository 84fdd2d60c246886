// The plan of a push: which registry, which repository and tag, and what the registration will ask for.
import type { ControlPlane, RegistrationTarget } from '../api/control-plane';
import { foldName } from '../core/ci-name';
import { notFound, usage } from '../core/errors';
import { formatImageReference, parseImageReference, type ImageReference } from '../core/image-reference';
import type { ContainerRegistry } from '../core/model';
import type { RegistrationPlan } from '../core/registration';
import { registryForImage } from './registry-access';

const IMAGE_ID = /^(sha256:)?[0-9a-f]{12,64}$/;

/** What the registration asks the control plane: where to, with which metadata, for which tag. */
export function registrationPlan(target: RegistrationTarget, metadata: Record<string, string>, tag: string | null, requireRoute?: boolean): RegistrationPlan {
  return { kind: target.kind, value: target.kind === 'metadata' ? undefined : target.value, metadata, tag, requireRoute };
}

/** The local image's name as a reference, or null for an image id or a daemonless source (its tag from --tag or the source). */
export function sourceReference(image: string): ImageReference | null {
  // Loaded on use: `--help` loads no registry module.
  return IMAGE_ID.test(image) || (require('../registry/image-source/spec') as typeof import('../registry/image-source/spec')).isSourceSpec(image) ? null : parseImageReference(image);
}

/** The service, and the environment or release stream the registration names, are in the project. */
export async function checkTargets(cp: ControlPlane, project: string, service: string, opts: { environment?: string; releaseStream?: string }): Promise<void> {
  const layout = await cp.getProject(project);
  const known = layout.resources.map((r) => r.resourceName);
  if (!known.includes(service)) throw notFound(`service "${service}" is not in project ${project} (known: ${known.join(', ')})`, 'check --service');
  if (opts.environment !== undefined && !layout.environments.some((e) => e.name === opts.environment)) {
    throw notFound(`environment "${opts.environment}" is not in project ${project} (known: ${layout.environments.map((e) => e.name).join(', ')})`, 'check --environment');
  }
  if (opts.releaseStream !== undefined && !layout.releaseStreams.some((s) => s.name === opts.releaseStream)) {
    throw notFound(`release stream "${opts.releaseStream}" is not in project ${project} (known: ${layout.releaseStreams.map((s) => s.name).join(', ')})`, 'check --release-stream');
  }
}

/** --registry, else the registry the image is already named under, else the only non-internal one, else `ask` among them. */
export async function chooseRegistry(
  registries: ContainerRegistry[],
  project: string,
  source: ImageReference | null,
  name: string | undefined,
  ask: (offered: ContainerRegistry[]) => Promise<ContainerRegistry>,
): Promise<ContainerRegistry> {
  const offered = registries.filter((r) => !r.internal);
  if (name !== undefined) {
    const named = registries.find((r) => r.name === name);
    if (!named) throw notFound(`registry "${name}" is not a container registry of project ${project} (known: ${offered.map((r) => r.name).join(', ') || 'none'})`, 'run `facetsctl registries list`');
    return named;
  }
  const bySource = source ? registryForImage(offered, source) : null;
  if (bySource) return bySource;
  if (offered.length === 1) return offered[0];
  if (offered.length === 0) throw notFound(`project ${project} has no container registry to push to`, 'add one to the blueprint (registries:) or on the control plane');
  return ask(offered);
}

/** `<registry uri>/<repository>:<tag>`: the repository and tag from the flags, the source name, or `<project>/<service>`. */
export function pushTarget(registry: ContainerRegistry, source: ImageReference | null, opts: { repository?: string; tag?: string }, project: string, service: string): ImageReference {
  const uri = registry.uri.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
  const underRegistry = source && registryForImage([registry], source) ? source : null;
  const prefix = uri.includes('/') ? uri.slice(uri.indexOf('/') + 1) + '/' : '';
  const repository = opts.repository ?? (underRegistry ? underRegistry.repository.slice(prefix.length) : `${foldName(project)}/${foldName(service)}`);
  const tag = opts.tag ?? source?.tag;
  if (!tag) throw usage(`cannot tell which tag to push ${source ? formatImageReference(source) : 'the image'} as`, 'pass --tag, e.g. --tag 1.4.2');
  return parseImageReference(`${uri}/${repository}:${tag}`);
}
