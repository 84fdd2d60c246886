// OCI distribution client: ping (with the auth challenge), HEAD manifest, image config digest and created time, tags and catalog with paging.
import { createHash } from 'node:crypto';
import { usage } from '../core/errors';
import { isValidDigest, isValidTag } from '../core/image-reference';
import { Authenticator, Challenge, parseChallenge, pingChallenge, type RegistryAuth } from './auth';
import { denied, errorBodyCode, malformedAnswer, manifestUnknown, nameUnknown, unauthorized, unexpectedStatus } from './errors';
import { configDigest, createdOf, isIndex, platformEntry, schema1Created, type ManifestDocument, type PlatformDescriptor } from './image-config';
import { nextPageUrl } from './link';
import { RegistryResponse, Transport, type TransportOptions } from './transport';

export type { RegistryAuth } from './auth';

export interface RegistryOptions extends TransportOptions {
  auth?: RegistryAuth;
}

export interface ManifestDescriptor {
  digest: string;
  mediaType: string;
  size: number;
}

export interface ImageConfigDescriptor extends ManifestDescriptor {
  /** `sha256:…` of the image config blob; null when the manifest names none. */
  configDigest: string | null;
}

/** An index's entries as push's fast path compares them: platform and image config digest (null for a nested index). */
export interface IndexConfigDescriptor extends ManifestDescriptor {
  platforms: Array<{ platform: PlatformDescriptor['platform'] | null; configDigest: string | null }>;
}

interface Manifest {
  document: ManifestDocument;
  mediaType: string;
  digest: string;
  size: number;
}

export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
];

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const MAX_PAGES = 10_000;
// An index may point at another index; more levels than this is a loop or a broken registry.
const MAX_INDEX_DEPTH = 3;

export class RegistryClient {
  private readonly transport: Transport;
  private readonly authenticator: Authenticator;
  private challenge: Promise<Challenge | undefined> | undefined;

  constructor(opts: RegistryOptions) {
    this.transport = new Transport(opts);
    this.authenticator = new Authenticator(this.transport, opts.auth);
  }

  get host(): string {
    return this.transport.host;
  }

  /** Reachable, and the credentials (if any) are accepted; anonymous registries just answer 200. */
  async ping(): Promise<void> {
    const challenge = await this.authChallenge();
    if (!challenge) return;
    if (!this.authenticator.hasCredentials) {
      // Bearer registries may still serve anonymous pulls per repository; Basic ones serve nothing.
      if (challenge.scheme === 'basic') throw unauthorized(this.host, false);
      return;
    }
    // A Bearer token with no scope is what `docker login` asks for: it proves the credentials.
    const authorization = await this.authenticator.authorization(challenge, undefined);
    if (challenge.scheme !== 'basic') return;
    const response = await this.transport.send({ method: 'GET', url: '/v2/', headers: authorization ? { authorization } : {} });
    if (response.status === 401) throw unauthorized(this.host, true);
    if (response.status !== 200) throw unexpectedStatus(this.host, 'GET /v2/', response.status, response.body, response.attempts);
  }

  /** Digest, media type and size of `repository:reference` (tag or digest), without downloading it. */
  async headManifest(repository: string, reference: string): Promise<ManifestDescriptor> {
    const image = this.imageName(repository, reference);
    const path = `/v2/${repository}/manifests/${reference}`;
    const headers = { accept: MANIFEST_MEDIA_TYPES.join(', ') };
    const head = await this.authorized('HEAD', path, pullScope(repository), headers);
    if (head.status === 404) throw manifestUnknown(image, this.host);
    this.failUnlessOk(head, `HEAD ${path}`, repository);
    const digest = header(head, 'docker-content-digest');
    const mediaType = mediaTypeOf(head);
    if (digest && isValidDigest(digest)) return { digest, mediaType, size: Number(header(head, 'content-length') ?? 0) };
    // Some registries leave Docker-Content-Digest out of HEAD: the digest is the sha256 of the exact bytes.
    const get = await this.authorized('GET', path, pullScope(repository), headers);
    if (get.status === 404) throw manifestUnknown(image, this.host);
    this.failUnlessOk(get, `GET ${path}`, repository);
    return { digest: `sha256:${createHash('sha256').update(get.body).digest('hex')}`, mediaType: mediaTypeOf(get) || mediaType, size: get.body.length };
  }

  /**
   * When `repository:reference` was built: the image config's `created` (ISO 8601), or null when the config has none.
   * For a manifest list / OCI index, the linux/amd64 image's, else the first image's.
   */
  async imageCreated(repository: string, reference: string): Promise<string | null> {
    const image = this.imageName(repository, reference);
    const manifest = await this.platformManifest(repository, await this.getManifest(repository, reference, image), image);
    if (!manifest) return null;
    if (manifest.document.schemaVersion === 1) return schema1Created(manifest.document);
    const digest = configDigest(manifest.document);
    if (!digest) return null;
    // Registries may redirect blobs to object storage; the transport follows (and drops Authorization across hosts).
    const path = `/v2/${repository}/blobs/${digest}`;
    const blob = await this.authorized('GET', path, pullScope(repository), { accept: '*/*' });
    this.failUnlessOk(blob, `GET ${path}`, repository);
    return createdOf(parseJson(blob.body, () => malformedAnswer(this.host, `GET ${path} (the config of ${image})`, 'a body that is not JSON')));
  }

  /**
   * The manifest `repository:reference` names (digest, media type, size) and its image config's digest, which for
   * images built by the Docker engine is the local image ID. For a manifest list / OCI index, the config of the
   * linux/amd64 image, else the first image's; null for schema1 manifests and indexes that list no image.
   */
  async imageConfigDigest(repository: string, reference: string): Promise<ImageConfigDescriptor> {
    const image = this.imageName(repository, reference);
    const top = await this.getManifest(repository, reference, image);
    const manifest = await this.platformManifest(repository, top, image);
    return { digest: top.digest, mediaType: top.mediaType, size: top.size, configDigest: manifest ? configDigest(manifest.document) ?? null : null };
  }

  /** A manifest list / OCI index's entries with their image config digests (one GET each); null when `reference` is one image. */
  async indexConfigDigests(repository: string, reference: string): Promise<IndexConfigDescriptor | null> {
    const image = this.imageName(repository, reference);
    const top = await this.getManifest(repository, reference, image);
    if (!isIndex(top.document, top.mediaType)) return null;
    const platforms = await Promise.all(
      (top.document.manifests ?? []).map(async (entry) => {
        const manifest = typeof entry?.digest === 'string' && isValidDigest(entry.digest) ? await this.getManifest(repository, entry.digest, image) : null;
        const config = manifest && !isIndex(manifest.document, manifest.mediaType) ? configDigest(manifest.document) : undefined;
        return { platform: entry?.platform ?? null, configDigest: config ?? null };
      }),
    );
    return { digest: top.digest, mediaType: top.mediaType, size: top.size, platforms };
  }

  /** Every tag of `repository`, in the registry's order, following `Link` pages of `pageSize`. */
  async listTags(repository: string, opts: { pageSize?: number } = {}): Promise<string[]> {
    checkRepository(repository);
    const pages = this.pages(`/v2/${repository}/tags/list`, pullScope(repository), opts.pageSize, repository);
    const tags: string[] = [];
    for await (const page of pages) tags.push(...((page as { tags?: string[] | null }).tags ?? []));
    return tags;
  }

  /** Every repository the registry lists, following `Link` pages of `pageSize`. */
  async catalog(opts: { pageSize?: number } = {}): Promise<string[]> {
    const repositories: string[] = [];
    for await (const page of this.pages('/v2/_catalog', 'registry:catalog:*', opts.pageSize)) {
      repositories.push(...((page as { repositories?: string[] | null }).repositories ?? []));
    }
    return repositories;
  }

  private async *pages(path: string, scope: string, pageSize: number | undefined, repository?: string): AsyncGenerator<unknown> {
    if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1)) throw usage(`page size must be a positive whole number, not ${pageSize}`);
    let url: string | undefined = pageSize ? `${path}?n=${pageSize}` : path;
    const visited = new Set<string>();
    while (url && visited.size < MAX_PAGES) {
      visited.add(url);
      const response = await this.authorized('GET', url, scope, { accept: 'application/json' });
      if (response.status === 404 && repository) throw nameUnknown(repository, this.host);
      this.failUnlessOk(response, `GET ${path}`, repository ?? 'the catalog');
      yield JSON.parse(response.body.toString('utf8'));
      const next = nextPageUrl(response.headers.link, response.url);
      url = next && !visited.has(next) ? next : undefined;
    }
  }

  /** `host/repository:tag` or `host/repository@digest`, after checking both parts. */
  private imageName(repository: string, reference: string): string {
    checkRepository(repository);
    if (!isValidTag(reference) && !isValidDigest(reference)) {
      throw usage(`"${reference}" is neither a valid tag nor a digest`, 'a tag is letters, digits, "_", "." and "-" (max 128); a digest is sha256:<64 hex>');
    }
    return `${this.host}/${repository}${reference.includes(':') ? '@' : ':'}${reference}`;
  }

  /** A manifest with the digest the registry gives it (Docker-Content-Digest, else the sha256 of the exact bytes). */
  private async getManifest(repository: string, reference: string, image: string): Promise<Manifest> {
    const path = `/v2/${repository}/manifests/${reference}`;
    const response = await this.authorized('GET', path, pullScope(repository), { accept: MANIFEST_MEDIA_TYPES.join(', ') });
    if (response.status === 404) throw manifestUnknown(image, this.host);
    this.failUnlessOk(response, `GET ${path}`, repository);
    const document = parseJson(response.body, () => malformedAnswer(this.host, `GET ${path}`, 'a manifest that is not JSON'));
    if (typeof document !== 'object' || document === null) throw malformedAnswer(this.host, `GET ${path}`, 'a manifest that is not a JSON object');
    const given = header(response, 'docker-content-digest');
    const digest = given && isValidDigest(given) ? given : `sha256:${createHash('sha256').update(response.body).digest('hex')}`;
    return { document: document as ManifestDocument, mediaType: mediaTypeOf(response), digest, size: response.body.length };
  }

  /** Follows a manifest list / OCI index to its linux/amd64 image, else its first image; null when it lists none. */
  private async platformManifest(repository: string, manifest: Manifest, image: string): Promise<Manifest | null> {
    for (let depth = 0; isIndex(manifest.document, manifest.mediaType); depth++) {
      const entry = platformEntry(manifest.document);
      if (!entry) return null;
      if (depth >= MAX_INDEX_DEPTH) throw malformedAnswer(this.host, `the manifests of ${image}`, `indexes nested more than ${MAX_INDEX_DEPTH} deep`);
      manifest = await this.getManifest(repository, entry.digest, image);
    }
    return manifest;
  }

  private authChallenge(): Promise<Challenge | undefined> {
    this.challenge ??= pingChallenge(this.transport);
    this.challenge.catch(() => (this.challenge = undefined));
    return this.challenge;
  }

  /** Sends with the Authorization the challenge asks for; on 401 asks for a fresh token once. */
  private async authorized(method: 'GET' | 'HEAD', url: string, scope: string, headers: Record<string, string>): Promise<RegistryResponse> {
    let challenge = await this.authChallenge();
    for (let attempt = 1; ; attempt++) {
      const authorization = await this.authenticator.authorization(challenge, scope);
      const response = await this.transport.send({ method, url, headers: authorization ? { ...headers, authorization } : headers });
      if (response.status !== 401) return response;
      if (attempt > 1 || challenge?.scheme === 'basic') throw unauthorized(this.host, this.authenticator.hasCredentials);
      this.authenticator.forget(scope);
      challenge = parseChallenge(response.headers['www-authenticate']) ?? challenge;
      if (!challenge || (challenge.scheme === 'bearer' && !this.authenticator.hasCredentials && authorization)) {
        throw unauthorized(this.host, this.authenticator.hasCredentials);
      }
    }
  }

  private failUnlessOk(response: RegistryResponse, what: string, subject: string): void {
    if (response.status >= 200 && response.status < 300) return;
    if (response.status === 403) throw denied(this.host, subject);
    const { code } = errorBodyCode(response.body);
    if (code === 'NAME_UNKNOWN') throw nameUnknown(subject, this.host);
    throw unexpectedStatus(this.host, what, response.status, response.body, response.attempts);
  }
}

function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

function checkRepository(repository: string): void {
  if (!REPOSITORY.test(repository) || repository.length > 255) {
    throw usage(`"${repository}" is not a valid repository name`, 'use lowercase path components of letters and digits separated by ".", "_", "__" or "-", joined with "/"');
  }
}

function header(response: RegistryResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function mediaTypeOf(response: RegistryResponse): string {
  return (header(response, 'content-type') ?? '').split(';')[0].trim();
}

function parseJson(body: Buffer, malformed: () => Error): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw malformed();
  }
}
