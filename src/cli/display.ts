// How echoed text (user input, server messages) is shown in a line of text output: clipped to a readable length,
// and with control characters escaped so that a value cannot break the line or drive the terminal.

/** A value (a run without spaces: a reference, a path, a URL) longer than this is cut: room for any real one. */
export const VALUE_MAX = 200;
/** A whole message longer than this is cut: a page of text, e.g. a server's HTML error page, is not a message. */
export const LINE_MAX = 1000;
export const ELLIPSIS = '…';

/** The first `max` characters, without splitting a surrogate pair. */
function head(text: string, max: number): string {
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

const CLOSERS = '"\'`)]}:,;';

/** A long run cut to VALUE_MAX; the closing quote and punctuation after it stay, so `"abc…":` still reads as a quoted value. */
function clipRun(run: string): string {
  if (run.length <= VALUE_MAX) return run;
  let tail = run.length;
  while (tail > run.length - 3 && CLOSERS.includes(run[tail - 1])) tail -= 1;
  return head(run, VALUE_MAX) + ELLIPSIS + run.slice(tail);
}

/** Each run of non-space characters cut to VALUE_MAX, then the whole to LINE_MAX, each cut marked with an ellipsis. */
export function clipValues(text: string): string {
  // Values first: the reason that follows a long value (`"…": must not contain whitespace`) stays in the line.
  const out = text.replace(/\S+/g, clipRun);
  return out.length > LINE_MAX ? head(out, LINE_MAX) + ELLIPSIS : out;
}

// C0, DEL and C1 controls, line and paragraph separators, and the bidirectional overrides that reorder what is shown.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const ANY_CONTROL = new RegExp(CONTROL.source);
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Control characters written as escapes, as Go's %q shows them: `\n`, `\x1b`, `\u009b`, `\u2028` (bash's $'…' reads them back). */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (ch) => {
    const code = ch.charCodeAt(0);
    return NAMED[ch] ?? (code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

export function hasControls(text: string): boolean {
  return ANY_CONTROL.test(text);
}

/** Echoed text as one line of text output: clipped, then escaped. */
export function oneLine(text: string): string {
  return escapeControls(clipValues(text));
}
