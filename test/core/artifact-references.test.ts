import { renderArtifactReferences, scanArtifactReferences } from '../../src/core/artifact-references';

const ref = (ciName: string) => '${blueprint.self.artifacts.' + ciName + '}';
const URIS: Record<string, string> = { 'shop-checkout-1a2b3c4d': 'r.example/shop/checkout:1.4.2@sha256:' + 'a'.repeat(64), 'shop-cart-9z8y7x6w': 'r.example/shop/cart:2.0.0@sha256:' + 'b'.repeat(64) };
const uriOf = (ciName: string) => URIS[ciName] ?? null;

describe('the scanner finds every reference with its line and column', () => {
  test('several on a line and across lines, 1-based, columns in characters', () => {
    const text = `a: ${ref('shop-checkout-1a2b3c4d')}\nb: [${ref('shop-cart-9z8y7x6w')}, ${ref('shop-checkout-1a2b3c4d')}]\n`;
    const { references, malformed } = scanArtifactReferences(text);
    expect(malformed).toEqual([]);
    expect(references.map((r) => [r.ciName, r.line, r.column])).toEqual([
      ['shop-checkout-1a2b3c4d', 1, 4],
      ['shop-cart-9z8y7x6w', 2, 5],
      ['shop-checkout-1a2b3c4d', 2, 53],
    ]);
    expect(references[0].reference).toBe(ref('shop-checkout-1a2b3c4d'));
  });

  test('columns count characters, not UTF-16 units or bytes; CRLF lines count as lines', () => {
    const text = `# café 🚀\r\nimage: "${ref('shop-cart-9z8y7x6w')}"`;
    expect(scanArtifactReferences(text).references.map((r) => [r.line, r.column])).toEqual([[2, 9]]);
    expect(scanArtifactReferences(`🚀${ref('shop-cart-9z8y7x6w')}`).references[0].column).toBe(2);
  });

  test.each([
    [`x: ${ref('')}`, 'the CI name is missing'],
    [`x: ${ref('Shop')}`, 'CI name "Shop" is invalid'],
    ['x: ${blueprint.self.artifacts.shop\ny: }', 'no closing "}" on its line'],
    ['x: ${blueprint.self.artifacts.shop', 'no closing "}" on its line'],
  ])('%j is malformed: %s', (text, reason) => {
    const { references, malformed } = scanArtifactReferences(text);
    expect(references).toEqual([]);
    expect(malformed).toEqual([expect.objectContaining({ line: 1, column: 4, reason: expect.stringContaining(reason) })]);
  });

  test('other templates and near misses are not references', () => {
    expect(scanArtifactReferences('${blueprint.self.artifact.x} ${var.image} {blueprint.self.artifacts.x} $blueprint').references).toEqual([]);
  });
});

describe('the renderer replaces references byte for byte, leaving everything else intact', () => {
  test.each([
    ['CRLF line ends', `a: 1\r\nimage: ${ref('shop-cart-9z8y7x6w')}\r\n`, 'a: 1\r\nimage: URI\r\n'],
    ['no trailing newline', `image = "${ref('shop-cart-9z8y7x6w')}"`, 'image = "URI"'],
    ['tabs and UTF-8', `\t# ünïcode ✓\n\timage:\t${ref('shop-cart-9z8y7x6w')}\t# 🚀\n`, '\t# ünïcode ✓\n\timage:\tURI\t# 🚀\n'],
    ['a byte order mark', `\uFEFFimage: ${ref('shop-cart-9z8y7x6w')}`, '\uFEFFimage: URI'],
    ['adjacent references', `${ref('shop-cart-9z8y7x6w')}${ref('shop-cart-9z8y7x6w')}`, 'URIURI'],
  ])('%s', (_name, text, expected) => {
    const out = renderArtifactReferences(text, scanArtifactReferences(text).references, uriOf);
    expect(out).toBe(expected.replace(/URI/g, URIS['shop-cart-9z8y7x6w']));
  });

  test('references without a URI stay as written; a text without references comes back unchanged', () => {
    const text = `a: ${ref('shop-checkout-1a2b3c4d')}\nb: ${ref('shop-other-00000000')}\n`;
    expect(renderArtifactReferences(text, scanArtifactReferences(text).references, uriOf)).toBe(`a: ${URIS['shop-checkout-1a2b3c4d']}\nb: ${ref('shop-other-00000000')}\n`);
    expect(renderArtifactReferences('plain\r\n\ttext', [], uriOf)).toBe('plain\r\n\ttext');
  });
});
