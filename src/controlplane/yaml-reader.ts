// Position-aware reading of YAML documents: every schema error names file:line:col.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { FacetsError } from '../core/errors';

export type YamlNode = Node | null | undefined;

export class YamlReader {
  readonly lineCounter = new LineCounter();
  readonly document: Document.Parsed;

  constructor(
    readonly fileName: string,
    text: string,
    private readonly hint: string,
  ) {
    this.document = parseDocument(text, { lineCounter: this.lineCounter, prettyErrors: false, uniqueKeys: true });
    const first = this.document.errors[0];
    if (first) {
      const at = this.position(first.pos[0]);
      const reason = first.code === 'DUPLICATE_KEY' ? 'duplicate key' : `invalid YAML: ${first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`;
      throw new FacetsError('USAGE', `${at}: ${reason}`, this.hint, { file: fileName });
    }
  }

  get root(): YamlNode {
    return this.document.contents as YamlNode;
  }

  position(offset: number): string {
    const { line, col } = this.lineCounter.linePos(offset);
    return `${this.fileName}:${line}:${col}`;
  }

  /** The USAGE error for a node: `file:line:col: message`. */
  error(node: YamlNode, message: string, fallback?: YamlNode): FacetsError {
    const at = node?.range ?? fallback?.range;
    const where = at ? this.position(at[0]) : `${this.fileName}:1:1`;
    return new FacetsError('USAGE', `${where}: ${message}`, this.hint, { file: this.fileName });
  }

  /** Re-throws a core validation error with the node's position in front. */
  locate<T>(node: YamlNode, path: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof FacetsError) throw this.error(node, `${path}: ${e.message}`);
      throw e;
    }
  }

  map(node: YamlNode, path: string, allowedKeys: readonly string[], required: readonly string[] = []): Map<string, Pair<Node, Node | null>> {
    if (!isMap(node)) throw this.error(node, `${path || 'document'} must be a mapping`);
    const pairs = new Map<string, Pair<Node, Node | null>>();
    for (const pair of (node as YAMLMap<Node, Node | null>).items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : null;
      if (key === null) throw this.error(pair.key, `${path || 'document'} has a key that is not a plain string`, node);
      if (!allowedKeys.includes(key)) {
        throw this.error(pair.key, `${join(path, key)} is not a known key (known: ${allowedKeys.join(', ')})`, node);
      }
      pairs.set(key, pair);
    }
    for (const key of required) {
      if (!pairs.has(key)) throw this.error(node, `${join(path, key)} is required`);
    }
    return pairs;
  }

  seq(node: YamlNode, path: string): Node[] {
    if (!isSeq(node)) throw this.error(node, `${path} must be a list`);
    return (node as YAMLSeq<Node>).items;
  }

  string(node: YamlNode, path: string, pattern?: { re: RegExp; what: string }): string {
    if (!isScalar(node) || typeof node.value !== 'string' && typeof node.value !== 'number') {
      throw this.error(node, `${path} must be a string`);
    }
    const value = String(node.value);
    if (value.trim() === '') throw this.error(node, `${path} must not be empty`);
    if (pattern && !pattern.re.test(value)) throw this.error(node, `${path} "${value}" ${pattern.what}`);
    return value;
  }

  boolean(node: YamlNode, path: string): boolean {
    if (!isScalar(node) || typeof node.value !== 'boolean') throw this.error(node, `${path} must be true or false`);
    return node.value;
  }

  oneOf<T extends string>(node: YamlNode, path: string, values: readonly T[]): T {
    const value = this.string(node, path);
    if (!values.includes(value as T)) throw this.error(node, `${path} "${value}" is not one of ${values.join(', ')}`);
    return value as T;
  }

  stringList(node: YamlNode, path: string): { value: string; node: Node }[] {
    return this.seq(node, path).map((item, i) => ({ value: this.string(item, `${path}[${i}]`), node: item }));
  }
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** The value node of a pair (null for `key:` with nothing after it). */
export function valueOf(pair: Pair<Node, Node | null> | undefined): YamlNode {
  return pair?.value ?? undefined;
}

/** For error positions on a missing value: the value if present, else the key. */
export function nodeOf(pair: Pair<Node, Node | null>): Node {
  return pair.value ?? pair.key;
}
