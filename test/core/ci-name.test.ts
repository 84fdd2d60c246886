import { randomBytes } from 'node:crypto';
import { CI_NAME_MAX_LENGTH, ciNamePrefix, foldName, generateCiName, isCiNameOf, isValidCiName, randomSuffix } from '../../src/core/ci-name';
import { FacetsError } from '../../src/core/errors';

/** A byte source that replays the given bytes, then repeats the last one. */
function replay(bytes: number[]): (n: number) => Uint8Array {
  let i = 0;
  return (n) => Uint8Array.from({ length: n }, () => bytes[Math.min(i++, bytes.length - 1)]);
}

describe('a name is folded: lowercase, invalid characters to "-", "-" collapsed and trimmed', () => {
  test.each([
    ['Shop', 'shop'],
    ['my_project', 'my-project'],
    ['My Project', 'my-project'],
    ['a--b', 'a-b'],
    ['a__b..c', 'a-b-c'],
    ['--edge--', 'edge'],
    ['  spaced  out ', 'spaced-out'],
    ['Café Crème', 'cafe-creme'],
    ['API.v2', 'api-v2'],
    ['svc/backend', 'svc-backend'],
    ['ALLCAPS123', 'allcaps123'],
    ['日本', ''],
    ['', ''],
    ['___', ''],
    ['a'.repeat(70), 'a'.repeat(63)],
  ])('%j → %j', (input, expected) => {
    expect(foldName(input)).toBe(expected);
  });

  test('a folded name cut at the maximum length does not end with "-"', () => {
    expect(foldName('a'.repeat(9) + '_b', 10)).toBe('a'.repeat(9));
  });
});

describe('a CI name is <project>-<resource>-<8 chars [a-z0-9]>', () => {
  test.each([
    ['shop', 'api'],
    ['My Shop', 'Payment_Service'],
    ['p', 'r'],
    ['x'.repeat(60), 'y'.repeat(60)],
    ['short', 'r'.repeat(80)],
    ['p'.repeat(80), 'short'],
    ['Café', 'naïve.service'],
  ])('generateCiName(%j, %j) is a valid name of at most 63 characters', (project, resource) => {
    const name = generateCiName(project, resource);
    expect(name.length).toBeLessThanOrEqual(CI_NAME_MAX_LENGTH);
    expect(isValidCiName(name)).toBe(true);
    expect(name).toMatch(/^[a-z0-9-]+-[a-z0-9]{8}$/);
  });

  test.each([
    ['shop', 'api', 'shop-api-'],
    ['My Shop', 'Payment_Service', 'my-shop-payment-service-'],
    ['short', 'r'.repeat(80), 'short-' + 'r'.repeat(53 - 5) + '-'],
    ['p'.repeat(80), 'short', 'p'.repeat(53 - 5) + '-short-'],
    ['x'.repeat(60), 'y'.repeat(60), 'x'.repeat(26) + '-' + 'y'.repeat(27) + '-'],
  ])('the project and resource parts of (%j, %j) are kept or shortened to fit: %s', (project, resource, prefix) => {
    const name = generateCiName(project, resource, replay([0]));
    expect(name).toBe(prefix + 'aaaaaaaa');
  });

  test('a cut part never leaves "--" behind', () => {
    const name = generateCiName('a'.repeat(25) + '_b' + 'c'.repeat(40), 'd'.repeat(40), replay([1]));
    expect(name).toBe('a'.repeat(25) + '-' + 'd'.repeat(27) + '-bbbbbbbb');
    expect(isValidCiName(name)).toBe(true);
  });

  test.each([
    ['___', 'api', 'project name "___" has no letters or digits'],
    ['shop', '日本', 'resource name "日本" has no letters or digits'],
    ['', 'api', 'project name "" has no letters or digits'],
  ])('generateCiName(%j, %j) is refused: %s', (project, resource, message) => {
    expect(() => generateCiName(project, resource)).toThrow(message);
  });

  test('two generated names differ (random suffix)', () => {
    expect(generateCiName('shop', 'api')).not.toBe(generateCiName('shop', 'api'));
  });
});

describe('the suffix maps random bytes onto [a-z0-9] without bias (rejection sampling)', () => {
  test.each([
    [[0, 1, 2, 3, 4, 5, 6, 7], 'abcdefgh'],
    [[25, 26, 35, 36, 37, 71, 72, 251], 'z09ab9a9'],
    [[252, 253, 254, 255, 0, 1, 2, 3, 4, 5, 6, 7], 'abcdefgh'],
    [[255, 255, 35, 252, 35, 35, 35, 35, 35, 35, 35], '99999999'],
  ])('bytes %j → %s (bytes 252-255 are skipped)', (bytes, expected) => {
    expect(randomSuffix(8, replay(bytes))).toBe(expected);
  });

  test('a source that only returns rejected bytes fails instead of hanging', () => {
    expect(() => randomSuffix(8, replay([255]))).toThrow(FacetsError);
  });

  test('each character appears with about the same frequency', () => {
    const counts = new Map<string, number>();
    const samples = 36 * 2000;
    const suffix = randomSuffix(samples, randomBytes);
    for (const c of suffix) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(36);
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(2000 * 0.8);
      expect(count).toBeLessThan(2000 * 1.2);
    }
  });
});

describe('a valid CI name is a lowercase DNS-label-like name of at most 63 characters', () => {
  test.each([
    ['shop-api-1a2b3c4d', true],
    ['a', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['Shop-api-1a2b3c4d', false],
    ['-shop', false],
    ['shop-', false],
    ['shop_api', false],
    ['shop.api', false],
    ['', false],
    ['shop api', false],
  ])('%j → %s', (name, valid) => {
    expect(isValidCiName(name)).toBe(valid);
  });
});

describe("a CI name belongs to a resource when it is that resource's prefix, as generateCiName shortens it, then exactly 8 [a-z0-9]", () => {
  test.each([
    ['shop', 'api', 'shop-api-'],
    ['Café Shop', 'Payment_Service', 'cafe-shop-payment-service-'],
    ['x'.repeat(60), 'y'.repeat(60), 'x'.repeat(26) + '-' + 'y'.repeat(27) + '-'],
  ])('ciNamePrefix(%j, %j) is %j, the part of every generated name before its suffix', (project, resource, prefix) => {
    expect(ciNamePrefix(project, resource)).toBe(prefix);
    expect(generateCiName(project, resource).startsWith(prefix)).toBe(true);
  });

  test.each([
    ['shop-api-k3j9x2ab', 'shop', 'api', true],
    ['cafe-shop-payment-service-0a1b2c3d', 'Café Shop', 'Payment_Service', true],
    ['shop-api-k3j9x2a', 'shop', 'api', false],
    ['shop-api-k3j9x2abc', 'shop', 'api', false],
    ['shop-api-K3J9X2AB', 'shop', 'api', false],
    ['shop-api-k3j9-2ab', 'shop', 'api', false],
    ['shop-api-v2-k3j9x2ab', 'shop', 'api', false],
    ['shop-api-v2-k3j9x2ab', 'shop', 'api-v2', true],
    ['shop-api-k3j9x2ab', 'shop', 'api-v2', false],
    ['shop-API-k3j9x2ab', 'shop', 'api', false],
    ['x'.repeat(26) + '-' + 'y'.repeat(27) + '-abcdefgh', 'x'.repeat(60), 'y'.repeat(60), true],
    ['x'.repeat(60) + '-' + 'y'.repeat(60) + '-abcdefgh', 'x'.repeat(60), 'y'.repeat(60), false],
  ])('isCiNameOf(%j, %j, %j) is %s', (ciName, project, resource, expected) => {
    expect(isCiNameOf(ciName, project, resource)).toBe(expected);
  });

  test('every generated name belongs to its resource', () => {
    for (const [project, resource] of [['My Shop', 'Payment_Service'], ['p'.repeat(80), 'short'], ['Café', 'naïve.service']]) {
      expect(isCiNameOf(generateCiName(project, resource), project, resource)).toBe(true);
    }
  });
});
