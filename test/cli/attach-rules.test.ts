// The pure rules behind attach and history: tag order, type-to-filter, freestyle URLs, history kinds.
import { checkFreestyleUrl } from '../../src/cli/commands/attach/artifact-url';
import { filterItems } from '../../src/cli/commands/attach/filter-prompt';
import { orderTagsNewestFirst } from '../../src/cli/commands/attach/tag-order';
import { parseKinds } from '../../src/cli/commands/history';

describe('tags are offered newest first (by the image config `created` when known, else by version)', () => {
  test.each<[string, string[], string[]]>([
    ['semver, highest first', ['1.2.0', '1.10.0', '1.9.3', '0.1.0'], ['1.10.0', '1.9.3', '1.2.0', '0.1.0']],
    ['a "v" prefix is still semver', ['v1.2.0', 'v1.10.0', '1.3.0'], ['v1.10.0', '1.3.0', 'v1.2.0']],
    ['a release before its pre-releases', ['2.0.0-rc.1', '2.0.0', '2.0.0-rc.10', '2.0.0-beta'], ['2.0.0', '2.0.0-rc.10', '2.0.0-rc.1', '2.0.0-beta']],
    ['semver before other tags; the rest in descending natural order', ['latest', 'build-9', '1.0.0', 'build-10'], ['1.0.0', 'latest', 'build-10', 'build-9']],
    ['duplicates once', ['1.0.0', '1.0.0'], ['1.0.0']],
    ['nothing', [], []],
  ])('%s', (_name, tags, expected) => {
    expect(orderTagsNewestFirst(tags)).toEqual(expected);
  });

  test('known creation times win over versions; tags without one come after', () => {
    const created = new Map<string, string>([
      ['1.0.0', '2026-03-01T00:00:00Z'],
      ['0.9.0', '2026-04-01T00:00:00Z'],
      ['nightly', '2026-05-01T00:00:00Z'],
    ]);
    expect(orderTagsNewestFirst(['1.0.0', '2.0.0', 'nightly', '0.9.0'], created)).toEqual(['nightly', '0.9.0', '1.0.0', '2.0.0']);
  });
});

describe('type-to-filter: every word of the filter occurs in the item, in any case', () => {
  const items = ['shop/checkout', 'shop/cart', 'team/Checkout-worker', 'infra/proxy'];
  test.each<[string, string[]]>([
    ['', items],
    ['check', ['shop/checkout', 'team/Checkout-worker']],
    ['CHECK worker', ['team/Checkout-worker']],
    ['shop   cart', ['shop/cart']],
    ['payments', []],
  ])('"%s"', (query, expected) => {
    expect(filterItems(items, query)).toEqual(expected);
  });
});

describe('freestyle URIs are accepted as given, validated as URLs', () => {
  test.each(['https://artifacts.example.com/app-1.2.3.zip', 'http://10.0.0.5:8081/repo/app.tgz', 's3://bucket/app/1.2.3.zip', 'gs://bucket/app.zip', 'oci://registry.example.com/charts/app'])('%s is accepted unchanged', (url) => {
    expect(checkFreestyleUrl(url)).toBe(url);
  });
  test.each<[string, RegExp]>([
    ['ftp://files.example.com/app.zip', /scheme "ftp"/],
    ['file:///tmp/app.zip', /scheme "file"/],
    ['javascript:alert(1)', /scheme "javascript"/],
    ['app-1.2.3.zip', /is not a URL/],
    ['https://', /is not a URL/],
    ['https://example.com/a b.zip', /whitespace/],
    ['', /non-empty/],
    ['https://user:secret@example.com/app.zip', /carries credentials/],
  ])('%s is refused', (url, message) => {
    expect(() => checkFreestyleUrl(url)).toThrow(expect.objectContaining({ kind: 'USAGE', message: expect.stringMatching(message) }));
  });
  test('credentials in a refused URL are not echoed', () => {
    expect(() => checkFreestyleUrl('https://user:secret@example.com/app.zip')).toThrow(expect.objectContaining({ message: expect.not.stringContaining('secret') }));
  });
});

describe('history kinds: repeatable or comma-separated, any case, unknown ones refused', () => {
  test('normalised and de-duplicated', () => {
    expect(parseKinds(['attached,detached', 'ATTACHED', 'config-changed'])).toEqual(['ATTACHED', 'DETACHED', 'CONFIG_CHANGED']);
    expect(parseKinds([])).toBeUndefined();
  });
  test('an unknown kind is a usage error naming the known ones', () => {
    expect(() => parseKinds(['deployed'])).toThrow(expect.objectContaining({ kind: 'USAGE', hint: expect.stringContaining('REGISTERED') }));
  });
});
