// Human and JSON views of a CI/CD configuration, and the equivalent `ci configure` command line.
import { formatRule } from '../core/routing';
import { branchPattern } from '../core/routing';
import type { CiConfig, ContainerRegistry, EffectiveCiConfig } from '../core/model';
import { escapeControls, hasControls } from './display';
import type { IOStreams } from './io';

/** POSIX single quotes where the shell would otherwise split or expand. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  // A control character inside '…' would reach the terminal: bash's $'…' reads the escape back as the character.
  if (hasControls(value)) return `$'${escapeControls(value.replace(/\\/g, '\\\\').replace(/'/g, "\\'"))}'`;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function formatCommand(words: string[]): string {
  return words.map((w, i) => (i === 0 || w.startsWith('--') ? w : shellQuote(w))).join(' ');
}

/** Rules as flags: --branch-rule when every rule is a branch pattern (SIMPLE), else --rule. */
export function configFlags(config: Partial<CiConfig>): string[] {
  const flags: string[] = [];
  if (config.registrationType) flags.push('--registration-type', config.registrationType);
  if (config.ciStrategy) flags.push('--ci-strategy', config.ciStrategy);
  const rules = config.routingRules ?? [];
  const simple = config.ciStrategy !== 'ADVANCED' && rules.every((r, i) => branchPattern(r) !== null && r.priority === i);
  for (const rule of rules) {
    if (simple) flags.push('--branch-rule', `${branchPattern(rule)}=${rule.routeTo}`);
    else flags.push('--rule', formatRule(rule));
  }
  if (config.promotionHierarchy) flags.push(...(config.promotionHierarchy.length > 0 ? ['--promotion', config.promotionHierarchy.join(',')] : ['--no-promotion']));
  const policy = config.policy ?? {};
  if (policy.tagPattern) flags.push('--tag-pattern', policy.tagPattern);
  for (const tag of policy.deniedTags ?? []) flags.push('--deny-tag', tag);
  for (const value of policy.promotedOnly ?? []) flags.push('--promoted-only', value);
  return flags;
}

export function pushCommand(project: string, service: string, registry: ContainerRegistry): string {
  return formatCommand(['facetsctl', 'push', 'DOCKER_IMAGE_URL', '--project', project, '--service', service, '--registry', registry.name]);
}

export function printCiConfig(io: IOStreams, effective: EffectiveCiConfig): void {
  const c = io.color;
  const level = effective.service ? `service ${effective.service}` : `project ${effective.project}`;
  io.println(`${c.bold('CI/CD')} for ${level}`);
  if (effective.ciName) io.println(`  ciName              ${effective.ciName}  (image: \${blueprint.self.artifacts.${effective.ciName}})`);
  if (effective.strategy) io.println(`  image strategy      ${effective.strategy}`);
  io.println(`  mode                ${effective.mode}${effective.mode === 'INHERITED' ? ' (follows the project configuration)' : ''}`);
  const config = effective.config;
  if (!config) {
    io.println(`  configuration       none${effective.strategy === 'MANUAL' ? ' (manual attach)' : ''}`);
    return;
  }
  io.println(`  registration type   ${config.registrationType}`);
  io.println(`  CI strategy         ${config.ciStrategy}`);
  if (config.routingRules.length === 0) io.println('  routing rules       none (artifacts registered by branch are stored unrouted)');
  else {
    io.println('  routing rules');
    for (const rule of config.routingRules) {
      const pattern = branchPattern(rule);
      io.println(escapeControls(`    ${formatRule(rule)}${pattern !== null && config.ciStrategy === 'SIMPLE' ? `   (branch ${pattern})` : ''}`));
    }
  }
  io.println(escapeControls(`  promotion           ${config.promotionHierarchy.length ? config.promotionHierarchy.join(' -> ') : 'none'}`));
  const p = config.policy;
  const policy = [
    p.tagPattern ? `tags match /${p.tagPattern}/` : null,
    p.deniedTags?.length ? `denied tags: ${p.deniedTags.join(', ')}` : null,
    p.promotedOnly?.length ? `promoted only: ${p.promotedOnly.join(', ')}` : null,
  ].filter(Boolean);
  io.println(escapeControls(`  image policy        ${policy.length ? policy.join('; ') : 'any tag'}`));
}
