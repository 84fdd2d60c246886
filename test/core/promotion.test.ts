import { nextAfter, validateHierarchy, validatePromotion } from '../../src/core/promotion';
import { usageMessage } from './refusal';

const ENVIRONMENTS = ['dev', 'staging', 'production'];
const STREAMS = ['beta', 'canary', 'stable'];

describe('a promotion hierarchy has at least one entry, no repeats, and only existing targets', () => {
  test.each([
    [['dev'], ENVIRONMENTS, 'ENVIRONMENT'],
    [['dev', 'staging', 'production'], ENVIRONMENTS, 'ENVIRONMENT'],
    [['production', 'dev'], ENVIRONMENTS, 'ENVIRONMENT'],
    [['beta', 'canary', 'stable'], STREAMS, 'RELEASE_STREAM'],
  ] as const)('%j is valid', (hierarchy, valid, type) => {
    expect(() => validateHierarchy([...hierarchy], [...valid], type)).not.toThrow();
  });

  test.each([
    [[], ENVIRONMENTS, 'ENVIRONMENT', 'promotion hierarchy is empty; it needs at least one environment'],
    [[], STREAMS, 'RELEASE_STREAM', 'it needs at least one release stream'],
    [['dev', 'dev'], ENVIRONMENTS, 'ENVIRONMENT', 'promotion hierarchy lists "dev" more than once (dev → dev)'],
    [['dev', 'staging', 'dev'], ENVIRONMENTS, 'ENVIRONMENT', 'lists "dev" more than once'],
    [['dev', 'qa'], ENVIRONMENTS, 'ENVIRONMENT', 'promotion hierarchy entry "qa" is not an environment; with registration type ENVIRONMENT every entry must be an environment (valid: dev, staging, production)'],
    [['dev', 'stable'], ENVIRONMENTS, 'ENVIRONMENT', 'entry "stable" is not an environment'],
    [['dev'], STREAMS, 'RELEASE_STREAM', 'entry "dev" is not a release stream'],
    [['dev', ''], ENVIRONMENTS, 'ENVIRONMENT', 'promotion hierarchy entry 2 is empty'],
    [['dev'], [], 'ENVIRONMENT', 'valid: none: the project has no environments'],
  ] as const)('%j is refused: %s', (hierarchy, valid, type, fragment) => {
    expect(usageMessage(() => validateHierarchy([...hierarchy], [...valid], type))).toContain(fragment);
  });
});

describe('the next level after a value is the following entry, null at the top', () => {
  test.each([
    ['dev', 'staging'],
    ['staging', 'production'],
    ['production', null],
  ])('after %s → %j', (value, expected) => {
    expect(nextAfter(ENVIRONMENTS, value)).toBe(expected);
  });

  test('a single-entry hierarchy has nothing above', () => {
    expect(nextAfter(['stable'], 'stable')).toBeNull();
  });

  test.each([
    [ENVIRONMENTS, 'qa', '"qa" is not in the promotion hierarchy (dev → staging → production)'],
    [[], 'dev', '"dev" is not in the promotion hierarchy (it is empty)'],
    [ENVIRONMENTS, 'Dev', '"Dev" is not in the promotion hierarchy'],
  ])('a value outside the hierarchy is refused: %j %s', (hierarchy, value, fragment) => {
    expect(usageMessage(() => nextAfter(hierarchy, value))).toContain(fragment);
  });
});

describe('an artifact is promoted only upwards in the hierarchy', () => {
  test.each([
    ['dev', 'staging'],
    ['dev', 'production'],
    ['staging', 'production'],
  ])('%s → %s is allowed', (from, to) => {
    expect(() => validatePromotion(ENVIRONMENTS, from, to)).not.toThrow();
  });

  test.each([
    ['production', 'dev', 'cannot promote from "production" to "dev": "dev" does not come after "production"'],
    ['staging', 'staging', '"staging" does not come after "staging"'],
    ['qa', 'production', '"qa" is not in the promotion hierarchy'],
    ['dev', 'qa', '"qa" is not in the promotion hierarchy'],
  ])('%s → %s is refused: %s', (from, to, fragment) => {
    expect(usageMessage(() => validatePromotion(ENVIRONMENTS, from, to))).toContain(fragment);
  });
});
