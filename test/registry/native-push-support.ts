// Images for the native push tests: built in the real engine, exported with `docker save`, pulled back and compared.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import Docker from 'dockerode';
import { indexTar } from '../../src/registry/image-source/tar-index';
import { buildContext } from '../docker/build-image';
import { dockerSocketPath } from '../support/infra';
import { clientOptions, uploadTarget, type RegistryName } from './support';

export const docker = new Docker({ socketPath: dockerSocketPath() });

export const workDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'native-push-test-'));

/** Builds `tag` FROM scratch with one COPY per entry of `layers` (each a folder of files). */
export async function buildLayers(tag: string, layers: Array<Record<string, Buffer>>): Promise<void> {
  const files: Record<string, Buffer> = {};
  let dockerfile = 'FROM scratch\n';
  layers.forEach((layer, i) => {
    const names = Object.keys(layer);
    for (const name of names) files[`l${i}/${name}`] = layer[name];
    dockerfile += `COPY l${i}/ /\n`;
  });
  const context = buildContext({ Dockerfile: Buffer.from(dockerfile), ...files });
  const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, { t: tag, rm: true });
  const output = await follow(stream);
  const failed = output.find((line) => line.error);
  if (failed) throw new Error(`building ${tag} failed: ${failed.error}`);
}

/** `docker save tag` through the engine API into `file`. */
export async function saveImage(tag: string, file: string): Promise<void> {
  await pipeline(await docker.getImage(tag).get(), fs.createWriteStream(file));
}

export interface EngineImage {
  id: string;
  diffIds: string[];
}

export async function inspectImage(ref: string): Promise<EngineImage> {
  const info = await docker.getImage(ref).inspect();
  return { id: info.Id, diffIds: info.RootFS.Layers ?? [] };
}

/** Removes the image and its layers from the engine, so a pull must fetch every blob. */
export async function removeImage(ref: string): Promise<void> {
  await docker.getImage(ref).remove({ force: true });
}

/** The engine pulls `ref` (host/repo@digest) from registry `name`; fails on an error line of the stream. */
export async function pullBack(name: RegistryName, ref: string): Promise<void> {
  const target = uploadTarget(name);
  const authconfig = target.username ? { username: target.username, password: target.password, serveraddress: clientOptions(name).host } : undefined;
  const stream = await docker.pull(ref, authconfig ? { authconfig } : {});
  const output = await follow(stream);
  const failed = output.find((line) => line.error);
  if (failed) throw new Error(`pulling ${ref} failed: ${failed.error}`);
}

/** A reader of a tar's entries, each read whole. */
export async function archiveReader(file: string): Promise<(name: string) => Promise<Buffer>> {
  const entries = await indexTar(file);
  return async (name) => {
    const entry = entries.get(name);
    if (!entry) throw new Error(`${name} missing from ${file}`);
    const data = Buffer.alloc(entry.size);
    const handle = await fs.promises.open(file, 'r');
    await handle.read(data, 0, entry.size, entry.offset);
    await handle.close();
    return data;
  };
}

/** One file of an image, read through a created (never started) container. */
export async function readImageFile(ref: string, file: string, dir: string): Promise<Buffer> {
  const container = await docker.createContainer({ Image: ref, Cmd: ['/none'] });
  try {
    const archive = path.join(dir, `cp-${Date.now()}-${Math.random().toString(36).slice(2)}.tar`);
    await pipeline(await container.getArchive({ path: file }), fs.createWriteStream(archive));
    return (await archiveReader(archive))(path.basename(file));
  } finally {
    await container.remove({ force: true });
  }
}

function follow(stream: NodeJS.ReadableStream): Promise<Array<{ error?: string }>> {
  return new Promise((resolve, reject) => docker.modem.followProgress(stream, (error: Error | null, result: Array<{ error?: string }>) => (error ? reject(error) : resolve(result))));
}
