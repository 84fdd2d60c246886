// What ${blueprint.self.artifacts.<ciName>} becomes in one environment: override, else the newest routed artifact.
import { configureCommand, deliveryCommand, type DeliveryContext } from './delivery';
import type { Artifact, CiConfig, Environment, ImageStrategy, Override, Resolution } from './model';

export interface ResolutionInput {
  environment: Environment;
  service: string;
  ciName: string | null;
  /** null = service has no CI integration yet. */
  strategy: ImageStrategy | null;
  /** The effective CI/CD configuration (null = none configured; without an integration, the project's). */
  config: CiConfig | null;
  /** The project's environments (ENVIRONMENT) or release streams (RELEASE_STREAM), for hints that name real ones. */
  targets?: string[];
  /** For this environment. */
  override: Override | null;
  /** Candidates for this ciName (any order). */
  artifacts: Artifact[];
}

function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

function timeOf(artifact: Artifact): number {
  const t = Date.parse(artifact.createdAt);
  return Number.isNaN(t) ? -Infinity : t;
}

/** Sort order newest first: createdAt, then id. */
export function compareNewestFirst(a: Artifact, b: Artifact): number {
  return timeOf(b) - timeOf(a) || compareIds(b.id, a.id);
}

export function newestArtifact(artifacts: Artifact[]): Artifact | null {
  return artifacts.length === 0 ? null : [...artifacts].sort(compareNewestFirst)[0];
}

function unresolved(environment: string, reason: string): Resolution {
  return { environment, resolved: false, image: null, source: null, artifactId: null, revision: null, reason };
}

export function resolveArtifact(input: ResolutionInput): Resolution {
  const { environment, service, ciName, strategy, config, override } = input;
  const env = environment.name;
  const attach = `facetsctl attach IMAGE --service ${service} --environment ${env}`;
  const delivery: DeliveryContext | null = config && { service, config, strategy, targets: input.targets };
  const valueOf = (c: CiConfig) => (c.registrationType === 'ENVIRONMENT' ? env : environment.releaseStream);
  if (override !== null) {
    return {
      environment: env,
      resolved: true,
      image: override.image,
      source: 'OVERRIDE',
      artifactId: null,
      revision: override.revision,
      reason: `pinned by manual attach, revision ${override.revision}`,
    };
  }
  if (strategy === null) {
    const register = delivery && valueOf(delivery.config) ? `\`${deliveryCommand(delivery, valueOf(delivery.config))}\`` : `configure CI/CD (\`${configureCommand({ service, strategy }, '--registration-type ENVIRONMENT|RELEASE_STREAM')}\`)`;
    return unresolved(env, `service has no CI integration yet and environment "${env}" has no attached image; run \`${attach}\`, or ${register}`);
  }
  if (strategy === 'MANUAL') {
    return unresolved(env, `service uses MANUAL strategy and environment "${env}" has no attached image; run \`${attach}\``);
  }
  const level = strategy === 'PROJECT_CI' ? 'project' : 'service';
  if (delivery === null) {
    return unresolved(
      env,
      `no CI/CD configuration: the service uses ${strategy} but the ${level} has no CI/CD configuration to route artifacts; run \`${configureCommand({ service, strategy }, '--registration-type ENVIRONMENT|RELEASE_STREAM')}\``,
    );
  }
  const registrationType = delivery.config.registrationType;
  const name = ciName ?? '(no CI name yet)';
  const candidates = input.artifacts.filter((a) => ciName === null || a.ciName === ciName);
  if (registrationType === 'ENVIRONMENT') {
    const artifact = newestArtifact(candidates.filter((a) => a.registrationType === 'ENVIRONMENT' && a.registrationValue === env));
    if (artifact === null) {
      return unresolved(env, `no artifact registered to environment "${env}" for ${name}; ${putOne(delivery, env)}`);
    }
    return resolvedBy(env, artifact, 'ARTIFACT_BY_ENVIRONMENT', `environment "${env}"`);
  }
  const stream = environment.releaseStream;
  if (!stream) {
    return unresolved(env, `environment "${env}" has no release stream, and the registration type is RELEASE_STREAM`);
  }
  const artifact = newestArtifact(candidates.filter((a) => a.registrationType === 'RELEASE_STREAM' && a.registrationValue === stream));
  if (artifact === null) {
    return unresolved(
      env,
      `no artifact registered to release stream "${stream}" (of environment "${env}") for ${name}; ${putOne(delivery, stream)}`,
    );
  }
  return resolvedBy(env, artifact, 'ARTIFACT_BY_RELEASE_STREAM', `release stream "${stream}"`);
}

/** How to put an artifact into `value`, as the policy allows: register, or promote where it takes only promoted artifacts. */
function putOne(c: DeliveryContext, value: string): string {
  const command = deliveryCommand(c, value);
  if (command.startsWith('facetsctl register ')) return `register one with \`${command}\``;
  return `"${value}" takes only promoted artifacts: run \`${command}\``;
}

function resolvedBy(env: string, artifact: Artifact, source: 'ARTIFACT_BY_ENVIRONMENT' | 'ARTIFACT_BY_RELEASE_STREAM', where: string): Resolution {
  const what = artifact.tag !== null ? `tag ${artifact.tag}` : artifact.digest ?? artifact.artifactUri;
  const promoted = artifact.promoted && artifact.promotedFrom ? `, promoted from ${artifact.promotedFrom}` : '';
  return {
    environment: env,
    resolved: true,
    image: artifact.artifactUri,
    source,
    artifactId: artifact.id,
    revision: null,
    reason: `newest artifact registered to ${where} (${what}, ${artifact.createdAt}${promoted})`,
  };
}
