// facetsctl ci configure: project- or service-level CI/CD (registration type, rules, promotion, image policy).
import * as path from 'node:path';
import type { Command } from 'commander';
import type { ControlPlane, ResetResult } from '../../api/control-plane';
import { usage } from '../../core/errors';
import { CI_STRATEGIES, REGISTRATION_TYPES, type CiConfig, type CiStrategy, type EffectiveCiConfig, type ImageStrategy, type RegistrationType } from '../../core/model';
import { sameCiConfig } from '../../core/ci-config';
import { parseAdvancedRule, parseBranchRule } from '../../core/routing';
import { configFlags, formatCommand, printCiConfig } from '../ci-format';
import type { Factory } from '../factory';
import { collect, confirmOrYes, resolveProject } from '../inputs';

export type StrategyFlag = 'project' | 'service' | 'manual';
const STRATEGIES: Record<StrategyFlag, ImageStrategy> = { project: 'PROJECT_CI', service: 'SERVICE_CI', manual: 'MANUAL' };

export interface CiConfigureOptions {
  service?: string;
  strategy?: string;
  registrationType?: string;
  ciStrategy?: string;
  branchRule?: string[];
  rule?: string[];
  /** false: --no-promotion (remove the promotion workflow). */
  promotion?: string | false;
  tagPattern?: string;
  denyTag?: string[];
  promotedOnly?: string[];
  fromFile?: string;
  reset?: boolean;
}

export interface CiConfigureOutput {
  project: string;
  service: string | null;
  strategy: ImageStrategy | null;
  reset: ResetResult | null;
  ciConfig: EffectiveCiConfig;
  /** false when the settings were already these: nothing was stored and no event recorded. */
  changed: boolean;
  /** The same change as one non-interactive command line. */
  command: string;
}

const CONFIG_KEYS: Array<keyof CiConfigureOptions> = ['registrationType', 'ciStrategy', 'branchRule', 'rule', 'promotion', 'tagPattern', 'denyTag', 'promotedOnly', 'fromFile'];

export function hasConfigChange(opts: CiConfigureOptions): boolean {
  return CONFIG_KEYS.some((k) => opts[k] !== undefined);
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const upper = value.toUpperCase().replace(/-/g, '_') as T;
  if (!allowed.includes(upper)) throw usage(`${flag} "${value}" is invalid (use ${allowed.join(' or ')})`);
  return upper;
}

/** The partial config the flags describe; policy flags merge into the current policy. */
export function configChange(opts: CiConfigureOptions, current: CiConfig | null, cwd: string, loadFile: (file: string) => Partial<CiConfig>): Partial<CiConfig> {
  const change: Partial<CiConfig> = opts.fromFile ? loadFile(path.resolve(cwd, opts.fromFile)) : {};
  const registrationType = oneOf<RegistrationType>('--registration-type', opts.registrationType, REGISTRATION_TYPES);
  if (registrationType) change.registrationType = registrationType;
  const ciStrategy = oneOf<CiStrategy>('--ci-strategy', opts.ciStrategy, CI_STRATEGIES);
  if (opts.branchRule || opts.rule) {
    const branch = (opts.branchRule ?? []).map((spec, i) => parseBranchRule(spec, i));
    const advanced = (opts.rule ?? []).map((spec, i) => parseAdvancedRule(spec, branch.length + i));
    change.routingRules = [...branch, ...advanced];
    if (advanced.length > 0 && !ciStrategy) change.ciStrategy = 'ADVANCED';
  }
  if (ciStrategy) change.ciStrategy = ciStrategy;
  if (opts.promotion !== undefined) change.promotionHierarchy = promotionHierarchy(opts.promotion);
  if (opts.tagPattern !== undefined || opts.denyTag || opts.promotedOnly) {
    const policy = { ...(change.policy ?? current?.policy ?? {}) };
    if (opts.tagPattern !== undefined) {
      if (opts.tagPattern === '') delete policy.tagPattern;
      else policy.tagPattern = opts.tagPattern;
    }
    if (opts.denyTag) policy.deniedTags = opts.denyTag.filter(Boolean);
    if (opts.promotedOnly) policy.promotedOnly = opts.promotedOnly.filter(Boolean);
    change.policy = policy;
  }
  return change;
}

/** --promotion a,b,c names at least one level; removing the workflow is said out loud, with --no-promotion. */
function promotionHierarchy(value: string | false): string[] {
  if (value === false) return [];
  const levels = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (levels.length === 0) {
    throw usage(`--promotion needs at least one level, lowest first (got "${value}")`, 'e.g. --promotion dev,staging,production; to remove the promotion workflow, pass --no-promotion');
  }
  return levels;
}

export function equivalentCommand(opts: CiConfigureOptions, change: Partial<CiConfig>): string {
  const words = ['facetsctl', 'ci', 'configure'];
  if (opts.service) words.push('--service', opts.service);
  if (opts.strategy) words.push('--strategy', opts.strategy);
  if (opts.reset) words.push('--reset', '--yes');
  words.push(...configFlags(change));
  return formatCommand(words);
}

async function resetFirst(f: Factory, cp: ControlPlane, project: string, service: string | undefined, current: EffectiveCiConfig): Promise<ResetResult> {
  const level = service ? `service ${service}` : `project ${project}`;
  const config = current.mode === 'INHERITED' ? null : current.config;
  const rules = config?.routingRules.length ?? 0;
  const promotion = config?.promotionHierarchy.length ? config.promotionHierarchy.join(' -> ') : 'none';
  f.io.info(`Reset of ${level} deletes its routing rules (${rules}) and its promotion workflow (${promotion}).`);
  await confirmOrYes(f, `Reset the CI/CD configuration of ${level}?`, `reset of the CI/CD configuration of ${level}`);
  return cp.resetCi(project, service, current.revision);
}

export async function run(opts: CiConfigureOptions, f: Factory): Promise<CiConfigureOutput> {
  const cp = await f.controlPlane();
  const project = await resolveProject(f, cp);
  let interactive = false;
  // What the questions were asked over: the write names its revision, so a change made meanwhile is refused, not overwritten.
  let asked: EffectiveCiConfig | null = null;
  if (!hasConfigChange(opts) && opts.strategy === undefined && !opts.reset) {
    if (!f.io.canPrompt()) {
      throw usage('nothing to configure when not running interactively', 'pass --registration-type, --branch-rule, --rule, --promotion, --strategy or --from-file (see `facetsctl ci configure --help`)');
    }
    const { askCiConfigure } = require('./ci-configure-wizard') as typeof import('./ci-configure-wizard');
    ({ opts, read: asked } = await askCiConfigure(f, cp, project, opts));
    interactive = true;
  }
  const strategyFlag = oneOf<Uppercase<StrategyFlag>>('--strategy', opts.strategy, ['PROJECT', 'SERVICE', 'MANUAL']);
  const strategy = strategyFlag ? STRATEGIES[strategyFlag.toLowerCase() as StrategyFlag] : null;
  if (strategy && !opts.service) throw usage('--strategy applies to one service: pass --service', 'e.g. --service checkout --strategy manual');
  if (strategy && strategy !== 'SERVICE_CI' && hasConfigChange(opts)) {
    throw usage(
      `--strategy ${opts.strategy} takes no CI/CD settings for the service`,
      strategy === 'PROJECT_CI' ? 'drop --service to change the project-level configuration it inherits' : 'manual attach has no CI/CD: use `facetsctl attach`',
    );
  }

  const read = await cp.getCiConfig(project, opts.service);
  const current = asked ? { ...read, revision: asked.revision } : read;
  const reset = opts.reset ? await resetFirst(f, cp, project, opts.service, current) : null;
  const base = reset ? null : current.mode === 'INHERITED' ? null : current.config;
  const { loadCiFile } = require('../../controlplane/ci-file') as typeof import('../../controlplane/ci-file');
  const layout = opts.fromFile ? await cp.getProject(project) : undefined;
  const change = configChange(opts, base, f.cwd, (file) => loadCiFile(file, layout));

  let ciConfig: EffectiveCiConfig = current;
  if (strategy && strategy !== 'SERVICE_CI') {
    await cp.setImageStrategy(project, opts.service as string, strategy);
    ciConfig = await cp.getCiConfig(project, opts.service);
  } else if (hasConfigChange(opts)) {
    ciConfig = await cp.configureCi({ project, service: opts.service, config: change, expectedRevision: reset ? 0 : current.revision });
  } else if (strategy === 'SERVICE_CI') {
    await cp.setImageStrategy(project, opts.service as string, strategy);
    ciConfig = await cp.getCiConfig(project, opts.service);
  } else if (reset) {
    ciConfig = await cp.getCiConfig(project, opts.service);
  }

  const changed = reset !== null || current.mode !== ciConfig.mode || current.strategy !== ciConfig.strategy || !sameCiConfig(current.config, ciConfig.config);
  const output: CiConfigureOutput = { project, service: opts.service ?? null, strategy, reset, ciConfig, changed, command: equivalentCommand(opts, change) };
  if (f.io.json) f.io.printJson(output);
  else {
    if (!changed) f.io.info(`No change: the CI/CD configuration of ${opts.service ? `service ${opts.service}` : `project ${project}`} already is this.`);
    if (reset) f.io.println(`Reset: deleted ${reset.deletedRoutingRules} routing rule(s)${reset.deletedPromotionWorkflow ? ' and the promotion workflow' : ''}`);
    printCiConfig(f.io, ciConfig);
    if (interactive) f.io.println(`\nThe same, in one command:\n  ${output.command}`);
  }
  return output;
}

export function define(parent: Command, f: Factory): Command {
  return parent
    .command('configure')
    .description('Configure CI/CD for the project, or for one service (which then stops inheriting the project configuration)')
    .option('-s, --service <name>', 'configure this service (default: the project level)')
    .option('--strategy <strategy>', "service's image strategy: project (inherit), service (own CI/CD) or manual")
    .option('--registration-type <type>', 'ENVIRONMENT or RELEASE_STREAM (fixed once set; --reset to change)')
    .option('--ci-strategy <strategy>', 'SIMPLE (branch rules) or ADVANCED (rules on any metadata)')
    .option('--branch-rule <pattern=target>', 'SIMPLE rule, e.g. main=dev or release/*=staging (repeatable, in priority order)', collect)
    .option('--rule <rule>', 'ADVANCED rule "KEY OP VALUE => TARGET [priority N]" (repeatable)', collect)
    .option('--promotion <a,b,c>', 'promotion hierarchy, lowest first, e.g. dev,staging,production')
    .option('--no-promotion', 'remove the promotion workflow (promote then has no next level)')
    .option('--tag-pattern <regex>', 'image version policy: every registered tag must match ("" removes it)')
    .option('--deny-tag <tag>', 'image version policy: refuse this tag, e.g. latest (repeatable)', collect)
    .option('--promoted-only <target>', 'image version policy: this target takes only promoted artifacts (repeatable)', collect)
    .option('-f, --from-file <file>', 'read the settings from a CI/CD YAML file (flags given too win)')
    .option('--reset', 'reset first (deletes the routing rules and the promotion workflow); needs --yes in scripts')
    .addHelpText(
      'after',
      `
Examples:
  $ facetsctl ci configure                                             # asks on a terminal
  $ facetsctl ci configure --registration-type ENVIRONMENT --branch-rule main=dev --branch-rule 'release/*=staging' --promotion dev,staging,production
  $ facetsctl ci configure --rule 'BRANCH_NAME STARTS_WITH hotfix/ => production priority 0' --deny-tag latest --promoted-only production
  $ facetsctl ci configure --service checkout --strategy manual
  $ facetsctl ci configure --service cart --registration-type RELEASE_STREAM --branch-rule main=QA --reset --yes
  $ facetsctl ci configure --from-file ci.yaml`,
    )
    .action(async (opts: CiConfigureOptions) => {
      await run(opts, f);
    });
}
