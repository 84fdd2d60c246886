import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FacetsError } from '../../src/core/errors';
import { findBlueprint, loadBlueprint, parseBlueprint, stateDbPath } from '../../src/controlplane';
import { SHOP_BLUEPRINT, tempDir } from './fixture';

const BASE = [
  'project: shop', //                                   1
  'releaseStreams:', //                                 2
  '  - {name: QA}', //                                  3
  '  - {name: PRODUCTION, prod: true}', //              4
  'environments:', //                                   5
  '  - {name: dev, releaseStream: QA}', //              6
  '  - name: staging', //                               7
  '    releaseStream: QA', //                           8
  'services:', //                                       9
  '  - {name: checkout}', //                            10
  'registries:', //                                     11
  '  - name: local', //                                 12
  '    type: OTHERS', //                                13
  '    uri: 127.0.0.1:5000', //                         14
];

/** BASE with line `n` (1-based) replaced by `lines` (or lines appended when n is 0). */
function variant(n: number, ...lines: string[]): string {
  const copy = [...BASE];
  if (n === 0) copy.push(...lines);
  else copy.splice(n - 1, 1, ...lines);
  return copy.join('\n') + '\n';
}

function errorOf(text: string): FacetsError {
  try {
    parseBlueprint(text, 'facets.yaml');
  } catch (e) {
    if (e instanceof FacetsError) return e;
    throw e;
  }
  throw new Error('expected the blueprint to be refused');
}

describe('a blueprint declares one project: release streams, environments, services, registries', () => {
  test('the sample blueprint parses into the project layout with defaults filled in', () => {
    const { project, credentials, ci } = parseBlueprint(SHOP_BLUEPRINT, 'facets.yaml');
    expect(project.name).toBe('shop');
    expect(project.releaseStreams).toEqual([
      { name: 'QA', prod: false },
      { name: 'PRODUCTION', prod: true },
    ]);
    expect(project.environments).toEqual([
      { id: 'dev', name: 'dev', releaseStream: 'QA' },
      { id: 'staging', name: 'staging', releaseStream: 'QA' },
      { id: 'production', name: 'production', releaseStream: 'PRODUCTION' },
    ]);
    expect(project.resources).toEqual([
      { resourceType: 'service', resourceName: 'checkout' },
      { resourceType: 'service', resourceName: 'cart' },
      { resourceType: 'frontend', resourceName: 'web' },
    ]);
    expect(project.registries.map((r) => [r.name, r.type, r.uri, r.internal])).toEqual([
      ['local', 'OTHERS', '127.0.0.1:5000', false],
      ['hub', 'DOCKER_HUB', 'docker.io', false],
      ['facets-config-auto', 'ECR', '123456789012.dkr.ecr.us-east-1.amazonaws.com', true],
    ]);
    expect(project.registries[0].insecure).toBe(true);
    expect(credentials).toEqual({ local: { fromEnv: { username: 'LOCAL_USER', password: 'LOCAL_PASSWORD' } }, hub: { dockerConfig: true } });
    expect(ci).toBeNull();
  });

  test('the examples/facets.yaml shipped with the project is valid, including its initial CI/CD', () => {
    const blueprint = loadBlueprint(path.join(__dirname, '../../examples/facets.yaml'));
    expect(blueprint.project.name).toBe('shop');
    expect(blueprint.ci?.registrationType).toBe('ENVIRONMENT');
    expect(blueprint.ci?.routingRules?.map((r) => [r.operator, r.value, r.routeTo])).toEqual([
      ['EQUALS', 'main', 'dev'],
      ['STARTS_WITH', 'release/', 'staging'],
    ]);
  });
});

describe('every schema error names the file, line and column', () => {
  test.each([
    ['an unknown release stream', variant(8, '    releaseStream: QAA'), 'facets.yaml:8:20: environments[1].releaseStream "QAA" is not a release stream of this project (known: QA, PRODUCTION)'],
    ['a clear-text registry password', variant(0, '    password: hunter2'), 'facets.yaml:15:5: registries[0].password: credentials only by reference, never in clear'],
    ['a clear-text password under credentials', variant(0, '    credentials: {password: hunter2}'), 'facets.yaml:15:19: registries[0].credentials.password: credentials only by reference'],
    ['a misspelt top-level key', variant(9, 'service:'), 'facets.yaml:9:1: service is not a known key (known: project, releaseStreams, environments, services, registries, ci)'],
    ['a misspelt environment key', variant(8, '    releasestream: QA'), 'facets.yaml:8:5: environments[1].releasestream is not a known key'],
    ['a duplicate environment name', variant(7, '  - name: dev'), 'facets.yaml:7:5: environments[1].name "dev" is a duplicate of environments[0].name'],
    ['a duplicate release stream', variant(4, '  - {name: QA, prod: true}'), 'facets.yaml:4:5: releaseStreams[1].name "QA" is a duplicate of releaseStreams[0].name'],
    ['a duplicate service', variant(0, '  - {name: checkout}').replace('services:\n  - {name: checkout}\n', 'services:\n  - {name: checkout}\n  - {name: checkout}\n'), 'facets.yaml:11:5: services[1].name "checkout" is a duplicate of services[0].name'],
    ['a duplicate registry', variant(0, '  - {name: local, type: ECR, uri: a.example.com}'), 'facets.yaml:15:5: registries[1].name "local" is a duplicate of registries[0].name'],
    ['an unknown registry type', variant(13, '    type: GITHUB'), 'facets.yaml:13:11: registries[0].type "GITHUB" is not one of ECR,'],
    ['a registry URI with a scheme', variant(14, '    uri: https://127.0.0.1:5000'), 'facets.yaml:14:10: registries[0].uri "https://127.0.0.1:5000" must be host[:port][/path] without a scheme'],
    ['a missing project', variant(1, '# no project'), 'facets.yaml:2:1: project is required'],
    ['an empty list of release streams', variant(2, 'releaseStreams: []').replace('  - {name: QA}\n  - {name: PRODUCTION, prod: true}\n', ''), 'facets.yaml:2:17: releaseStreams must list at least one release stream'],
    ['a prod flag that is not a boolean', variant(4, '  - {name: PRODUCTION, prod: yes-please}'), 'facets.yaml:4:30: releaseStreams[1].prod must be true or false'],
    ['an env var reference without the password variable', variant(0, '    credentials: {fromEnv: {username: U}}'), 'facets.yaml:15:28: registries[0].credentials.fromEnv.password is required'],
    ['credentials by env and docker config at once', variant(0, '    credentials: {fromEnv: {username: U, password: P}, dockerConfig: true}'), 'facets.yaml:15:18: registries[0].credentials must have exactly one of fromEnv or dockerConfig'],
    ['an env var name that is not one', variant(0, '    credentials: {fromEnv: {username: my-user, password: P}}'), 'facets.yaml:15:39: registries[0].credentials.fromEnv.username "my-user" is not an environment variable name'],
    ['a service name with spaces', variant(10, '  - {name: check out}'), 'facets.yaml:10:12: services[0].name "check out" is not a valid name'],
    ['environments that are not a list', variant(5, 'environments: dev').replace('  - {name: dev, releaseStream: QA}\n  - name: staging\n    releaseStream: QA\n', ''), 'facets.yaml:5:15: environments must be a list'],
    ['a YAML syntax error', variant(6, '  - {name: dev, releaseStream: QA'), 'facets.yaml:7:'],
    ['a duplicate YAML key', variant(0, '    uri: 127.0.0.2:5000'), 'facets.yaml:15:5: duplicate key'],
    ['a document that is a list', '- project: shop\n', 'facets.yaml:1:1: document must be a mapping'],
    ['an empty document', '# nothing here\n', 'facets.yaml:1:1: the blueprint is empty'],
    ['a CI rule routed to an unknown environment', variant(0, 'ci:', '  registrationType: ENVIRONMENT', '  branchRules: {main: prod}'), 'facets.yaml:17:23: ci.branchRules.main "prod" is not an environment of project shop (registrationType ENVIRONMENT; known: dev, staging)'],
    ['an initial CI/CD without a registration type', variant(0, 'ci:', '  branchRules: {main: dev}'), 'facets.yaml:16:3: ci: registration type is required the first time CI/CD is configured'],
  ])('%s is refused', (_name, text, expected) => {
    const error = errorOf(text);
    expect(error.kind).toBe('USAGE');
    expect(error.message).toContain(expected);
    expect(error.hint).toMatch(/blueprint/);
  });
});

describe('findBlueprint: the flag, else FACETS_BLUEPRINT, else facets.yaml found upward from cwd', () => {
  test('facets.yaml is found in a parent directory, as git finds .git', () => {
    const root = tempDir();
    const deep = path.join(root, 'a', 'b', 'c');
    mkdirSync(deep, { recursive: true });
    writeFileSync(path.join(root, 'facets.yaml'), SHOP_BLUEPRINT);
    expect(findBlueprint({ cwd: deep })).toBe(path.join(root, 'facets.yaml'));
  });

  test('the flag wins over the env var, and the env var over the search', () => {
    const root = tempDir();
    writeFileSync(path.join(root, 'facets.yaml'), SHOP_BLUEPRINT);
    writeFileSync(path.join(root, 'flag.yaml'), SHOP_BLUEPRINT);
    writeFileSync(path.join(root, 'env.yaml'), SHOP_BLUEPRINT);
    expect(findBlueprint({ flag: 'flag.yaml', env: 'env.yaml', cwd: root })).toBe(path.join(root, 'flag.yaml'));
    expect(findBlueprint({ env: 'env.yaml', cwd: root })).toBe(path.join(root, 'env.yaml'));
  });

  test('no blueprint anywhere is NOT_FOUND with a hint to create one or pass --blueprint', () => {
    const root = tempDir();
    const error = (() => {
      try {
        findBlueprint({ cwd: root });
      } catch (e) {
        return e as FacetsError;
      }
    })();
    expect(error?.kind).toBe('NOT_FOUND');
    expect(error?.message).toContain(`no facets.yaml found in ${root}`);
    expect(error?.hint).toContain('--blueprint');
  });

  test('a flag pointing nowhere is NOT_FOUND naming the flag', () => {
    const root = tempDir();
    expect(() => findBlueprint({ flag: 'missing.yaml', cwd: root })).toThrow(/missing\.yaml \(from --blueprint\) does not exist/);
    expect(() => findBlueprint({ env: 'gone.yaml', cwd: root })).toThrow(/gone\.yaml \(from FACETS_BLUEPRINT\) does not exist/);
  });

  test('state lives beside the blueprint in .facets/state.db unless overridden', () => {
    expect(stateDbPath('/p/facets.yaml')).toBe('/p/.facets/state.db');
    expect(stateDbPath('/p/facets.yaml', 'x.db', '/w')).toBe('/w/x.db');
  });
});
