import { defaultCiConfig, mergeCiConfig, sameCiConfig, validateCiConfig } from '../../src/core/ci-config';
import type { CiConfig, Criterion, Project } from '../../src/core/model';
import { branchRule } from '../../src/core/routing';
import { refusal } from './refusal';

const project: Project = {
  name: 'shop',
  environments: [
    { id: 'e1', name: 'dev', releaseStream: 'beta' },
    { id: 'e2', name: 'staging', releaseStream: 'canary' },
    { id: 'e3', name: 'production', releaseStream: 'stable' },
  ],
  releaseStreams: [
    { name: 'beta', prod: false },
    { name: 'canary', prod: false },
    { name: 'stable', prod: true },
  ],
  resources: [{ resourceType: 'service', resourceName: 'api' }],
  registries: [],
};

const envConfig = (change: Partial<CiConfig> = {}): CiConfig => ({ ...defaultCiConfig('ENVIRONMENT'), ...change });
const streamConfig = (change: Partial<CiConfig> = {}): CiConfig => ({ ...defaultCiConfig('RELEASE_STREAM'), ...change });

describe('the default config is SIMPLE with no rules, an empty hierarchy and an empty policy', () => {
  test.each(['ENVIRONMENT', 'RELEASE_STREAM'] as const)('%s', (type) => {
    expect(defaultCiConfig(type)).toEqual({ registrationType: type, ciStrategy: 'SIMPLE', routingRules: [], promotionHierarchy: [], policy: {} });
  });
});

describe('the registration type is required the first time', () => {
  test('a first change without it is refused', () => {
    const e = refusal(() => mergeCiConfig(null, { ciStrategy: 'ADVANCED' }));
    expect(e.kind).toBe('USAGE');
    expect(e.message).toBe('registration type is required the first time CI/CD is configured');
    expect(e.hint).toContain('--registration-type');
  });
  test('a first change with it starts from the defaults', () => {
    expect(mergeCiConfig(null, { registrationType: 'RELEASE_STREAM', promotionHierarchy: ['beta', 'stable'] })).toEqual({
      ...defaultCiConfig('RELEASE_STREAM'),
      promotionHierarchy: ['beta', 'stable'],
    });
  });
  test('an unknown registration type is refused', () => {
    const e = refusal(() => mergeCiConfig(null, { registrationType: 'CLUSTER' as CiConfig['registrationType'] }));
    expect(e.kind).toBe('USAGE');
    expect(e.message).toBe('registration type "CLUSTER" is invalid (use ENVIRONMENT or RELEASE_STREAM)');
  });
});

describe('the registration type cannot be changed without a reset', () => {
  test.each([
    ['ENVIRONMENT', 'RELEASE_STREAM'],
    ['RELEASE_STREAM', 'ENVIRONMENT'],
  ] as const)('%s → %s is a conflict', (from, to) => {
    const e = refusal(() => mergeCiConfig(defaultCiConfig(from), { registrationType: to }));
    expect(e.kind).toBe('CONFLICT');
    expect(e.message).toBe(`registration type is ${from} and cannot be changed to ${to} without a reset`);
    expect(e.hint).toBe('run `facetsctl ci reset` (deletes the default routing rule and the promotion workflow) or pass --reset');
  });
  test('repeating the same registration type is no change', () => {
    expect(mergeCiConfig(envConfig(), { registrationType: 'ENVIRONMENT' })).toEqual(envConfig());
  });
});

describe('fields present in the change replace the current ones; absent fields are kept', () => {
  const rules: Criterion[] = [branchRule('main', 'production', 1)];
  const current = envConfig({ routingRules: rules, promotionHierarchy: ['dev', 'production'], policy: { deniedTags: ['latest'] } });
  test.each([
    [{}, current],
    [{ ciStrategy: 'ADVANCED' as const }, { ...current, ciStrategy: 'ADVANCED' }],
    [{ routingRules: [] }, { ...current, routingRules: [] }],
    [{ promotionHierarchy: ['dev'] }, { ...current, promotionHierarchy: ['dev'] }],
    [{ policy: { tagPattern: '^v' } }, { ...current, policy: { tagPattern: '^v' } }],
  ])('change %j', (change, expected) => {
    expect(mergeCiConfig(current, change)).toEqual(expected);
  });
  test('the result shares no arrays or objects with its inputs', () => {
    const merged = mergeCiConfig(current, {});
    merged.routingRules[0].routeTo = 'dev';
    merged.promotionHierarchy.push('x');
    merged.policy.deniedTags?.push('x');
    expect(current.routingRules[0].routeTo).toBe('production');
    expect(current.promotionHierarchy).toEqual(['dev', 'production']);
    expect(current.policy.deniedTags).toEqual(['latest']);
  });
  test('an unknown CI strategy is refused', () => {
    expect(refusal(() => mergeCiConfig(current, { ciStrategy: 'FANCY' as CiConfig['ciStrategy'] })).message).toBe(
      'CI strategy "FANCY" is invalid (use SIMPLE or ADVANCED)',
    );
  });
});

describe('a config is validated against the project: rules, hierarchy, policy, SIMPLE takes only branch rules', () => {
  const advanced: Criterion = { metadataKey: 'GIT_TAG', operator: 'STARTS_WITH', value: 'v', priority: 0, routeTo: 'production' };
  test.each([
    ['the defaults', envConfig()],
    ['branch rules to environments', envConfig({ routingRules: [branchRule('main', 'production', 0), branchRule('*', 'dev', 9)] })],
    ['branch rules to release streams', streamConfig({ routingRules: [branchRule('main', 'stable', 0)], promotionHierarchy: ['beta', 'canary', 'stable'] })],
    ['ADVANCED rules on any key', envConfig({ ciStrategy: 'ADVANCED', routingRules: [advanced] })],
    ['a full policy', envConfig({ promotionHierarchy: ['dev', 'production'], policy: { tagPattern: '^v', deniedTags: ['latest'], promotedOnly: ['production'] } })],
  ])('%s is valid', (_name, config) => {
    expect(() => validateCiConfig(config, project)).not.toThrow();
  });

  test.each([
    ['a rule to a release stream under ENVIRONMENT', envConfig({ routingRules: [branchRule('main', 'stable', 0)] }), 'routes to "stable", which is not an environment'],
    ['a rule to an environment under RELEASE_STREAM', streamConfig({ routingRules: [branchRule('main', 'dev', 0)] }), 'which is not a release stream'],
    ['a non-branch rule under SIMPLE', envConfig({ routingRules: [branchRule('main', 'dev', 0), advanced] }), 'CI strategy SIMPLE takes only branch rules (BRANCH_NAME); rule 2 looks at "GIT_TAG"'],
    ['an unknown hierarchy entry', envConfig({ promotionHierarchy: ['dev', 'qa'] }), 'promotion hierarchy entry "qa" is not an environment'],
    ['a repeated hierarchy entry', streamConfig({ promotionHierarchy: ['beta', 'beta'] }), 'lists "beta" more than once'],
    ['a bad policy pattern', envConfig({ policy: { tagPattern: '(' } }), 'is not a valid regular expression'],
    ['promotedOnly naming a release stream under ENVIRONMENT', envConfig({ policy: { promotedOnly: ['stable'] } }), 'promotedOnly entry "stable" is not a registration target'],
    ['an unknown CI strategy', envConfig({ ciStrategy: 'X' as CiConfig['ciStrategy'] }), 'CI strategy "X" is invalid'],
    ['an unknown registration type', envConfig({ registrationType: 'X' as CiConfig['registrationType'] }), 'registration type "X" is invalid'],
  ])('%s is refused', (_name, config, fragment) => {
    const e = refusal(() => validateCiConfig(config, project));
    expect(e.kind).toBe('USAGE');
    expect(e.message).toContain(fragment);
  });
});

describe('sameCiConfig: a configure that stores the same settings again is no change', () => {
  const base: CiConfig = { ...defaultCiConfig('ENVIRONMENT'), routingRules: [branchRule('main', 'dev', 0)], promotionHierarchy: ['dev', 'staging'], policy: { deniedTags: ['latest'] } };
  test.each<[string, CiConfig | null, CiConfig | null, boolean]>([
    ['identical', base, structuredClone(base), true],
    ['keys in another order', base, { policy: { deniedTags: ['latest'] }, promotionHierarchy: ['dev', 'staging'], routingRules: [branchRule('main', 'dev', 0)], ciStrategy: 'SIMPLE', registrationType: 'ENVIRONMENT' }, true],
    ['an absent policy list is an empty one', { ...base, policy: {} }, { ...base, policy: { deniedTags: [], promotedOnly: [] } }, true],
    ['none before', null, base, false],
    ['both none', null, null, true],
    ['another promotion order', base, { ...base, promotionHierarchy: ['staging', 'dev'] }, false],
    ['another rule target', base, { ...base, routingRules: [branchRule('main', 'staging', 0)] }, false],
    ['another strategy', base, { ...base, ciStrategy: 'ADVANCED' }, false],
    ['a tag pattern added', base, { ...base, policy: { ...base.policy, tagPattern: '^v' } }, false],
  ])('%s', (_name, a, b, same) => expect(sameCiConfig(a, b)).toBe(same));
});
