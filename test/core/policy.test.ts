import type { ImageVersionPolicy } from '../../src/core/model';
import { checkPolicy, SEMVER_TAG_PATTERN, validatePolicy } from '../../src/core/policy';
import { refusal } from './refusal';

const subject = (tag: string | null, registrationValue: string | null = 'dev', promoted = false) => ({ tag, registrationValue, promoted });

describe('SEMVER_TAG_PATTERN accepts semantic versions with an optional "v"', () => {
  const semver = new RegExp(SEMVER_TAG_PATTERN);
  test.each([
    ['1.0.0', true],
    ['v1.4.2', true],
    ['0.0.1', true],
    ['10.20.30', true],
    ['1.0.0-rc.1', true],
    ['1.0.0-alpha-a.b-c', true],
    ['1.0.0-0.3.7', true],
    ['1.0.0_build.5', true],
    ['1.0.0-beta_exp.sha.5114f85', true],
    ['1.0', false],
    ['1', false],
    ['01.0.0', false],
    ['1.0.0-01', false],
    ['latest', false],
    ['V1.0.0', false],
    ['1.0.0.0', false],
    ['1.0.0-', false],
    ['sha-1a2b3c', false],
  ])('%s → %s', (tag, ok) => {
    expect(semver.test(tag)).toBe(ok);
  });
});

describe('a tag in deniedTags is refused', () => {
  const policy: ImageVersionPolicy = { deniedTags: ['latest', 'dev'] };
  test.each(['latest', 'dev'])('%s is refused with the rule it broke', (tag) => {
    const e = refusal(() => checkPolicy(policy, subject(tag)));
    expect(e.kind).toBe('POLICY');
    expect(e.message).toBe(`tag "${tag}" is refused by the image version policy (deniedTags)`);
    expect(e.hint).toContain('immutable tag');
    expect(e.details).toEqual({ rule: 'deniedTags', tag });
  });
  test.each(['Latest', 'latest1', '1.0.0', null])('%j is allowed', (tag) => {
    expect(() => checkPolicy(policy, subject(tag))).not.toThrow();
  });
});

describe('a tag must match tagPattern when one is set', () => {
  const policy: ImageVersionPolicy = { tagPattern: SEMVER_TAG_PATTERN };
  test.each(['1.2.3', 'v2.0.0-rc.1'])('%s is allowed', (tag) => {
    expect(() => checkPolicy(policy, subject(tag))).not.toThrow();
  });
  test.each(['latest', 'feature-x', '1.2'])('%s is refused', (tag) => {
    const e = refusal(() => checkPolicy(policy, subject(tag)));
    expect(e.kind).toBe('POLICY');
    expect(e.message).toBe(`tag "${tag}" does not match the image version policy (tagPattern ${SEMVER_TAG_PATTERN})`);
    expect(e.details).toMatchObject({ rule: 'tagPattern', tag });
  });
  test('an artifact without a tag is refused, since there is nothing to match', () => {
    const e = refusal(() => checkPolicy(policy, subject(null)));
    expect(e.kind).toBe('POLICY');
    expect(e.message).toContain('an artifact without a tag is refused by the image version policy (tagPattern');
  });
  test('an unanchored pattern matches anywhere in the tag, as regular expressions do', () => {
    expect(() => checkPolicy({ tagPattern: 'prod' }, subject('x-prod-1'))).not.toThrow();
  });
  test('deniedTags is checked before tagPattern', () => {
    const e = refusal(() => checkPolicy({ tagPattern: '.*', deniedTags: ['latest'] }, subject('latest')));
    expect(e.details).toMatchObject({ rule: 'deniedTags' });
  });
});

describe('a target in promotedOnly takes only promoted artifacts', () => {
  const policy: ImageVersionPolicy = { promotedOnly: ['production'] };
  test('a direct registration to production is refused', () => {
    const e = refusal(() => checkPolicy(policy, subject('1.0.0', 'production', false)));
    expect(e.kind).toBe('POLICY');
    expect(e.message).toBe('"production" takes only promoted artifacts under the image version policy (promotedOnly)');
    expect(e.hint).toContain('facetsctl promote');
  });
  test.each([
    ['1.0.0', 'production', true],
    ['1.0.0', 'dev', false],
    ['1.0.0', null, false],
  ])('tag %s to %j (promoted %s) is allowed', (tag, value, promoted) => {
    expect(() => checkPolicy(policy, subject(tag, value, promoted))).not.toThrow();
  });
  test('an empty policy allows everything', () => {
    expect(() => checkPolicy({}, subject(null, 'production'))).not.toThrow();
  });
});

describe('a policy is valid when its pattern compiles and its entries exist', () => {
  test.each([
    [{}],
    [{ tagPattern: SEMVER_TAG_PATTERN, deniedTags: ['latest'], promotedOnly: ['production'] }],
    [{ promotedOnly: [] }],
  ])('%j is valid', (policy) => {
    expect(() => validatePolicy(policy, ['dev', 'production'])).not.toThrow();
  });
  test.each([
    [{ tagPattern: '(' }, 'tagPattern "(" is not a valid regular expression'],
    [{ tagPattern: '[a-' }, 'is not a valid regular expression'],
    [{ tagPattern: '' }, 'tagPattern is empty'],
    [{ deniedTags: ['la test'] }, 'deniedTags entry "la test" is not a valid image tag'],
    [{ deniedTags: [''] }, 'deniedTags entry "" is not a valid image tag'],
    [{ promotedOnly: ['prod'] }, 'promotedOnly entry "prod" is not a registration target of this project (valid: dev, production)'],
  ])('%j is refused: %s', (policy, fragment) => {
    const e = refusal(() => validatePolicy(policy, ['dev', 'production']));
    expect(e.kind).toBe('USAGE');
    expect(e.message).toContain(fragment);
  });
});
