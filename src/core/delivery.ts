// The command a hint names to put an artifact into a registration value: one the image version policy and the
// promotion hierarchy accept (a value that takes only promoted artifacts is reached by `promote`, never `register`).
import type { CiConfig, ImageStrategy, RegistrationType } from './model';

/** Whose configuration it is: a SERVICE_CI service's own, else the project's (PROJECT_CI, or no integration yet). */
export interface DeliveryContext {
  service: string;
  config: CiConfig;
  strategy: ImageStrategy | null;
  /** The project's registration values (environments or release streams), when known: hints then name real ones. */
  targets?: string[];
}

const TARGET_FLAG: Record<RegistrationType, string> = { ENVIRONMENT: '--environment', RELEASE_STREAM: '--release-stream' };
const TARGET_PLACEHOLDER: Record<RegistrationType, string> = { ENVIRONMENT: 'ENVIRONMENT', RELEASE_STREAM: 'RELEASE_STREAM' };

function takesOnlyPromoted(config: CiConfig, value: string): boolean {
  return config.policy.promotedOnly?.includes(value) ?? false;
}

/** Another value that takes registrations, to promote from; a placeholder when the project's values are not known. */
function otherTarget(c: DeliveryContext, value: string): string {
  return c.targets?.find((t) => t !== value && !takesOnlyPromoted(c.config, t)) ?? TARGET_PLACEHOLDER[c.config.registrationType];
}

/** `facetsctl ci configure` at the level the configuration lives: the service's own (SERVICE_CI) or the project's. */
export function configureCommand(c: Pick<DeliveryContext, 'service' | 'strategy'>, flags: string): string {
  return `facetsctl ci configure${c.strategy === 'SERVICE_CI' ? ` --service ${c.service}` : ''} ${flags}`;
}

/** `register IMAGE ...` with IMAGE left for the user; everything else is filled in. */
export function registerCommand(c: DeliveryContext, value: string): string {
  return `facetsctl register IMAGE --service ${c.service} ${TARGET_FLAG[c.config.registrationType]} ${value}`;
}

/**
 * What puts an artifact into `value`: `register` where the policy takes registrations; where it takes only promoted
 * artifacts, `promote` from the level below it in the hierarchy; with no level below, the hierarchy change that makes one.
 */
export function deliveryCommand(c: DeliveryContext, value: string): string {
  const { service, config } = c;
  if (!takesOnlyPromoted(config, value)) return registerCommand(c, value);
  const hierarchy = config.promotionHierarchy;
  const index = hierarchy.indexOf(value);
  if (index > 0) return `facetsctl promote --service ${service} --from ${hierarchy[index - 1]}`;
  // Without a hierarchy any value may be promoted to any other.
  if (hierarchy.length === 0) return `facetsctl promote --service ${service} --from ${otherTarget(c, value)} --to ${value}`;
  const below = hierarchy.filter((v) => v !== value);
  return configureCommand(c, `--promotion ${[...(below.length > 0 ? below : [otherTarget(c, value)]), value].join(',')}`);
}

/**
 * The hint of a registration refused because `value` takes only promoted artifacts: register to the nearest level below
 * it that takes registrations, then promote from there; else deliveryCommand's hierarchy change.
 */
export function promotedOnlyHint(c: DeliveryContext, value: string): string {
  const hierarchy = c.config.promotionHierarchy;
  const index = hierarchy.indexOf(value);
  const lower = hierarchy.slice(0, Math.max(index, 0)).reverse().find((v) => !takesOnlyPromoted(c.config, v));
  if (lower === undefined) return `"${value}" takes only promoted artifacts and no level below it takes registrations: run \`${deliveryCommand(c, value)}\``;
  const to = hierarchy[index - 1] === lower ? '' : ` --to ${value}`;
  return `register it to ${lower} with \`${registerCommand(c, lower)}\`, then run \`facetsctl promote --service ${c.service} --from ${lower}${to}\``;
}
