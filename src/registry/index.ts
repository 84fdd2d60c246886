// The registry client's public surface.
export { RegistryClient, MANIFEST_MEDIA_TYPES, type RegistryOptions, type ManifestDescriptor, type ImageConfigDescriptor, type RegistryAuth } from './client';
export { parseChallenge, type Challenge } from './auth';
export { nextPageUrl } from './link';
export { isLoopbackHost } from './host';
export type { RegistryFailure } from './errors';
