// Whole numbers typed by users (flags, query parameters): digits only, and never a value a double would round.

/** The number written in `text` (ASCII digits only), or null when it is not one or exceeds Number.MAX_SAFE_INTEGER. */
export function wholeNumber(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}
