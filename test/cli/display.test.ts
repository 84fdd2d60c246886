// Echoed text on one line: long values clipped with an ellipsis, control characters escaped.
import { clipValues, ELLIPSIS, escapeControls, LINE_MAX, oneLine, VALUE_MAX } from '../../src/cli/display';

describe('a value longer than VALUE_MAX characters is cut with an ellipsis; the text around it stays', () => {
  const long = 'a'.repeat(VALUE_MAX + 1);
  test.each([
    ['a short value stays', 'invalid image reference "x:1": bad', 'invalid image reference "x:1": bad'],
    ['a value of exactly VALUE_MAX stays', `v ${'a'.repeat(VALUE_MAX)} w`, `v ${'a'.repeat(VALUE_MAX)} w`],
    ['a long value is cut, the reason after it stays', `reference "${long}": must not contain whitespace`, `reference "${'a'.repeat(VALUE_MAX - 1)}${ELLIPSIS}": must not contain whitespace`],
    ['each long value is cut', `${long} and ${long}`, `${'a'.repeat(VALUE_MAX)}${ELLIPSIS} and ${'a'.repeat(VALUE_MAX)}${ELLIPSIS}`],
    ['a surrogate pair is not split', `${'a'.repeat(VALUE_MAX - 1)}${'😀'.repeat(5)}`, `${'a'.repeat(VALUE_MAX - 1)}${ELLIPSIS}`],
  ])('%s', (_name, input, expected) => {
    expect(clipValues(input)).toBe(expected);
  });

  test('a whole text longer than LINE_MAX (short words: a page of server text) is cut to LINE_MAX and an ellipsis', () => {
    const out = clipValues('word '.repeat(10 * LINE_MAX));
    expect(out).toHaveLength(LINE_MAX + 1);
    expect(out.endsWith(ELLIPSIS)).toBe(true);
  });

  test('a megabyte without a space becomes one short line', () => {
    expect(clipValues('x'.repeat(1 << 20))).toBe('x'.repeat(VALUE_MAX) + ELLIPSIS);
  });
});

describe('control characters are written as escapes, as JSON or Go %q would show them', () => {
  test.each([
    ['newline', 'main\nx', 'main\\nx'],
    ['carriage return and tab', 'a\rb\tc', 'a\\rb\\tc'],
    ['ESC sequence', '\x1b[31mred\x1b[0m', '\\x1b[31mred\\x1b[0m'],
    ['NUL, DEL and a C1 control (CSI)', '\x00\x7f\x9b', '\\x00\\x7f\\u009b'],
    ['line separator and a bidi override', 'a\u2028b\u202ec', 'a\\u2028b\\u202ec'],
    ['printable text, quotes, backslashes and non-ASCII stay', 'C:\\x "é" 😀', 'C:\\x "é" 😀'],
  ])('%s', (_name, input, expected) => {
    expect(escapeControls(input)).toBe(expected);
  });

  test('oneLine clips, then escapes: the result has no line break whatever the input', () => {
    const out = oneLine(`a\n${'b'.repeat(5 * VALUE_MAX)}\n`.repeat(100));
    expect(out).not.toMatch(/[\n\r]/);
    expect(out.length).toBeLessThan(2 * LINE_MAX);
  });
});
