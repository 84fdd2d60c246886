// The advanced rule syntax: KEY OP VALUE => TARGET [priority N]; VALUE and TARGET may be "quoted".
import { FacetsError } from './errors';
import { OPERATORS, type Criterion, type Operator } from './model';

const SYNTAX = 'KEY OP VALUE => TARGET [priority N]';
const HINT = `write a rule as ${SYNTAX}, e.g. 'BRANCH_NAME STARTS_WITH release/ => staging priority 2' (OP is one of ${OPERATORS.join(', ')})`;
const METADATA_KEY = /^[A-Za-z0-9_.\-/]+$/;
const PRIORITY = /^[0-9]+$/;
export const MAX_PRIORITY = 2147483647;

interface Token {
  text: string;
  quoted: boolean;
}

function refuse(spec: string, reason: string): FacetsError {
  return new FacetsError('USAGE', `invalid rule "${spec}": ${reason}`, HINT, { rule: spec });
}

function tokenize(spec: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < spec.length) {
    const c = spec[i];
    if (/\s/.test(c)) {
      i++;
    } else if (spec.startsWith('=>', i)) {
      tokens.push({ text: '=>', quoted: false });
      i += 2;
    } else if (c === '"') {
      let text = '';
      i++;
      for (;;) {
        if (i >= spec.length) throw refuse(spec, 'a quoted value is missing its closing "');
        if (spec[i] === '"') break;
        if (spec[i] === '\\' && (spec[i + 1] === '"' || spec[i + 1] === '\\')) i++;
        text += spec[i++];
      }
      i++;
      if (i < spec.length && !/\s/.test(spec[i]) && !spec.startsWith('=>', i)) {
        throw refuse(spec, 'a closing " must be followed by a space');
      }
      tokens.push({ text, quoted: true });
    } else {
      let text = '';
      while (i < spec.length && !/\s/.test(spec[i]) && spec[i] !== '"' && !spec.startsWith('=>', i)) text += spec[i++];
      tokens.push({ text, quoted: false });
    }
  }
  return tokens;
}

export function parseOperator(text: string, spec: string = text): Operator {
  const operator = text.toUpperCase() as Operator;
  if (!OPERATORS.includes(operator)) {
    throw refuse(spec, `unknown operator "${text}" (use ${OPERATORS.join(', ')})`);
  }
  return operator;
}

export function parsePriority(text: string, spec: string = text): number {
  if (!PRIORITY.test(text) || Number(text) > MAX_PRIORITY) {
    throw refuse(spec, `priority "${text}" must be a whole number from 0 to ${MAX_PRIORITY}`);
  }
  return Number(text);
}

export function parseAdvancedRule(spec: string, defaultPriority: number): Criterion {
  const tokens = tokenize(spec);
  const arrow = tokens.findIndex((t) => t.text === '=>' && !t.quoted);
  if (arrow === -1) throw refuse(spec, 'missing "=>" before the target');
  const [key, op, ...values] = tokens.slice(0, arrow);
  if (!key || key.text === '') throw refuse(spec, 'missing metadata key');
  if (key.quoted || !METADATA_KEY.test(key.text)) {
    throw refuse(spec, `metadata key "${key.text}" may hold only letters, digits, "_", ".", "-" and "/"`);
  }
  if (!op) throw refuse(spec, 'missing operator after the metadata key');
  const operator = parseOperator(op.text, spec);
  if (values.length === 0) throw refuse(spec, 'missing value before "=>" (quote it as "" for an empty value)');
  if (values.length > 1) throw refuse(spec, `the value has ${values.length} words; quote a value that holds spaces`);
  const [target, ...rest] = tokens.slice(arrow + 1);
  if (!target) throw refuse(spec, 'missing target after "=>"');
  if (target.text === '') throw refuse(spec, 'the target is empty');
  let priority = defaultPriority;
  if (rest.length > 0) {
    if (rest[0].quoted || rest[0].text.toLowerCase() !== 'priority') {
      throw refuse(spec, `unexpected "${rest[0].text}" after the target (only "priority N" may follow)`);
    }
    if (rest.length === 1) throw refuse(spec, 'missing number after "priority"');
    if (rest.length > 2) throw refuse(spec, `unexpected "${rest[2].text}" after the priority`);
    priority = parsePriority(rest[1].text, spec);
  }
  return { metadataKey: key.text, operator, value: values[0].text, priority, routeTo: target.text };
}

function quote(s: string): string {
  if (s !== '' && !/[\s"\\]|=>/.test(s)) return s;
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The advanced syntax; round-trips with parseAdvancedRule. */
export function formatRule(c: Criterion): string {
  return `${c.metadataKey} ${c.operator} ${quote(c.value)} => ${quote(c.routeTo)} priority ${c.priority}`;
}
