import type { Artifact, CiConfig, Environment, Override, RegistrationType } from '../../src/core/model';
import { compareNewestFirst, newestArtifact, resolveArtifact, type ResolutionInput } from '../../src/core/resolution';

const CI = 'shop-api-1a2b3c4d';
const dev: Environment = { id: 'e1', name: 'dev', releaseStream: 'beta' };
const prod: Environment = { id: 'e3', name: 'prod', releaseStream: 'stable' };

let seq = 0;
function artifact(change: Partial<Artifact>): Artifact {
  seq++;
  return {
    id: String(seq),
    ciName: CI,
    artifactUri: `127.0.0.1:5000/api:${seq}@sha256:${String(seq).padStart(64, '0')}`,
    digest: `sha256:${String(seq).padStart(64, '0')}`,
    tag: String(seq),
    tags: [String(seq)],
    artifactType: 'docker_image',
    registry: 'local',
    registrationType: 'ENVIRONMENT',
    registrationValue: 'dev',
    externalId: null,
    description: null,
    metadata: {},
    appliedRule: null,
    promoted: false,
    promotedFrom: null,
    createdAt: '2024-05-01T10:00:00.000Z',
    createdBy: 'alice',
    ...change,
  };
}

const override: Override = {
  project: 'shop',
  resourceType: 'service',
  resourceName: 'api',
  environment: 'dev',
  image: '127.0.0.1:5000/api:pinned@sha256:' + 'f'.repeat(64),
  labels: { artifactType: 'docker_image', tag: 'pinned' },
  revision: 3,
  changeLog: null,
  updatedAt: '2024-05-02T00:00:00.000Z',
  updatedBy: 'bob',
};

const configOf = (registrationType: RegistrationType, more: Partial<CiConfig> = {}): CiConfig => ({
  registrationType,
  ciStrategy: 'SIMPLE',
  routingRules: [],
  promotionHierarchy: [],
  policy: {},
  ...more,
});

/** `registrationType` stands for a configuration of that type with nothing else set (null: none configured). */
const input = ({ registrationType = 'ENVIRONMENT', ...change }: Partial<ResolutionInput> & { registrationType?: RegistrationType | null }): ResolutionInput => ({
  environment: dev,
  service: 'api',
  ciName: CI,
  strategy: 'PROJECT_CI',
  config: registrationType === null ? null : configOf(registrationType),
  override: null,
  artifacts: [],
  ...change,
});

describe('an override, if any, wins', () => {
  test.each([
    ['PROJECT_CI', 'ENVIRONMENT'],
    ['SERVICE_CI', 'RELEASE_STREAM'],
    ['MANUAL', null],
    [null, null],
  ] as const)('strategy %s, registration type %s', (strategy, registrationType) => {
    const resolution = resolveArtifact(input({ strategy, registrationType, override, artifacts: [artifact({})] }));
    expect(resolution).toEqual({
      environment: 'dev',
      resolved: true,
      image: override.image,
      source: 'OVERRIDE',
      artifactId: null,
      revision: 3,
      reason: 'pinned by manual attach, revision 3',
    });
  });
});

describe('with ENVIRONMENT registration, the newest artifact registered to the environment is used', () => {
  test.each(['PROJECT_CI', 'SERVICE_CI'] as const)('%s', (strategy) => {
    const old = artifact({ createdAt: '2024-05-01T09:00:00.000Z' });
    const newest = artifact({ createdAt: '2024-05-01T11:00:00.000Z' });
    const otherEnv = artifact({ registrationValue: 'prod', createdAt: '2024-06-01T00:00:00.000Z' });
    const otherCi = artifact({ ciName: 'shop-web-aaaaaaaa', createdAt: '2024-06-01T00:00:00.000Z' });
    const byStream = artifact({ registrationType: 'RELEASE_STREAM', registrationValue: 'dev', createdAt: '2024-06-01T00:00:00.000Z' });
    const unrouted = artifact({ registrationValue: null, createdAt: '2024-06-01T00:00:00.000Z' });
    const resolution = resolveArtifact(input({ strategy, artifacts: [old, otherEnv, newest, otherCi, byStream, unrouted] }));
    expect(resolution).toMatchObject({ resolved: true, image: newest.artifactUri, source: 'ARTIFACT_BY_ENVIRONMENT', artifactId: newest.id, revision: null });
    expect(resolution.reason).toContain('newest artifact registered to environment "dev"');
  });

  test('when none is registered there, the reason names what is missing and how to fix it', () => {
    const resolution = resolveArtifact(input({ artifacts: [artifact({ registrationValue: 'prod' })] }));
    expect(resolution).toEqual({
      environment: 'dev',
      resolved: false,
      image: null,
      source: null,
      artifactId: null,
      revision: null,
      reason: `no artifact registered to environment "dev" for ${CI}; register one with \`facetsctl register IMAGE --service api --environment dev\``,
    });
  });
});

describe('with RELEASE_STREAM registration, the newest artifact registered to the environment\'s release stream is used', () => {
  test('prod reads release stream stable', () => {
    const stable = artifact({ registrationType: 'RELEASE_STREAM', registrationValue: 'stable', promoted: true, promotedFrom: 'beta' });
    const beta = artifact({ registrationType: 'RELEASE_STREAM', registrationValue: 'beta', createdAt: '2030-01-01T00:00:00.000Z' });
    const byEnv = artifact({ registrationType: 'ENVIRONMENT', registrationValue: 'stable', createdAt: '2030-01-01T00:00:00.000Z' });
    const resolution = resolveArtifact(input({ environment: prod, registrationType: 'RELEASE_STREAM', artifacts: [beta, stable, byEnv] }));
    expect(resolution).toMatchObject({ environment: 'prod', resolved: true, image: stable.artifactUri, source: 'ARTIFACT_BY_RELEASE_STREAM', artifactId: stable.id });
    expect(resolution.reason).toContain('release stream "stable"');
    expect(resolution.reason).toContain('promoted from beta');
  });

  test('when none is registered to the stream, the reason names stream and environment', () => {
    const resolution = resolveArtifact(input({ environment: prod, registrationType: 'RELEASE_STREAM' }));
    expect(resolution.resolved).toBe(false);
    expect(resolution.reason).toBe(
      `no artifact registered to release stream "stable" (of environment "prod") for ${CI}; register one with \`facetsctl register IMAGE --service api --release-stream stable\``,
    );
  });

  test('an environment without a release stream cannot resolve by release stream', () => {
    const resolution = resolveArtifact(input({ environment: { id: 'x', name: 'lab', releaseStream: '' }, registrationType: 'RELEASE_STREAM' }));
    expect(resolution.resolved).toBe(false);
    expect(resolution.reason).toContain('environment "lab" has no release stream');
  });
});

describe('without an override, other strategies say what is missing', () => {
  test.each([
    [{ strategy: 'MANUAL' as const, environment: prod }, 'service uses MANUAL strategy and environment "prod" has no attached image; run `facetsctl attach IMAGE --service api --environment prod`'],
    [{ strategy: null, ciName: null }, 'service has no CI integration yet and environment "dev" has no attached image'],
    [{ strategy: 'PROJECT_CI' as const, registrationType: null }, 'no CI/CD configuration: the service uses PROJECT_CI but the project has no CI/CD configuration'],
    [{ strategy: 'SERVICE_CI' as const, registrationType: null }, 'no CI/CD configuration: the service uses SERVICE_CI but the service has no CI/CD configuration'],
  ])('%j', (change, reason) => {
    const resolution = resolveArtifact(input({ ...change, artifacts: [artifact({})] }));
    expect(resolution.resolved).toBe(false);
    expect(resolution.image).toBeNull();
    expect(resolution.reason).toContain(reason);
  });
});

describe('newest means latest createdAt, then highest id', () => {
  test.each([
    [[{ id: 'a', createdAt: '2024-01-01T00:00:00Z' }, { id: 'b', createdAt: '2024-01-02T00:00:00Z' }], 'b'],
    [[{ id: 'b', createdAt: '2024-01-02T00:00:00Z' }, { id: 'a', createdAt: '2024-01-01T00:00:00Z' }], 'b'],
    [[{ id: 'a', createdAt: '2024-01-01T00:00:00Z' }, { id: 'b', createdAt: '2024-01-01T00:00:00Z' }], 'b'],
    [[{ id: '9', createdAt: '2024-01-01T00:00:00Z' }, { id: '10', createdAt: '2024-01-01T00:00:00Z' }], '10'],
    [[{ id: '10', createdAt: '2024-01-01T00:00:00Z' }, { id: '9', createdAt: '2024-01-01T00:00:00Z' }], '10'],
    [[{ id: 'z', createdAt: '2024-01-01T00:00:00+02:00' }, { id: 'a', createdAt: '2023-12-31T23:30:00Z' }], 'a'],
  ])('%j → %s', (rows, expected) => {
    const artifacts = rows.map((row) => artifact(row));
    expect(newestArtifact(artifacts)?.id).toBe(expected);
    expect([...artifacts].sort(compareNewestFirst)[0].id).toBe(expected);
  });

  test('no artifacts, no newest', () => {
    expect(newestArtifact([])).toBeNull();
  });
});

describe('a hint names a command the policy and the promotion hierarchy accept', () => {
  const production: Environment = { id: 'e3', name: 'production', releaseStream: 'PRODUCTION' };
  const hierarchy = ['dev', 'staging', 'production'];
  test.each<[string, Partial<ResolutionInput> & { registrationType?: RegistrationType | null }, string]>([
    [
      'production takes only promoted artifacts: promote from the level below',
      { environment: production, config: configOf('ENVIRONMENT', { promotionHierarchy: hierarchy, policy: { promotedOnly: ['production'] } }) },
      '"production" takes only promoted artifacts: run `facetsctl promote --service api --from staging`',
    ],
    [
      'a release stream that takes only promoted artifacts: promote from the stream below',
      { environment: production, config: configOf('RELEASE_STREAM', { promotionHierarchy: ['QA', 'PRODUCTION'], policy: { promotedOnly: ['PRODUCTION'] } }) },
      '"PRODUCTION" takes only promoted artifacts: run `facetsctl promote --service api --from QA`',
    ],
    [
      'no promotion hierarchy: promote from another environment that takes registrations, --to it',
      { environment: production, config: configOf('ENVIRONMENT', { policy: { promotedOnly: ['production'] } }), targets: ['production', 'dev'] },
      '"production" takes only promoted artifacts: run `facetsctl promote --service api --from dev --to production`',
    ],
    [
      'the bottom of the hierarchy takes only promoted artifacts: nothing can reach it, so the hierarchy must change (project level)',
      { environment: dev, config: configOf('ENVIRONMENT', { promotionHierarchy: ['dev', 'production'], policy: { promotedOnly: ['dev'] } }) },
      '"dev" takes only promoted artifacts: run `facetsctl ci configure --promotion production,dev`',
    ],
    [
      'a service with its own configuration changes its own hierarchy',
      { environment: dev, strategy: 'SERVICE_CI', config: configOf('ENVIRONMENT', { promotionHierarchy: ['dev', 'production'], policy: { promotedOnly: ['dev'] } }) },
      'run `facetsctl ci configure --service api --promotion production,dev`',
    ],
    [
      'no CI integration yet: attach, or what the project configuration takes',
      { environment: production, strategy: null, ciName: null, config: configOf('ENVIRONMENT', { promotionHierarchy: hierarchy, policy: { promotedOnly: ['production'] } }) },
      'run `facetsctl attach IMAGE --service api --environment production`, or `facetsctl promote --service api --from staging`',
    ],
    [
      'no CI integration and no configuration: attach, or configure CI/CD',
      { strategy: null, ciName: null, registrationType: null },
      'run `facetsctl attach IMAGE --service api --environment dev`, or configure CI/CD (`facetsctl ci configure --registration-type ENVIRONMENT|RELEASE_STREAM`)',
    ],
    [
      'a SERVICE_CI service without its own configuration configures its own',
      { strategy: 'SERVICE_CI', registrationType: null },
      'run `facetsctl ci configure --service api --registration-type ENVIRONMENT|RELEASE_STREAM`',
    ],
  ])('%s', (_rule, change, hint) => {
    const resolution = resolveArtifact(input(change));
    expect(resolution.resolved).toBe(false);
    expect(resolution.reason).toContain(hint);
  });
});
