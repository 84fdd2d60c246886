// Every ${blueprint.self.artifacts.<ciName>} in a text, where it is, and the text with them replaced; nothing else changes.
import { invalidCiName } from './artifact-template';
import { isValidCiName } from './ci-name';

const PREFIX = '${blueprint.self.artifacts.';

export interface ArtifactReference {
  /** The reference as written, e.g. ${blueprint.self.artifacts.shop-checkout-1a2b3c4d}. */
  reference: string;
  ciName: string;
  /** Offset of its first character in the text. */
  offset: number;
  /** 1-based line and column (in characters, counted from the start of the line). */
  line: number;
  column: number;
}

/** Something that starts like a reference and is not one (no closing brace, an invalid CI name). */
export interface MalformedReference {
  text: string;
  line: number;
  column: number;
  reason: string;
}

export interface ReferenceScan {
  references: ArtifactReference[];
  malformed: MalformedReference[];
}

function position(text: string, offset: number, lineStarts: number[]): { line: number; column: number } {
  let line = lineStarts.length - 1;
  while (lineStarts[line] > offset) line--;
  return { line: line + 1, column: [...text.slice(lineStarts[line], offset)].length + 1 };
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function scanArtifactReferences(text: string): ReferenceScan {
  const references: ArtifactReference[] = [];
  const malformed: MalformedReference[] = [];
  const starts = lineStartsOf(text);
  for (let at = text.indexOf(PREFIX); at !== -1; at = text.indexOf(PREFIX, at + PREFIX.length)) {
    const close = text.indexOf('}', at + PREFIX.length);
    const lineEnd = text.indexOf('\n', at);
    const where = position(text, at, starts);
    if (close === -1 || (lineEnd !== -1 && close > lineEnd)) {
      const rest = text.slice(at, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, '');
      malformed.push({ text: rest.slice(0, 80), ...where, reason: 'it has no closing "}" on its line' });
      continue;
    }
    const ciName = text.slice(at + PREFIX.length, close);
    const reference = text.slice(at, close + 1);
    if (!isValidCiName(ciName)) {
      const reason = ciName === '' ? 'the CI name is missing' : invalidCiName(ciName);
      malformed.push({ text: reference.slice(0, 120), ...where, reason });
      continue;
    }
    references.push({ reference, ciName, offset: at, ...where });
  }
  return { references, malformed };
}

/** The text with each reference whose CI name has a URI replaced by it; references without one stay as written. */
export function renderArtifactReferences(text: string, references: ArtifactReference[], uriOf: (ciName: string) => string | null): string {
  let out = '';
  let from = 0;
  for (const r of [...references].sort((a, b) => a.offset - b.offset)) {
    const uri = uriOf(r.ciName);
    if (uri === null) continue;
    out += text.slice(from, r.offset) + uri;
    from = r.offset + r.reference.length;
  }
  return out + text.slice(from);
}
