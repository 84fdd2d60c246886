import type { Criterion } from '../../src/core/model';
import { usageMessage } from './refusal';
import {
  BRANCH_KEY,
  branchPattern,
  branchRule,
  matchCriterion,
  orderRules,
  parseBranchRule,
  routeArtifact,
  validateRules,
} from '../../src/core/routing';

const rule = (metadataKey: string, operator: Criterion['operator'], value: string, routeTo: string, priority = 0): Criterion => ({
  metadataKey,
  operator,
  value,
  priority,
  routeTo,
});

describe('a branch pattern maps onto the API operators on BRANCH_NAME', () => {
  test.each([
    ['main', 'EQUALS', 'main'],
    ['feature/login', 'EQUALS', 'feature/login'],
    ['release/*', 'STARTS_WITH', 'release/'],
    ['v*', 'STARTS_WITH', 'v'],
    ['*-hotfix', 'ENDS_WITH', '-hotfix'],
    ['*fix*', 'CONTAINS', 'fix'],
    ['*/wip/*', 'CONTAINS', '/wip/'],
    ['*', 'STARTS_WITH', ''],
  ])('%s → %s %j', (pattern, operator, value) => {
    expect(branchRule(pattern, 'dev', 3)).toEqual({ metadataKey: BRANCH_KEY, operator, value, priority: 3, routeTo: 'dev' });
  });

  test.each([
    ['a*b', '"*" may appear only at the start and/or the end'],
    ['release/*/x', 'only at the start and/or the end'],
    ['*a*b', 'only at the start and/or the end'],
    ['a*b*', 'only at the start and/or the end'],
    ['**', 'write a single "*" to match every branch'],
    ['***', 'write a single "*"'],
    ['', 'it is empty'],
    ['my branch', 'branch names cannot contain whitespace'],
  ])('the pattern %j is refused: %s', (pattern, fragment) => {
    const message = usageMessage(() => branchRule(pattern, 'dev', 0));
    expect(message).toContain(`invalid branch pattern "${pattern}"`);
    expect(message).toContain(fragment);
  });

  test.each([
    ['main', '', 0, 'has no target'],
    ['main', '  ', 0, 'has no target'],
    ['main', 'dev', -1, 'has priority -1'],
    ['main', 'dev', 1.5, 'has priority 1.5'],
    ['main', 'dev', Number.NaN, 'has priority NaN'],
  ])('branchRule(%j, %j, %j) is refused: %s', (pattern, target, priority, fragment) => {
    expect(usageMessage(() => branchRule(pattern, target, priority))).toContain(fragment);
  });
});

describe('branchPattern is the inverse of branchRule', () => {
  test.each(['main', 'release/*', '*-hotfix', '*fix*', '*', 'feature/a.b_c'])('%s round-trips', (pattern) => {
    expect(branchPattern(branchRule(pattern, 'dev', 0))).toBe(pattern);
  });

  test.each([
    [rule('GIT_TAG', 'EQUALS', 'v1', 'dev'), null],
    [rule(BRANCH_KEY, 'EQUALS', '', 'dev'), null],
    [rule(BRANCH_KEY, 'EQUALS', 'a*b', 'dev'), null],
    [rule(BRANCH_KEY, 'CONTAINS', '', 'dev'), '*'],
    [rule(BRANCH_KEY, 'ENDS_WITH', '', 'dev'), '*'],
    [rule('branch_name', 'EQUALS', 'main', 'dev'), null],
  ])('%j → %j', (criterion, expected) => {
    expect(branchPattern(criterion)).toBe(expected);
  });
});

describe('a SIMPLE rule is written PATTERN=TARGET', () => {
  test.each([
    ['main=production', rule(BRANCH_KEY, 'EQUALS', 'main', 'production', 1)],
    ['release/*=staging', rule(BRANCH_KEY, 'STARTS_WITH', 'release/', 'staging', 1)],
    [' develop = dev ', rule(BRANCH_KEY, 'EQUALS', 'develop', 'dev', 1)],
    ['*=dev', rule(BRANCH_KEY, 'STARTS_WITH', '', 'dev', 1)],
    ['a=b=stable', rule(BRANCH_KEY, 'EQUALS', 'a=b', 'stable', 1)],
  ])('%j', (spec, expected) => {
    expect(parseBranchRule(spec, 1)).toEqual(expected);
  });

  test.each([
    ['main', 'expected PATTERN=TARGET'],
    ['=dev', 'the branch pattern before "=" is empty'],
    ['main=', 'the target after "=" is empty'],
    ['main=  ', 'the target after "=" is empty'],
    ['a*b=dev', '"*" may appear only at the start and/or the end'],
  ])('%j is refused: %s', (spec, fragment) => {
    expect(usageMessage(() => parseBranchRule(spec, 0))).toContain(fragment);
  });
});

describe('a criterion matches when the metadata value satisfies its operator', () => {
  test.each([
    ['EQUALS', 'main', 'main', true],
    ['EQUALS', 'main', 'main2', false],
    ['EQUALS', 'main', 'Main', false],
    ['EQUALS', '', '', true],
    ['STARTS_WITH', 'release/', 'release/1.2', true],
    ['STARTS_WITH', 'release/', 'release', false],
    ['STARTS_WITH', '', 'anything', true],
    ['STARTS_WITH', '', '', true],
    ['ENDS_WITH', '-hotfix', 'db-hotfix', true],
    ['ENDS_WITH', '-hotfix', 'hotfix-db', false],
    ['CONTAINS', 'fix', 'bugfix-1', true],
    ['CONTAINS', 'fix', 'feature', false],
    ['CONTAINS', '', 'x', true],
  ] as const)('%s %j on %j → %s', (operator, value, actual, expected) => {
    expect(matchCriterion(rule(BRANCH_KEY, operator, value, 'dev'), { [BRANCH_KEY]: actual })).toBe(expected);
  });

  test.each<[Record<string, string>, string]>([
    [{}, 'no such key'],
    [{ branch_name: 'main' }, 'keys are case-sensitive'],
    [{ GIT_TAG: 'main' }, 'another key'],
  ])('metadata %j does not match (%s)', (metadata) => {
    expect(matchCriterion(rule(BRANCH_KEY, 'STARTS_WITH', '', 'dev'), metadata)).toBe(false);
  });

  test('keys inherited from Object.prototype are not metadata', () => {
    expect(matchCriterion(rule('constructor', 'STARTS_WITH', '', 'dev'), {})).toBe(false);
    expect(matchCriterion(rule('toString', 'CONTAINS', '', 'dev'), {})).toBe(false);
  });
});

describe('routing takes the lowest priority number first, ties by list order', () => {
  const rules = [
    rule(BRANCH_KEY, 'STARTS_WITH', '', 'dev', 10),
    rule(BRANCH_KEY, 'EQUALS', 'main', 'production', 1),
    rule(BRANCH_KEY, 'STARTS_WITH', 'release/', 'staging', 2),
    rule(BRANCH_KEY, 'STARTS_WITH', 'release/', 'qa', 2),
    rule('GIT_TAG', 'STARTS_WITH', 'v', 'production', 0),
  ];
  test.each([
    [{ BRANCH_NAME: 'main' }, 'production', 1],
    [{ BRANCH_NAME: 'release/1.0' }, 'staging', 2],
    [{ BRANCH_NAME: 'feature/x' }, 'dev', 10],
    [{ BRANCH_NAME: 'feature/x', GIT_TAG: 'v1.0.0' }, 'production', 0],
    [{ GIT_TAG: 'x1' }, null, null],
    [{}, null, null],
  ])('%j → %j', (metadata, routeTo, priority) => {
    const matched = routeArtifact(rules, metadata);
    expect(matched?.routeTo ?? null).toBe(routeTo);
    expect(matched?.priority ?? null).toBe(priority);
  });

  test('no rules route nothing', () => {
    expect(routeArtifact([], { BRANCH_NAME: 'main' })).toBeNull();
  });

  test('orderRules is stable for equal priorities and leaves the input alone', () => {
    const input = [rule('K', 'EQUALS', 'a', 'x', 5), rule('K', 'EQUALS', 'b', 'y', 5), rule('K', 'EQUALS', 'c', 'z', 0)];
    expect(orderRules(input).map((r) => r.value)).toEqual(['c', 'a', 'b']);
    expect(input.map((r) => r.value)).toEqual(['a', 'b', 'c']);
  });
});

describe('a rule must route to a target of the registration type', () => {
  const targets = { environments: ['dev', 'staging', 'production'], releaseStreams: ['stable', 'canary'] };

  test.each([
    ['ENVIRONMENT', [rule(BRANCH_KEY, 'EQUALS', 'main', 'production')]],
    ['ENVIRONMENT', [rule(BRANCH_KEY, 'EQUALS', 'main', 'dev', 0), rule(BRANCH_KEY, 'EQUALS', 'x', 'dev', 0)]],
    ['RELEASE_STREAM', [rule('GIT_TAG', 'STARTS_WITH', 'v', 'stable', 3)]],
    ['RELEASE_STREAM', []],
  ] as const)('%s rules %j are valid', (type, rules) => {
    expect(() => validateRules([...rules], type, targets)).not.toThrow();
  });

  test.each([
    ['ENVIRONMENT', rule(BRANCH_KEY, 'EQUALS', 'main', 'stable'), 'rule 1 (BRANCH_NAME EQUALS main => stable priority 0) routes to "stable", which is not an environment'],
    ['ENVIRONMENT', rule(BRANCH_KEY, 'EQUALS', 'main', 'prod'), 'a target must be an environment (valid: dev, staging, production)'],
    ['RELEASE_STREAM', rule(BRANCH_KEY, 'EQUALS', 'main', 'dev'), 'which is not a release stream; with registration type RELEASE_STREAM a target must be a release stream (valid: stable, canary)'],
    ['ENVIRONMENT', rule('', 'EQUALS', 'main', 'dev'), 'has an empty metadata key'],
    ['ENVIRONMENT', rule('  ', 'EQUALS', 'main', 'dev'), 'has an empty metadata key'],
    ['ENVIRONMENT', { ...rule(BRANCH_KEY, 'EQUALS', 'main', 'dev'), operator: 'MATCHES' as Criterion['operator'] }, 'has unknown operator "MATCHES"'],
    ['ENVIRONMENT', rule(BRANCH_KEY, 'EQUALS', 'main', 'dev', -2), 'has priority -2'],
  ] as const)('%s %j is refused: %s', (type, criterion, fragment) => {
    expect(usageMessage(() => validateRules([criterion], type, targets))).toContain(fragment);
  });

  test('the rule is named by its position among the rules', () => {
    const rules = [rule(BRANCH_KEY, 'EQUALS', 'a', 'dev'), rule(BRANCH_KEY, 'EQUALS', 'b', 'dev'), rule(BRANCH_KEY, 'EQUALS', 'c', 'nope')];
    expect(usageMessage(() => validateRules(rules, 'ENVIRONMENT', targets))).toMatch(/^rule 3 \(/);
  });

  test('a project without targets says so', () => {
    expect(usageMessage(() => validateRules([rule(BRANCH_KEY, 'EQUALS', 'a', 'dev')], 'RELEASE_STREAM', { environments: ['dev'], releaseStreams: [] }))).toContain(
      'valid: none: the project has no release streams',
    );
  });
});
