// What gets attached: option A (registry, repository, tag: flags or lists) or option B (the full URI); docker images pinned by digest.
import type { ControlPlane } from '../../../api/control-plane';
import { FacetsError, notFound, usage } from '../../../core/errors';
import { parseImageReference, type ImageReference } from '../../../core/image-reference';
import type { ArtifactType, ContainerRegistry, Project } from '../../../core/model';
import type { RegistryAuth } from '../../../workflow/context';
import { pickRegistry, registryAuth, registryHost, verifyImage } from '../../../workflow/registry-access';
import type { Factory } from '../../factory';
import { notInteractive, requireValue } from '../../inputs';
import { reportWorkflow } from '../../workflow-events';
import { checkFreestyleUrl } from './artifact-url';
import { chooseFiltered } from './filter-prompt';
import { tagCreatedTimes } from './tag-dates';
import { orderTagsNewestFirst } from './tag-order';

export interface ImageSourceOptions {
  image?: string;
  registry?: string;
  repository?: string;
  tag?: string;
  type: ArtifactType;
}

export interface ChosenImage {
  artifactType: ArtifactType;
  /** spec.release.image: `repo:tag@sha256:…` for docker images, the URL as given for freestyle. */
  image: string;
  digest: string | null;
  registry?: string;
  repository?: string;
  tag?: string;
}

function describe(registries: ContainerRegistry[]): string {
  return registries.map((r) => `${r.name} (${r.uri})`).join(', ') || 'none';
}

function offered(project: Project): ContainerRegistry[] {
  return project.registries.filter((r) => !r.internal);
}

function internalError(registry: ContainerRegistry, project: Project): FacetsError {
  return usage(
    `container registry "${registry.name}" is internal and is not offered for manual attach`,
    `use one of: ${describe(offered(project))} (\`facetsctl registries list\`)`,
  );
}

/** --registry NAME (known, not internal), else the only one offered (said on stderr), else a list of them on a TTY. */
async function chooseRegistry(f: Factory, project: Project, name: string | undefined): Promise<ContainerRegistry> {
  if (name !== undefined) {
    const named = project.registries.find((r) => r.name === name);
    if (!named) throw notFound(`registry "${name}" is not a container registry of project ${project.name} (known: ${describe(offered(project))})`, 'run `facetsctl registries list`');
    if (named.internal) throw internalError(named, project);
    return named;
  }
  const choices = offered(project);
  if (choices.length === 1) {
    f.io.info(`Registry: ${choices[0].name} (${choices[0].uri}), the only one offered for manual attach`);
    return choices[0];
  }
  if (!f.io.canPrompt()) throw notInteractive('--registry', choices.map((r) => r.name));
  if (choices.length === 0) throw notFound(`project ${project.name} has no container registry for manual attach`, 'declare one under registries: in the blueprint');
  const picked = await f.prompter.select('Registry', choices.map((r) => ({ name: `${r.name}  ${r.uri}`, value: r.name })));
  return choices.find((r) => r.name === picked)!;
}

/** The repository path under the registry's host: registries with a path (gcr.io/my-project) prefix it. */
function repositoryUnder(registry: ContainerRegistry, repository: string): string {
  const uri = registry.uri.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
  const slash = uri.indexOf('/');
  const path = slash < 0 ? '' : uri.slice(slash + 1);
  return path === '' || repository === path || repository.startsWith(`${path}/`) ? repository : `${path}/${repository}`;
}

type AuthFor = (registry: ContainerRegistry) => Promise<RegistryAuth | undefined>;

/** The repository's tags, newest first by build time where the registry tells it; a lookup that fails only leaves its tag undated. */
async function tagsNewestFirst(f: Factory, cp: ControlPlane, project: Project, registry: ContainerRegistry, repository: string, authFor: AuthFor): Promise<string[]> {
  const tags = await cp.listTags(project.name, registry.name, repository);
  if (tags.length < 2) return tags;
  f.io.startProgress(`Reading the build times of ${repository}'s tags`);
  try {
    const reader = f.registryClient(registry, await authFor(registry));
    return orderTagsNewestFirst(tags, await tagCreatedTimes(reader, repository, tags, { onProblem: (message) => f.debug(message) }));
  } catch (e) {
    f.debug(`tags of ${repository} ordered by version: ${(e as Error).message}`);
    return orderTagsNewestFirst(tags);
  } finally {
    f.io.stopProgress();
  }
}

async function optionA(f: Factory, cp: ControlPlane, project: Project, opts: ImageSourceOptions, authFor: AuthFor): Promise<{ registry: ContainerRegistry; ref: ImageReference }> {
  if (!f.io.canPrompt()) {
    const implied = offered(project).length === 1 ? ['registry'] : [];
    const missing = (['registry', 'repository', 'tag'] as const).filter((k) => opts[k] === undefined && !implied.includes(k)).map((k) => `--${k}`);
    if (missing.length > 0) {
      throw usage(`IMAGE_URL, or --registry, --repository and --tag, are required when not running interactively (missing ${missing.join(', ')})`, 'pass the full image URI, or all three of --registry, --repository and --tag');
    }
  }
  const registry = await chooseRegistry(f, project, opts.registry);
  const repository =
    opts.repository ??
    (await chooseFiltered(f, 'repository', 'repositories', await cp.listRepositories(project.name, registry.name), `push an image to registry ${registry.name} first`));
  const tag =
    opts.tag ??
    (await chooseFiltered(f, 'tag', 'tags', await tagsNewestFirst(f, cp, project, registry, repository, authFor), `repository ${repository} has no tags; push one first (facetsctl push)`));
  const ref = parseImageReference(`${registryHost(registry)}/${repositoryUnder(registry, repository)}:${tag}`);
  return { registry, ref };
}

function optionB(project: Project, image: string, registryName: string | undefined): { registry: ContainerRegistry; ref: ImageReference } {
  let ref: ImageReference;
  try {
    ref = parseImageReference(image);
  } catch (e) {
    if (e instanceof FacetsError && /^[a-z][a-z0-9+.-]*:\/\//i.test(image)) {
      throw new FacetsError(e.kind, e.message, 'for an artifact that is not a container image (e.g. a zip in object storage) add --type freestyle', e.details);
    }
    throw e;
  }
  const registry = pickRegistry(project.registries, ref, project.name, registryName);
  if (!registry) {
    throw usage(
      `image host ${ref.registry} matches no container registry of project ${project.name} (known: ${describe(offered(project))})`,
      'attach an image from one of those registries, or use --type freestyle for an artifact URL',
    );
  }
  if (registry.internal) throw internalError(registry, project);
  return { registry, ref };
}

async function freestyle(f: Factory, project: Project, opts: ImageSourceOptions): Promise<ChosenImage> {
  if (opts.repository !== undefined || opts.tag !== undefined) {
    throw usage('--repository and --tag describe docker images; a freestyle artifact is given as its URL', 'e.g. facetsctl attach https://artifacts.example.com/app-1.2.3.zip --type freestyle ...');
  }
  const url = checkFreestyleUrl(await requireValue(f, opts.image, 'IMAGE_URL', 'Artifact URL'));
  const chosen: ChosenImage = { artifactType: 'freestyle', image: url, digest: null };
  if (opts.registry !== undefined) chosen.registry = (await chooseRegistry(f, project, opts.registry)).name;
  return chosen;
}

/** Asks "from the registry or by URL?" on a TTY when neither was given. */
async function useOptionB(f: Factory, opts: ImageSourceOptions): Promise<boolean> {
  if (opts.image !== undefined) return true;
  if (opts.registry !== undefined || opts.repository !== undefined || opts.tag !== undefined || !f.io.canPrompt()) return false;
  const how = await f.prompter.select('Attach', [
    { name: 'Select from the registry (registry, repository, tag)', value: 'A' },
    { name: 'Enter the full image URI', value: 'B' },
  ]);
  return how === 'B';
}

export async function chooseImage(f: Factory, cp: ControlPlane, project: Project, service: string, opts: ImageSourceOptions): Promise<ChosenImage> {
  if (opts.type === 'freestyle') return freestyle(f, project, opts);
  if (opts.image !== undefined && (opts.repository !== undefined || opts.tag !== undefined)) {
    throw usage('give either IMAGE_URL or --repository/--tag, not both', 'IMAGE_URL is the full URI (registry/repository:tag); --registry may accompany it to name its registry');
  }
  // Asked once per registry: listing tag dates and verifying the image use the same credentials.
  const auths = new Map<string, Promise<RegistryAuth | undefined>>();
  const authFor: AuthFor = (registry) => {
    let auth = auths.get(registry.name);
    if (!auth) auths.set(registry.name, (auth = registryAuth(f, cp, project.name, registry, service)));
    return auth;
  };
  const byUri = await useOptionB(f, opts);
  const { registry, ref } = byUri
    ? optionB(project, await requireValue(f, opts.image, 'IMAGE_URL', 'Image URI (e.g. gcr.io/my-project/my-service:v1.2.3)'), opts.registry)
    : await optionA(f, cp, project, opts, authFor);
  const auth = await authFor(registry);
  const verified = await verifyImage(f, registry, ref, auth, reportWorkflow(f));
  const chosen: ChosenImage = { artifactType: 'docker_image', image: verified.pinnedUri, digest: verified.digest, registry: registry.name, repository: ref.repository };
  if (ref.tag !== null) chosen.tag = ref.tag;
  return chosen;
}
