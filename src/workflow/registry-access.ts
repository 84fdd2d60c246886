// Which project registry an image lives in, the credentials to read it, and its digest (the pin).
import type { ControlPlane } from '../api/control-plane';
import { FacetsError, notFound, usage } from '../core/errors';
import { formatImageReference, pinImageReference, type ImageReference } from '../core/image-reference';
import type { ContainerRegistry } from '../core/model';
import { registryHolding, registryPrefix } from '../core/registry-match';
import type { OnWorkflowEvent, RegistryAuth, WorkflowContext } from './context';

export function registryHost(registry: ContainerRegistry): string {
  return registryPrefix(registry.uri).split('/')[0];
}

function describe(registries: ContainerRegistry[]): string {
  return registries.map((r) => `${r.name} (${r.uri}${r.internal ? ', internal' : ''})`).join(', ') || 'none';
}

/** The registry whose URI is the longest prefix of the image's name. */
export function registryForImage(registries: ContainerRegistry[], ref: ImageReference): ContainerRegistry | null {
  return registryHolding(registries, `${ref.registry}/${ref.repository}`);
}

/** --registry NAME (which must hold the image), else the registry matching the image's host; null = none. */
export function pickRegistry(registries: ContainerRegistry[], ref: ImageReference, project: string, name?: string): ContainerRegistry | null {
  if (name === undefined) return registryForImage(registries, ref);
  const named = registries.find((r) => r.name === name);
  if (!named) throw notFound(`registry "${name}" is not a container registry of project ${project} (known: ${describe(registries)})`, 'run `facetsctl registries list`');
  if (registryForImage([named], ref) === null) {
    throw usage(
      `image ${formatImageReference(ref)} is not in registry "${name}" (${named.uri})`,
      `name the image under ${registryPrefix(named.uri)}/..., or pick its registry with --registry`,
    );
  }
  return named;
}

export function noRegistryError(ref: ImageReference, project: string, registries: ContainerRegistry[]): FacetsError {
  return usage(
    `image host ${ref.registry} matches no container registry of project ${project} (known: ${describe(registries)})`,
    'use an image under one of those registries, pass --registry NAME, or --no-verify to register it unverified',
  );
}

/** The control plane's push credentials for the registry, else the docker config's; undefined = anonymous. */
export async function registryAuth(f: WorkflowContext, cp: ControlPlane, project: string, registry: ContainerRegistry, service: string): Promise<RegistryAuth | undefined> {
  const pushCredentials = await cp.getPushCredentials(project, registry.name, service);
  if (pushCredentials) {
    f.debug(`registry ${registry.name}: credentials from the control plane (user ${pushCredentials.username})`);
    return { username: pushCredentials.username, password: pushCredentials.password };
  }
  const { dockerConfigCredentials } = require('../registry/docker-config') as typeof import('../registry/docker-config');
  const fromDocker = await dockerConfigCredentials(registryHost(registry), { env: f.env, homedir: f.homedir });
  f.debug(`registry ${registry.name}: ${fromDocker ? 'credentials from the docker config' : 'no credentials (anonymous)'}`);
  return fromDocker ?? undefined;
}

/** The registry's answer for a manifest or repository it does not have. */
export function isMissing(e: FacetsError): boolean {
  const reason = e.details?.reason;
  return reason === 'MANIFEST_UNKNOWN' || reason === 'NAME_UNKNOWN' || e.kind === 'NOT_FOUND';
}

export interface VerifiedImage {
  pinnedUri: string;
  digest: string;
  mediaType: string;
}

/** HEAD the manifest (after the auth challenge) and pin `repo:tag@sha256:…`. */
export async function verifyImage(f: WorkflowContext, registry: ContainerRegistry, ref: ImageReference, auth: RegistryAuth | undefined, onEvent: OnWorkflowEvent): Promise<VerifiedImage> {
  const client = f.registryClient(registry, auth);
  const reference = ref.digest ?? ref.tag ?? 'latest';
  onEvent({ kind: 'verify-started', image: formatImageReference(ref), registry: registry.name });
  try {
    const manifest = await client.headManifest(ref.repository, reference);
    return { pinnedUri: pinImageReference(ref, manifest.digest), digest: manifest.digest, mediaType: manifest.mediaType };
  } catch (e) {
    const err = e as FacetsError;
    if (err.name === 'FacetsError' && isMissing(err)) {
      throw new FacetsError('REGISTRY', `image ${formatImageReference(ref)} is not in registry ${registry.name}; push it first (facetsctl push) or check the tag`, `see what is there: facetsctl registries tags ${registry.name} ${ref.repository}`, err.details);
    }
    throw e;
  } finally {
    onEvent({ kind: 'verify-ended' });
  }
}
