// Routing rules: SIMPLE branch patterns mapped onto the API's Criterion, matching, and validation.
import { FacetsError } from './errors';
import { OPERATORS, type Criterion, type RegistrationType } from './model';
import { formatRule, MAX_PRIORITY } from './rule-syntax';

export { formatRule, parseAdvancedRule, parseOperator, parsePriority, MAX_PRIORITY } from './rule-syntax';

export const BRANCH_KEY = 'BRANCH_NAME';

const PATTERN_HINT = 'use NAME (exact), PREFIX* , *SUFFIX, *PART* or * (every branch)';

function refusePattern(pattern: string, reason: string): FacetsError {
  return new FacetsError('USAGE', `invalid branch pattern "${pattern}": ${reason}`, PATTERN_HINT, { pattern });
}

function checkPriority(priority: number, what: string): void {
  if (!Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY) {
    throw new FacetsError('USAGE', `${what} has priority ${priority}; it must be a whole number from 0 to ${MAX_PRIORITY}`);
  }
}

/** `main` → EQUALS, `release/*` → STARTS_WITH, `*-hotfix` → ENDS_WITH, `*fix*` → CONTAINS, `*` → STARTS_WITH ''. */
export function branchRule(pattern: string, routeTo: string, priority: number): Criterion {
  if (pattern === '') throw refusePattern(pattern, 'it is empty');
  if (/\s/.test(pattern)) throw refusePattern(pattern, 'branch names cannot contain whitespace');
  if (routeTo.trim() === '') throw new FacetsError('USAGE', `branch rule for "${pattern}" has no target`);
  checkPriority(priority, `branch rule "${pattern}"`);
  const rule = (operator: Criterion['operator'], value: string): Criterion => ({ metadataKey: BRANCH_KEY, operator, value, priority, routeTo });
  if (pattern === '*') return rule('STARTS_WITH', '');
  if (/^\*+$/.test(pattern)) throw refusePattern(pattern, 'write a single "*" to match every branch');
  const leading = pattern.startsWith('*');
  const trailing = pattern.endsWith('*');
  const inner = pattern.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  if (inner.includes('*')) {
    throw refusePattern(pattern, '"*" may appear only at the start and/or the end (EQUALS, STARTS_WITH, ENDS_WITH, CONTAINS)');
  }
  if (leading && trailing) return rule('CONTAINS', inner);
  if (leading) return rule('ENDS_WITH', inner);
  if (trailing) return rule('STARTS_WITH', inner);
  return rule('EQUALS', inner);
}

/** The branch pattern a rule stands for; null if it is not a BRANCH_NAME rule a pattern can express. */
export function branchPattern(c: Criterion): string | null {
  if (c.metadataKey !== BRANCH_KEY || c.value.includes('*')) return null;
  if (c.value === '' && c.operator !== 'EQUALS') return '*';
  switch (c.operator) {
    case 'EQUALS':
      return c.value === '' ? null : c.value;
    case 'STARTS_WITH':
      return `${c.value}*`;
    case 'ENDS_WITH':
      return `*${c.value}`;
    case 'CONTAINS':
      return `*${c.value}*`;
    default:
      return null;
  }
}

/** "PATTERN=TARGET"; the last '=' separates them, since targets never hold one. */
export function parseBranchRule(spec: string, priority: number): Criterion {
  const eq = spec.lastIndexOf('=');
  if (eq === -1) {
    throw new FacetsError('USAGE', `invalid branch rule "${spec}": expected PATTERN=TARGET`, 'e.g. main=production or release/*=staging');
  }
  const pattern = spec.slice(0, eq).trim();
  const target = spec.slice(eq + 1).trim();
  if (pattern === '') throw new FacetsError('USAGE', `invalid branch rule "${spec}": the branch pattern before "=" is empty`);
  if (target === '') throw new FacetsError('USAGE', `invalid branch rule "${spec}": the target after "=" is empty`);
  return branchRule(pattern, target, priority);
}

export function matchCriterion(c: Criterion, metadata: Record<string, string>): boolean {
  if (!Object.prototype.hasOwnProperty.call(metadata, c.metadataKey)) return false;
  const actual = metadata[c.metadataKey];
  if (typeof actual !== 'string') return false;
  switch (c.operator) {
    case 'EQUALS':
      return actual === c.value;
    case 'STARTS_WITH':
      return actual.startsWith(c.value);
    case 'ENDS_WITH':
      return actual.endsWith(c.value);
    case 'CONTAINS':
      return actual.includes(c.value);
    default:
      return false;
  }
}

/** Rules in the order they are checked: lowest priority number first, ties by list order. */
export function orderRules(rules: Criterion[]): Criterion[] {
  return rules
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => a.rule.priority - b.rule.priority || a.index - b.index)
    .map((entry) => entry.rule);
}

export function routeArtifact(rules: Criterion[], metadata: Record<string, string>): Criterion | null {
  return orderRules(rules).find((rule) => matchCriterion(rule, metadata)) ?? null;
}

export function targetNoun(registrationType: RegistrationType): string {
  return registrationType === 'ENVIRONMENT' ? 'environment' : 'release stream';
}

/** "an environment" / "a release stream". */
export function targetNounWithArticle(registrationType: RegistrationType): string {
  return registrationType === 'ENVIRONMENT' ? 'an environment' : 'a release stream';
}

function describeRule(rule: Criterion, index: number): string {
  let text: string;
  try {
    text = formatRule(rule);
  } catch {
    text = JSON.stringify(rule);
  }
  return `rule ${index + 1} (${text})`;
}

export function validateRules(
  rules: Criterion[],
  registrationType: RegistrationType,
  targets: { environments: string[]; releaseStreams: string[] },
): void {
  const valid = registrationType === 'ENVIRONMENT' ? targets.environments : targets.releaseStreams;
  const noun = targetNoun(registrationType);
  const aNoun = targetNounWithArticle(registrationType);
  rules.forEach((rule, index) => {
    const name = describeRule(rule, index);
    const refuse = (reason: string, hint?: string) => new FacetsError('USAGE', `${name} ${reason}`, hint, { rule: index + 1 });
    if (typeof rule.metadataKey !== 'string' || rule.metadataKey.trim() === '') throw refuse('has an empty metadata key');
    if (!OPERATORS.includes(rule.operator)) throw refuse(`has unknown operator "${String(rule.operator)}" (use ${OPERATORS.join(', ')})`);
    if (typeof rule.value !== 'string') throw refuse('has no value');
    checkPriority(rule.priority, name);
    if (!valid.includes(rule.routeTo)) {
      const list = valid.length > 0 ? valid.join(', ') : `none: the project has no ${noun}s`;
      throw refuse(
        `routes to "${rule.routeTo}", which is not ${aNoun}; with registration type ${registrationType} a target must be ${aNoun} (valid: ${list})`,
        `route it to one of: ${valid.join(', ')}`,
      );
    }
  });
}
