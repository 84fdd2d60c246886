import { FacetsError } from '../../src/core/errors';
import type { Criterion } from '../../src/core/model';
import { formatRule, parseAdvancedRule } from '../../src/core/routing';

const rule = (metadataKey: string, operator: Criterion['operator'], value: string, routeTo: string, priority: number): Criterion => ({
  metadataKey,
  operator,
  value,
  priority,
  routeTo,
});

describe('an advanced rule is written KEY OP VALUE => TARGET [priority N]', () => {
  test.each([
    ['BRANCH_NAME EQUALS main => production', rule('BRANCH_NAME', 'EQUALS', 'main', 'production', 7)],
    ['BRANCH_NAME equals main => production', rule('BRANCH_NAME', 'EQUALS', 'main', 'production', 7)],
    ['BRANCH_NAME Starts_With release/ => staging priority 2', rule('BRANCH_NAME', 'STARTS_WITH', 'release/', 'staging', 2)],
    ['GIT_TAG ENDS_WITH -rc => canary PRIORITY 0', rule('GIT_TAG', 'ENDS_WITH', '-rc', 'canary', 0)],
    ['COMMIT_MESSAGE CONTAINS "[deploy prod]" => production', rule('COMMIT_MESSAGE', 'CONTAINS', '[deploy prod]', 'production', 7)],
    ['BRANCH_NAME STARTS_WITH "" => dev priority 99', rule('BRANCH_NAME', 'STARTS_WITH', '', 'dev', 99)],
    ['  BRANCH_NAME   EQUALS   main   =>   dev  ', rule('BRANCH_NAME', 'EQUALS', 'main', 'dev', 7)],
    ['BRANCH_NAME EQUALS main=>dev', rule('BRANCH_NAME', 'EQUALS', 'main', 'dev', 7)],
    ['K CONTAINS "a \\"quoted\\" word" => dev', rule('K', 'CONTAINS', 'a "quoted" word', 'dev', 7)],
    ['K CONTAINS "back\\\\slash" => dev', rule('K', 'CONTAINS', 'back\\slash', 'dev', 7)],
    ['K EQUALS "a => b" => dev', rule('K', 'EQUALS', 'a => b', 'dev', 7)],
    ['K EQUALS x => "my env"', rule('K', 'EQUALS', 'x', 'my env', 7)],
    ['ci.provider EQUALS github => dev', rule('ci.provider', 'EQUALS', 'github', 'dev', 7)],
    ['K EQUALS priority => dev', rule('K', 'EQUALS', 'priority', 'dev', 7)],
  ])('%s', (spec, expected) => {
    expect(parseAdvancedRule(spec, 7)).toEqual(expected);
  });

  test.each([
    ['', 'missing "=>" before the target'],
    ['BRANCH_NAME EQUALS main dev', 'missing "=>"'],
    ['=> dev', 'missing metadata key'],
    ['BRANCH_NAME => dev', 'missing operator'],
    ['BRANCH_NAME MATCHES main => dev', 'unknown operator "MATCHES" (use EQUALS, STARTS_WITH, ENDS_WITH, CONTAINS)'],
    ['BRANCH_NAME == main => dev', 'unknown operator "=="'],
    ['BRANCH_NAME EQUALS => dev', 'missing value before "=>"'],
    ['K CONTAINS two words => dev', 'the value has 2 words; quote a value that holds spaces'],
    ['K EQUALS main =>', 'missing target after "=>"'],
    ['K EQUALS main => ""', 'the target is empty'],
    ['K EQUALS main => dev extra', 'unexpected "extra" after the target'],
    ['K EQUALS main => dev priority', 'missing number after "priority"'],
    ['K EQUALS main => dev priority -1', 'priority "-1" must be a whole number'],
    ['K EQUALS main => dev priority 1.5', 'priority "1.5" must be a whole number'],
    ['K EQUALS main => dev priority x', 'priority "x" must be a whole number'],
    ['K EQUALS main => dev priority 99999999999', 'priority "99999999999" must be a whole number from 0 to 2147483647'],
    ['K EQUALS main => dev priority 1 2', 'unexpected "2" after the priority'],
    ['K EQUALS "main => dev', 'missing its closing "'],
    ['K EQUALS "main"x => dev', 'a closing " must be followed by a space'],
    ['"K" EQUALS main => dev', 'metadata key "K" may hold only'],
    ['K! EQUALS main => dev', 'metadata key "K!" may hold only'],
    ['K EQUALS main => dev "priority" 1', 'unexpected "priority" after the target'],
  ])('%j is refused: %s', (spec, fragment) => {
    let error: unknown;
    try {
      parseAdvancedRule(spec, 0);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FacetsError);
    expect((error as FacetsError).kind).toBe('USAGE');
    expect((error as FacetsError).message).toContain(`invalid rule "${spec}"`);
    expect((error as FacetsError).message).toContain(fragment);
  });
});

describe('formatRule writes the advanced syntax and round-trips with parseAdvancedRule', () => {
  test.each([
    [rule('BRANCH_NAME', 'EQUALS', 'main', 'production', 1), 'BRANCH_NAME EQUALS main => production priority 1'],
    [rule('BRANCH_NAME', 'STARTS_WITH', '', 'dev', 0), 'BRANCH_NAME STARTS_WITH "" => dev priority 0'],
    [rule('MSG', 'CONTAINS', 'a b', 'dev', 3), 'MSG CONTAINS "a b" => dev priority 3'],
    [rule('MSG', 'CONTAINS', 'say "hi"', 'dev', 3), 'MSG CONTAINS "say \\"hi\\"" => dev priority 3'],
    [rule('MSG', 'EQUALS', 'x=>y', 'my env', 3), 'MSG EQUALS "x=>y" => "my env" priority 3'],
  ])('%j → %s', (criterion, text) => {
    expect(formatRule(criterion)).toBe(text);
    expect(parseAdvancedRule(text, 42)).toEqual(criterion);
  });

  test.each([
    'main', '', ' ', 'release/', 'a\\b', '\\', '"', '""', 'x"y', '=>', '=', '>', 'tab\there', 'new\nline', 'priority', 'a => b', 'ünïcode', '*', '#1',
  ])('the value %j round-trips', (value) => {
    for (const operator of ['EQUALS', 'STARTS_WITH', 'ENDS_WITH', 'CONTAINS'] as const) {
      const criterion = rule('KEY', operator, value, value.trim() === '' || value === '""' ? 'dev' : `t-${value}`, 5);
      expect(parseAdvancedRule(formatRule(criterion), 0)).toEqual(criterion);
    }
  });
});
