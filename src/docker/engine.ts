// The Docker engine, as far as facetsctl needs it: find a local image, tag it, push it, untag it.
import type Dockerode from 'dockerode';
import { FacetsError } from '../core/errors';
import { encodeRegistryAuthHeader, engineAuthConfig, type EngineRegistryAuth } from './auth';
import { engineGetJson, imageInspectPath, socketAgent } from './engine-http';
import { engineEndpointFromEnv, type EngineEndpoint, type EngineEnv } from './engine-options';
import { readPushStream, type PushProgressEvent, type PushResult } from './push-stream';

export interface LocalImage {
  id: string;
  repoTags: string[];
  /** `host/repo@sha256:…` for every registry the engine pushed it to or pulled it from. */
  repoDigests: string[];
  size: number;
  /** Distinct layers (RootFS diff IDs): what a push sends or finds in the registry, known before the push starts. */
  layers: number;
}

/** The small surface the push command uses; DockerEngine is the one implementation. */
export interface ImageEngine {
  readonly address: string;
  ping(): Promise<void>;
  inspectImage(ref: string): Promise<LocalImage>;
  tag(source: string, target: string): Promise<void>;
  /** Removes the tag only; returns false (and keeps it) when it is the image's last reference. */
  removeTag(target: string): Promise<boolean>;
  push(target: string, auth: EngineRegistryAuth | null, onProgress?: (event: PushProgressEvent) => void): Promise<PushResult>;
  /** The image as `docker save` writes it (`GET /images/{name}/get`), streamed. */
  exportImage(ref: string): Promise<NodeJS.ReadableStream>;
}

/** `host/repo:tag` → {name: `host/repo`, tag}; the tag is after the last ':' that follows the last '/'. */
export function splitTaggedReference(ref: string): { name: string; tag: string } {
  if (ref.includes('@')) throw new FacetsError('USAGE', `"${ref}" is pinned by digest; a tag is needed to push`, 'pass a reference of the form host/repository:tag');
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { name: ref, tag: 'latest' };
}

export class DockerEngine implements ImageEngine {
  readonly address: string;
  private dockerode: Dockerode | undefined;

  constructor(private readonly endpoint: EngineEndpoint) {
    this.address = endpoint.address;
  }

  /** dockerode is loaded on first use: inspecting an image (push's fast path) does without it. */
  private get docker(): Dockerode {
    if (this.dockerode) return this.dockerode;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily: keeps CLI start-up fast
    const DockerodeClass = require('dockerode') as typeof Dockerode;
    // Every key set explicitly: dockerode would otherwise merge in process.env.DOCKER_HOST.
    this.dockerode = new DockerodeClass({
      socketPath: this.endpoint.socketPath,
      host: this.endpoint.host,
      port: this.endpoint.port,
      protocol: this.endpoint.protocol,
      ca: this.endpoint.ca,
      cert: this.endpoint.cert,
      key: this.endpoint.key,
      // docker-modem hands `agent` to node:http; TLS endpoints keep the server name their certificate is checked against.
      ...(this.endpoint.socketPath ? { agent: socketAgent() } : {}),
    } as Dockerode.DockerOptions);
    return this.dockerode;
  }

  static fromEnv(env: EngineEnv, homedir?: string): DockerEngine {
    return new DockerEngine(engineEndpointFromEnv(env, homedir));
  }

  async ping(): Promise<void> {
    await this.call(() => this.docker.ping());
  }

  async inspectImage(ref: string): Promise<LocalImage> {
    const info = await this.call(() => engineGetJson<Dockerode.ImageInspectInfo>(this.endpoint, imageInspectPath(ref)), ref);
    return { id: info.Id, repoTags: info.RepoTags ?? [], repoDigests: info.RepoDigests ?? [], size: info.Size, layers: new Set(info.RootFS?.Layers ?? []).size };
  }

  async tag(source: string, target: string): Promise<void> {
    const { name, tag } = splitTaggedReference(target);
    await this.call(() => this.docker.getImage(source).tag({ repo: name, tag }), source);
  }

  async removeTag(target: string): Promise<boolean> {
    const image = await this.inspectImage(target).catch(() => null);
    if (!image || image.repoTags.length < 2 || !image.repoTags.includes(target)) return false;
    await this.call(() => this.docker.getImage(target).remove({ noprune: true }), target);
    return true;
  }

  async push(target: string, auth: EngineRegistryAuth | null, onProgress?: (event: PushProgressEvent) => void): Promise<PushResult> {
    const { name, tag } = splitTaggedReference(target);
    const registry = name.split('/')[0];
    const config = engineAuthConfig(registry, auth);
    const options = { tag, ...(config ? { authconfig: { key: encodeRegistryAuthHeader(config) } } : {}) };
    const stream = await this.call(() => this.docker.getImage(name).push(options as Dockerode.ImagePushOptions), target);
    try {
      return await readPushStream(stream, registry, onProgress);
    } catch (error) {
      // The engine reports a missing local image in-band too, as if the registry had failed.
      if (error instanceof FacetsError && /does not exist locally|no such image/i.test(error.message)) throw imageMissing(target);
      throw error;
    }
  }

  async exportImage(ref: string): Promise<NodeJS.ReadableStream> {
    return this.call(() => this.docker.getImage(ref).get(), ref);
  }

  /** Maps dockerode's transport and status errors onto ENGINE errors that say what to do. */
  private async call<T>(action: () => Promise<T>, image?: string): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw this.engineError(error as NodeJS.ErrnoException & { statusCode?: number; json?: { message?: string } }, image);
    }
  }

  private engineError(error: NodeJS.ErrnoException & { statusCode?: number; json?: { message?: string } }, image?: string): FacetsError {
    if (error instanceof FacetsError) return error;
    const unreachable: Record<string, string> = { ECONNREFUSED: 'connection refused', ENOENT: 'no such socket', EACCES: 'permission denied', ETIMEDOUT: 'timed out', EHOSTUNREACH: 'host unreachable', ECONNRESET: 'connection reset' };
    if (error.code && unreachable[error.code]) {
      return new FacetsError('ENGINE', `cannot reach the Docker engine at ${this.address}: ${unreachable[error.code]}`, 'start Docker or set DOCKER_HOST', { reason: 'ENGINE_UNREACHABLE' });
    }
    if (error.statusCode === 404 && image) return imageMissing(image);
    const reason = error.json?.message ?? error.message;
    return new FacetsError('ENGINE', `the Docker engine at ${this.address} refused the request: ${reason}`, 'check the Docker engine\'s log', { reason: 'ENGINE_ERROR', statusCode: error.statusCode });
  }
}

function imageMissing(image: string): FacetsError {
  return new FacetsError('ENGINE', `image "${image}" is not in the local Docker engine`, 'build or pull it first (docker images lists what is there)', { reason: 'IMAGE_NOT_FOUND' });
}
