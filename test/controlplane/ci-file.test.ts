import path from 'node:path';
import { FacetsError } from '../../src/core/errors';
import { loadCiFile, parseBlueprint, parseCiFile } from '../../src/controlplane';
import { SHOP_BLUEPRINT } from './fixture';

const { project } = parseBlueprint(SHOP_BLUEPRINT, 'facets.yaml');

function errorOf(text: string, withProject = true): FacetsError {
  try {
    parseCiFile(text, 'ci.yaml', withProject ? project : undefined);
  } catch (e) {
    if (e instanceof FacetsError) return e;
    throw e;
  }
  throw new Error('expected the CI/CD file to be refused');
}

describe('a CI/CD file parses to a partial CI/CD configuration', () => {
  test('branchRules map branch patterns to targets in file order (SIMPLE)', () => {
    const config = parseCiFile('registrationType: ENVIRONMENT\nbranchRules:\n  main: dev\n  "release/*": staging\n  "*-hotfix": staging\n', 'ci.yaml', project);
    expect(config).toEqual({
      registrationType: 'ENVIRONMENT',
      ciStrategy: 'SIMPLE',
      routingRules: [
        { metadataKey: 'BRANCH_NAME', operator: 'EQUALS', value: 'main', priority: 1, routeTo: 'dev' },
        { metadataKey: 'BRANCH_NAME', operator: 'STARTS_WITH', value: 'release/', priority: 2, routeTo: 'staging' },
        { metadataKey: 'BRANCH_NAME', operator: 'ENDS_WITH', value: '-hotfix', priority: 3, routeTo: 'staging' },
      ],
    });
  });

  test('rules take the advanced syntax or structured criteria (ADVANCED)', () => {
    const config = parseCiFile(
      [
        'registrationType: RELEASE_STREAM',
        'rules:',
        '  - "BRANCH_NAME STARTS_WITH release/ => PRODUCTION priority 1"',
        '  - {metadataKey: PIPELINE, operator: CONTAINS, value: nightly, routeTo: QA}',
        'promotion: [QA, PRODUCTION]',
        'policy: {tagPattern: "^v\\\\d+", deniedTags: [latest], promotedOnly: [PRODUCTION]}',
      ].join('\n'),
      'ci.yaml',
      project,
    );
    expect(config.ciStrategy).toBe('ADVANCED');
    expect(config.routingRules).toEqual([
      { metadataKey: 'BRANCH_NAME', operator: 'STARTS_WITH', value: 'release/', priority: 1, routeTo: 'PRODUCTION' },
      { metadataKey: 'PIPELINE', operator: 'CONTAINS', value: 'nightly', priority: 2, routeTo: 'QA' },
    ]);
    expect(config.promotionHierarchy).toEqual(['QA', 'PRODUCTION']);
    expect(config.policy).toEqual({ tagPattern: '^v\\d+', deniedTags: ['latest'], promotedOnly: ['PRODUCTION'] });
  });

  test('fields left out stay out (a partial change keeps the current values)', () => {
    expect(parseCiFile('promotion: [dev, staging]\n', 'ci.yaml', project)).toEqual({ promotionHierarchy: ['dev', 'staging'] });
  });

  test('examples/ci.yaml is valid for the sample project', () => {
    const config = loadCiFile(path.join(__dirname, '../../examples/ci.yaml'), project);
    expect(config.registrationType).toBe('ENVIRONMENT');
    expect(config.routingRules).toHaveLength(3);
  });

  test('a missing file is NOT_FOUND', () => {
    expect(() => loadCiFile('/nonexistent/ci.yaml')).toThrow(expect.objectContaining({ kind: 'NOT_FOUND' }));
  });
});

describe('every CI/CD file error names the file, line and column', () => {
  test.each([
    ['an unknown registration type', 'registrationType: HYBRID\n', 'ci.yaml:1:19: registrationType "HYBRID" is not one of ENVIRONMENT, RELEASE_STREAM'],
    ['a misspelt key', 'registrationType: ENVIRONMENT\nbranchRule: {main: dev}\n', 'ci.yaml:2:1: branchRule is not a known key'],
    ['branchRules and rules together', 'registrationType: ENVIRONMENT\nbranchRules: {main: dev}\nrules: []\n', 'ci.yaml:3:1: rules: use either branchRules (SIMPLE) or rules (ADVANCED), not both'],
    ['a branch rule to an environment that does not exist', 'registrationType: ENVIRONMENT\nbranchRules:\n  main: qa\n', 'ci.yaml:3:9: branchRules.main "qa" is not an environment of project shop'],
    ['a release stream target under ENVIRONMENT', 'registrationType: ENVIRONMENT\nbranchRules:\n  main: QA\n', 'ci.yaml:3:9: branchRules.main "QA" is not an environment of project shop (registrationType ENVIRONMENT; known: dev, staging, production)'],
    ['an environment target under RELEASE_STREAM', 'registrationType: RELEASE_STREAM\npromotion: [QA, production]\n', 'ci.yaml:2:17: promotion[1] "production" is not a release stream of project shop'],
    ['a branch pattern with an inner star', 'registrationType: ENVIRONMENT\nbranchRules:\n  "a*b": dev\n', 'ci.yaml:3:3: branchRules.a*b:'],
    ['an advanced rule without an arrow', 'registrationType: ENVIRONMENT\nrules:\n  - "BRANCH_NAME EQUALS main dev"\n', 'ci.yaml:3:5: rules[0]:'],
    ['an unknown operator', 'registrationType: ENVIRONMENT\nrules:\n  - {metadataKey: K, operator: LIKE, value: v, routeTo: dev}\n', 'ci.yaml:3:32: rules[0].operator "LIKE" is not one of EQUALS'],
    ['a negative priority', 'registrationType: ENVIRONMENT\nrules:\n  - {metadataKey: K, operator: EQUALS, value: v, routeTo: dev, priority: -1}\n', 'ci.yaml:3:74: rules[0].priority must be a whole number >= 0'],
    ['a SIMPLE strategy with non-branch rules', 'registrationType: ENVIRONMENT\nciStrategy: SIMPLE\nrules:\n  - "PIPELINE EQUALS x => dev"\n', 'ci.yaml:4:5: rules[0]: ciStrategy SIMPLE routes on BRANCH_NAME only'],
    ['a promotion hierarchy with a repeat', 'registrationType: ENVIRONMENT\npromotion:\n  - dev\n  - staging\n  - dev\n', 'ci.yaml:5:5: promotion[2] "dev" appears twice in the promotion hierarchy'],
    ['an invalid tag pattern', 'policy:\n  tagPattern: "(["\n', 'ci.yaml:2:15: policy.tagPattern is not a valid regular expression'],
    ['a promotedOnly entry that is no target', 'registrationType: ENVIRONMENT\npolicy: {promotedOnly: [prod]}\n', 'ci.yaml:2:25: policy.promotedOnly[0] "prod" is not an environment of project shop'],
    ['a policy key that does not exist', 'policy: {deniedTag: [latest]}\n', 'ci.yaml:1:10: policy.deniedTag is not a known key (known: tagPattern, deniedTags, promotedOnly)'],
    ['a YAML syntax error', 'registrationType: ENVIRONMENT\nbranchRules: {main: dev\n', 'ci.yaml:3:1: invalid YAML'],
    ['an empty file', '\n', 'ci.yaml:1:1: the CI/CD file is empty'],
  ])('%s is refused', (_name, text, expected) => {
    const error = errorOf(text);
    expect(error.kind).toBe('USAGE');
    expect(error.message).toContain(expected);
  });

  test('without a project, targets are not checked (the control plane validates them on configure)', () => {
    expect(parseCiFile('registrationType: ENVIRONMENT\nbranchRules: {main: anywhere}\n', 'ci.yaml').routingRules?.[0].routeTo).toBe('anywhere');
  });
});
