// Test images put straight into the real registries (distinct random content = distinct digests).
import crypto from 'node:crypto';
import { getInfra, type Infra } from '../support/infra';
import { uploadImage } from '../support/registry-upload';

export type RegistryName = keyof Infra['registries'];

export function uploadTarget(name: RegistryName) {
  const r = getInfra().registries[name] as Infra['registries']['basic'] & { caFile?: string };
  return { url: r.url, username: r.username, password: r.password, caFile: r.caFile };
}

let counter = 0;
/** A repository name no other test uses. */
export function uniqueRepo(prefix: string): string {
  counter += 1;
  return `shop/${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

/** Uploads `repo:tag` (random content) and returns its manifest digest. */
export async function putImage(name: RegistryName, repo: string, tag: string): Promise<string> {
  const layer = crypto.randomBytes(256);
  const descriptor = await uploadImage(uploadTarget(name), repo, tag, [layer]);
  return descriptor.digest;
}
