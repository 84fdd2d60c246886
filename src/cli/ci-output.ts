// GitHub Actions: step outputs ($GITHUB_OUTPUT), the job summary ($GITHUB_STEP_SUMMARY) and ::error:: annotations.
// Annotations go to stderr: the runner reads workflow commands from stderr as well as stdout, and stdout
// stays the command's result (one JSON document with --json, or text a script captures).
import { appendFileSync } from 'node:fs';
import type { Writer } from './io';

export type Env = Record<string, string | undefined>;

export function onGithubActions(env: Env): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

/** `name=value` lines (node:crypto only loaded for a multi-line value); a value with a line break uses the `name<<DELIMITER` form with a delimiter it cannot contain. */
export function formatOutputs(outputs: Record<string, string>, delimiter: () => string = () => `ghadelimiter_${(require('node:crypto') as typeof import('node:crypto')).randomUUID()}`): string {
  let text = '';
  for (const [name, value] of Object.entries(outputs)) {
    if (!/[\r\n]/.test(value)) {
      text += `${name}=${value}\n`;
      continue;
    }
    let d = delimiter();
    while (value.includes(d)) d = delimiter();
    text += `${name}<<${d}\n${value}\n${d}\n`;
  }
  return text;
}

/** Appends to $GITHUB_OUTPUT on GitHub Actions; elsewhere (or without the variable) does nothing. */
export function writeGithubOutputs(env: Env, outputs: Record<string, string>): boolean {
  const file = env.GITHUB_OUTPUT;
  if (!onGithubActions(env) || !file) return false;
  appendFileSync(file, formatOutputs(outputs));
  return true;
}

export function writeGithubSummary(env: Env, markdown: string): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!onGithubActions(env) || !file) return false;
  appendFileSync(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return true;
}

/** Workflow-command escaping: the message may hold any text, properties also lose `:` and `,`. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function errorAnnotation(title: string, message: string, hint?: string): string {
  return `::error title=${escapeProperty(title)}::${escapeData(hint ? `${message}\nhint: ${hint}` : message)}\n`;
}

/** On GitHub Actions, an `::error::` annotation for a failed command (on `stream`: stderr). */
export function annotateError(env: Env, stream: Writer, title: string, message: string, hint?: string): boolean {
  if (!onGithubActions(env)) return false;
  stream.write(errorAnnotation(title, message, hint));
  return true;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A markdown table under a heading. */
export function summaryTable(heading: string, header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [`### ${heading}`, '', line(header), line(header.map(() => '---')), ...rows.map(line), ''].join('\n');
}

export interface RegisteredArtifact {
  project: string;
  service: string;
  ciName: string;
  artifactUri: string;
  digest: string | null;
  routedTo: string | null;
  targetKind: 'environment' | 'releaseStream' | null;
  rule: string | null;
  created: boolean;
}

/** ci-name, artifact-uri, digest, routed-to (empty when unrouted) for the next steps, and a summary table. */
export function reportRegistration(env: Env, a: RegisteredArtifact, command: string): void {
  if (!onGithubActions(env)) return;
  writeGithubOutputs(env, { 'ci-name': a.ciName, 'artifact-uri': a.artifactUri, digest: a.digest ?? '', 'routed-to': a.routedTo ?? '' });
  const target = a.routedTo === null ? 'unrouted (no rule matched)' : `${a.targetKind === 'environment' ? 'environment' : 'release stream'} ${a.routedTo}`;
  const routed = a.rule ? `${target} (rule \`${a.rule}\`)` : target;
  const heading = `facetsctl ${command}: ${a.created ? 'registered' : 'already registered'}`;
  writeGithubSummary(env, summaryTable(heading, ['Service', 'CI name', 'Artifact', 'Routed to'], [[a.service, `\`${a.ciName}\``, `\`${a.artifactUri}\``, routed]]));
}
