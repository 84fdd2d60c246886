export { DockerEngine, splitTaggedReference, type ImageEngine, type LocalImage } from './engine';
export { engineEndpointFromEnv, DEFAULT_DOCKER_SOCKET, type EngineEndpoint, type EngineEnv } from './engine-options';
export { engineAuthConfig, encodeRegistryAuthHeader, type EngineRegistryAuth } from './auth';
export { PushStreamParser, readPushStream, classifyPushFailure, pushFailure, type PushResult, type PushProgressEvent, type LayerProgress, type PushStreamLine, type PushFailureReason } from './push-stream';
export { pushWithRetry, isTransientPushError, backoffDelay, type PushRetryOptions } from './push-with-retry';
export { summarizePushProgress, formatPushProgress, formatBytes, type PushProgressSummary } from './push-progress';
