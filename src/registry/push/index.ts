// The native push's public surface.
export { pushEngineExport } from './engine-push';
export { pushImage, type PushTarget, type PushOptions, type PushProgress, type PushResult, type PushedBlob } from './push-image';
export type { BlobOutcome } from './blob-upload';
export { openImageSource, engineExportSource, isSourceSpec, type ImageSource } from '../image-source';
