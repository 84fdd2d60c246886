import { formatArtifactTemplate, isArtifactTemplate, parseArtifactTemplate } from '../../src/core/artifact-template';
import { FacetsError } from '../../src/core/errors';

describe('the artifact reference template is ${blueprint.self.artifacts.<ciName>}', () => {
  test.each(['shop-api-1a2b3c4d', 'a', 'x'.repeat(63)])('%s formats and parses back', (ciName) => {
    const template = formatArtifactTemplate(ciName);
    expect(template).toBe('${blueprint.self.artifacts.' + ciName + '}');
    expect(parseArtifactTemplate(template)).toBe(ciName);
    expect(isArtifactTemplate(template)).toBe(true);
  });

  test.each(['', 'Shop', 'a_b', 'x'.repeat(64)])('formatting with the invalid CI name %j is refused', (ciName) => {
    expect(() => formatArtifactTemplate(ciName)).toThrow(`CI name "${ciName}" is invalid`);
  });
});

describe('anything other than the template is refused with a precise reason', () => {
  test.each([
    ['shop-api-1a2b3c4d', 'must start with "${blueprint.self.artifacts."'],
    ['', 'must start with'],
    ['${blueprint.self.artifact.shop}', 'must start with'],
    ['{blueprint.self.artifacts.shop}', 'must start with'],
    [' ${blueprint.self.artifacts.shop}', 'must start with'],
    ['${blueprint.self.artifacts.shop', 'must end with "}"'],
    ['${blueprint.self.artifacts.shop} ', 'must end with "}"'],
    ['${blueprint.self.artifacts.}', 'the CI name is missing'],
    ['${blueprint.self.artifacts.Shop}', 'CI name "Shop" is invalid'],
    ['${blueprint.self.artifacts.a.b}', 'CI name "a.b" is invalid'],
    ['${blueprint.self.artifacts.shop}}', 'CI name "shop}" is invalid'],
    ['nginx:latest', 'must start with'],
  ])('%j → %s', (input, fragment) => {
    let error: unknown;
    try {
      parseArtifactTemplate(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FacetsError);
    expect((error as FacetsError).kind).toBe('USAGE');
    expect((error as FacetsError).message).toContain(`"${input}" is not an artifact reference template`);
    expect((error as FacetsError).message).toContain(fragment);
    expect(isArtifactTemplate(input)).toBe(false);
  });
});
