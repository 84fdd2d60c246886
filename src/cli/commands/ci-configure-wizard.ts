// The questions `ci configure` asks on a terminal when no flag was given; answers become the same options.
import type { ControlPlane } from '../../api/control-plane';
import { FacetsError } from '../../core/errors';
import { formatRule, parseAdvancedRule, parseBranchRule } from '../../core/routing';
import { registrationTargets } from '../../core/ci-config';
import type { CiConfig, EffectiveCiConfig } from '../../core/model';
import { configFlags } from '../ci-format';
import type { Factory } from '../factory';
import type { CiConfigureOptions } from './ci-configure';

const PROJECT_LEVEL = '(project level)';
const NO_PROMOTION = 'none';

function checkEach(parse: (item: string, i: number) => unknown, separator: string): (value: string) => true | string {
  return (value) => {
    try {
      value.split(separator).map((s) => s.trim()).filter(Boolean).forEach(parse);
      return true;
    } catch (e) {
      return (e as Error).message;
    }
  };
}

function split(value: string, separator: string): string[] {
  return value.split(separator).map((s) => s.trim()).filter(Boolean);
}

/** The answers as options, and the configuration the questions started from (null: none was read, a strategy only). */
export interface CiConfigureAnswers {
  opts: CiConfigureOptions;
  read: EffectiveCiConfig | null;
}

export async function askCiConfigure(f: Factory, cp: ControlPlane, project: string, given: CiConfigureOptions): Promise<CiConfigureAnswers> {
  const p = f.prompter;
  const layout = await cp.getProject(project);
  const opts: CiConfigureOptions = { ...given };
  if (!opts.service) {
    const level = await p.select('Configure', [
      { name: `project ${project} (services that inherit follow it)`, value: PROJECT_LEVEL },
      ...layout.resources.map((r) => ({ name: `service ${r.resourceName}`, value: r.resourceName })),
    ]);
    if (level !== PROJECT_LEVEL) opts.service = level;
  }
  if (opts.service) {
    opts.strategy = await p.select('Image strategy', [
      { name: 'Project CI/CD workflow (inherit the project configuration)', value: 'project' },
      { name: 'Service CI/CD (its own configuration)', value: 'service' },
      { name: 'Manual attach (pin images per environment)', value: 'manual' },
    ]);
    if (opts.strategy !== 'service') return { opts, read: null };
  }

  const current = await cp.getCiConfig(project, opts.service);
  const config: CiConfig | null = current.mode === 'CUSTOM' || (!opts.service && current.config) ? current.config : null;
  opts.registrationType = await p.select(
    'Registration type',
    [
      { name: 'ENVIRONMENT (artifacts route to environments)', value: 'ENVIRONMENT' },
      { name: 'RELEASE_STREAM (artifacts route to release streams)', value: 'RELEASE_STREAM' },
    ],
    config?.registrationType,
  );
  if (config && config.registrationType !== opts.registrationType) {
    opts.reset = await p.confirm(`Changing the registration type needs a reset, which deletes the routing rules and the promotion workflow. Reset?`, false);
    // No reset means no new registration type: going on would save a configuration nobody asked for.
    if (!opts.reset) throw new FacetsError('CANCELLED', `ci configure cancelled: the registration type stays ${config.registrationType}; nothing was changed`);
    f.globals.yes = true;
  }
  const targets = registrationTargets({ registrationType: opts.registrationType as CiConfig['registrationType'] }, layout);
  opts.ciStrategy = await p.select(
    'CI strategy',
    [
      { name: 'SIMPLE (branch pattern -> target)', value: 'SIMPLE' },
      { name: 'ADVANCED (rules on any metadata key, with priorities)', value: 'ADVANCED' },
    ],
    config?.ciStrategy,
  );
  const keep = config && !opts.reset ? configFlags(config) : [];
  if (opts.ciStrategy === 'SIMPLE') {
    const currentRules = keep.flatMap((w, i) => (keep[i - 1] === '--branch-rule' ? [w] : []));
    const answer = await p.input(`Branch rules, comma-separated PATTERN=TARGET (targets: ${targets.join(', ')})`, {
      default: currentRules.join(', ') || undefined,
      validate: checkEach((s, i) => parseBranchRule(s, i), ','),
    });
    opts.branchRule = split(answer, ',');
  } else {
    const answer = await p.input(`Rules, ";"-separated "KEY OP VALUE => TARGET [priority N]" (targets: ${targets.join(', ')})`, {
      default: config && !opts.reset ? config.routingRules.map(formatRule).join('; ') || undefined : undefined,
      validate: checkEach((s, i) => parseAdvancedRule(s, i), ';'),
    });
    opts.rule = split(answer, ';');
  }
  // An input's default cannot be erased to nothing, so "no promotion" is a word.
  const promotion = await p.input(`Promotion hierarchy, lowest first, comma-separated (from: ${targets.join(', ')}; ${NO_PROMOTION}: no promotion)`, {
    default: config && !opts.reset ? config.promotionHierarchy.join(',') || NO_PROMOTION : targets.join(','),
    validate: (v) => (split(v, ',').length > 0 ? true : `name at least one level, or ${NO_PROMOTION}`),
  });
  opts.promotion = promotion.trim().toLowerCase() === NO_PROMOTION ? false : split(promotion, ',').join(',');
  const denied = await p.input('Tags to refuse (comma-separated, e.g. latest; empty for none)', {
    default: config?.policy.deniedTags?.join(',') || undefined,
  });
  opts.denyTag = split(denied, ',');
  return { opts, read: current };
}
