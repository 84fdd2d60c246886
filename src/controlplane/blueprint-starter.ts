// A starter blueprint (`facetsctl init`): checks what was asked for, writes commented YAML, and proves it loads.
import { stringify } from 'yaml';
import { usage } from '../core/errors';
import type { RegistryType } from '../core/model';
import { BLUEPRINT_NAME, BLUEPRINT_REGISTRY_URI, parseBlueprint, type Blueprint } from './blueprint';

export interface StarterEnvironment {
  name: string;
  releaseStream: string;
}

export interface StarterRegistry {
  name: string;
  type: RegistryType;
  uri: string;
}

export interface StarterInput {
  project: string;
  /** In the order given: the release streams follow their first use, and the promotion hierarchy suggested follows them. */
  environments: StarterEnvironment[];
  /** Release streams with `prod: true`. */
  prodStreams: string[];
  services: string[];
  registry: StarterRegistry | null;
}

/** Release streams in order of first use by an environment. */
export function releaseStreamsOf(environments: StarterEnvironment[]): string[] {
  return [...new Set(environments.map((e) => e.releaseStream))];
}

/** `prod` unless told otherwise: streams whose name starts with "prod" (PRODUCTION, prod-eu). */
export function defaultProdStreams(streams: string[]): string[] {
  return streams.filter((s) => /^prod/i.test(s));
}

/** A loopback registry speaks plain HTTP (the engine treats 127.0.0.0/8 as insecure too). */
export function isLoopbackRegistry(uri: string): boolean {
  const host = uri.split('/')[0].replace(/:\d+$/, '');
  return host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function checkName(value: string, flag: string): void {
  if (!BLUEPRINT_NAME.re.test(value)) throw usage(`${flag} "${value}" ${BLUEPRINT_NAME.what}`, `e.g. ${flag} ${flag === '--project' ? 'shop' : 'dev'}`);
}

function checkUnique(values: string[], flag: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw usage(`${flag} "${v}" is given twice`, `name each one once`);
    seen.add(v);
  }
}

/** Every input checked as the blueprint loader would, each error naming the flag that carried it. */
export function checkStarterInput(input: StarterInput): void {
  checkName(input.project, '--project');
  if (input.environments.length === 0) throw usage('at least one --environment NAME=RELEASE_STREAM is needed', 'e.g. --environment dev=QA --environment production=PRODUCTION');
  for (const e of input.environments) {
    checkName(e.name, '--environment');
    checkName(e.releaseStream, '--environment');
  }
  checkUnique(input.environments.map((e) => e.name), '--environment');
  const streams = releaseStreamsOf(input.environments);
  for (const s of input.prodStreams) {
    if (!streams.includes(s)) throw usage(`--prod-stream "${s}" is not the release stream of any environment (known: ${streams.join(', ')})`, 'name a release stream used in --environment NAME=RELEASE_STREAM');
  }
  for (const s of input.services) checkName(s, '--service');
  checkUnique(input.services, '--service');
  if (input.registry) {
    checkName(input.registry.name, '--registry-name');
    if (!BLUEPRINT_REGISTRY_URI.re.test(input.registry.uri)) throw usage(`--registry "${input.registry.uri}" ${BLUEPRINT_REGISTRY_URI.what}`);
  }
}

/** A YAML scalar: plain where YAML reads it back as the same string, quoted otherwise ("true", "1.0"). */
const scalar = (value: string) => stringify(value).trimEnd();
const flow = (pairs: Array<[string, string | boolean]>) => `{${pairs.map(([k, v]) => `${k}: ${typeof v === 'boolean' ? v : scalar(v)}`).join(', ')}}`;

/** The starter's text: every section commented, optional ones shown as examples. */
export function renderStarterBlueprint(input: StarterInput): string {
  const streams = releaseStreamsOf(input.environments);
  const envNames = input.environments.map((e) => e.name);
  const lines = [
    `# The blueprint of project ${input.project}: its release streams, environments, services and container registries.`,
    '# facetsctl finds this file upward from the working directory (or --blueprint FILE, FACETS_BLUEPRINT) and keeps',
    '# the project\'s state beside it, in .facets/state.db: keep .facets/ out of version control.',
    '# Every key is described in the README, "The blueprint (`facets.yaml`)".',
    `project: ${scalar(input.project)}`,
    '',
    '# Release streams: channels such as QA or PRODUCTION; prod: true marks the customer-facing ones.',
    'releaseStreams:',
    ...streams.map((s) => `  - ${flow([['name', s], ['prod', input.prodStreams.includes(s)]])}`),
    '',
    '# Environments (API: clusters), each on one release stream.',
    'environments:',
    ...input.environments.map((e) => `  - ${flow([['name', e.name], ['releaseStream', e.releaseStream]])}`),
    '',
    '# Services whose images facetsctl registers, attaches and resolves.',
    ...(input.services.length > 0
      ? ['services:', ...input.services.map((s) => `  - ${flow([['name', s]])}`)]
      : ['services: []', '#  - {name: checkout}']),
    '',
    '# Container registries. Credentials only by reference, never in clear: environment variables or the docker config.',
    ...registryLines(input.registry),
    '',
    '# CI/CD: set it with `facetsctl ci configure` (kept in .facets/state.db), or uncomment this to apply it',
    '# when the state is first created.',
    '# ci:',
    '#   registrationType: ENVIRONMENT',
    `#   branchRules: ${flow([['main', envNames[0]]])}`,
    `#   promotion: [${envNames.map(scalar).join(', ')}]`,
    '',
  ];
  return lines.join('\n');
}

function registryLines(registry: StarterRegistry | null): string[] {
  if (!registry) return ['registries: []', '#  - {name: main, type: OTHERS, uri: registry.example.com/team}'];
  return [
    'registries:',
    `  - name: ${scalar(registry.name)}`,
    `    type: ${registry.type}    # ECR, AZURE_CONTAINER_REGISTRY, GOOGLE_ARTIFACT_REGISTRY, GOOGLE_CONTAINER_REGISTRY, NEXUS, DOCKER_HUB, JFROG, HARBOR, OTHERS`,
    `    uri: ${scalar(registry.uri)}`,
    ...(isLoopbackRegistry(registry.uri) ? ['    insecure: true    # plain HTTP, for a registry on this machine only'] : []),
    '    # credentials: {fromEnv: {username: REGISTRY_USERNAME, password: REGISTRY_PASSWORD}}    # or {dockerConfig: true}',
  ];
}

/** The starter's text and what the blueprint loader reads from it: a starter that would not load is a bug, not a file. */
export function starterBlueprint(input: StarterInput, fileName: string): { text: string; blueprint: Omit<Blueprint, 'path'> } {
  checkStarterInput(input);
  const text = renderStarterBlueprint(input);
  return { text, blueprint: parseBlueprint(text, fileName) };
}
