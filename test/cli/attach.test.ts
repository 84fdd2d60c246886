// facetsctl attach / detach, against the embedded store and `serve`, with real registries.
import { MODES, ok, openAttachProject, type AttachProject } from './attach-fixture';

const HEX = /@sha256:[a-f0-9]{64}$/;

describe.each(MODES)('facetsctl attach (%s control plane)', (mode) => {
  let p: AttachProject;
  beforeAll(async () => {
    p = await openAttachProject(mode, 'attach');
  });
  afterAll(async () => {
    await p?.close();
  });

  const image = (tag: string, repo = p.repository) => `${p.openHost}/${repo}:${tag}`;
  const attachedIn = async (service: string) => {
    const events = ok((await p.cli(['--json', 'history', '-s', service, '--kind', 'attached,detached']))).events as Array<{ environment: string }>;
    return events.length;
  };

  describe('Option B: the full artifact URI', () => {
    test('docker_image URIs are checked against the registry and pinned by digest', async () => {
      const digest = await p.upload('1.2.3');
      const out = ok(await p.cli(['--json', 'attach', image('1.2.3'), '--service', 'checkout', '--environment', 'dev']));
      expect(out.image).toBe(`${image('1.2.3')}@${digest}`);
      expect(out.digest).toBe(digest);
      expect(out.labels).toEqual({ registry: 'local', repository: p.repository, tag: '1.2.3', artifactType: 'docker_image' });
    });

    test('a URI in a registry with credentials is verified with the credentials the control plane holds', async () => {
      const repo = `${p.repository}-private`;
      const digest = await p.upload('2.0.0', 'basic', repo);
      const out = ok(await p.cli(['--json', 'attach', `${p.basicHost}/${repo}:2.0.0`, '-s', 'cart', '-e', 'dev']));
      expect(out.image).toBe(`${p.basicHost}/${repo}:2.0.0@${digest}`);
      expect(out.labels.registry).toBe('private');
    });
  });

  describe('Option A: in scripts, the three flags --registry, --repository and --tag', () => {
    test('the image is looked up in that registry and pinned by digest', async () => {
      const digest = await p.upload('1.3.0');
      const out = ok(await p.cli(['--json', 'attach', '-s', 'checkout', '-e', 'staging', '--registry', 'local', '--repository', p.repository, '--tag', '1.3.0']));
      expect(out.image).toBe(`${image('1.3.0')}@${digest}`);
      expect(out.labels).toEqual({ registry: 'local', repository: p.repository, tag: '1.3.0', artifactType: 'docker_image' });
    });

    test('without a TTY, missing flags are a usage error naming them, never a prompt', async () => {
      const r = await p.cli(['--json', 'attach', '-s', 'checkout', '-e', 'staging', '--registry', 'local']);
      expect(r.code).toBe(2);
      expect(r.json().error.message).toContain('missing --repository, --tag');
    });
  });

  describe('freestyle URIs (any artifact URL) are accepted as given, validated as URLs', () => {
    test.each(['s3://artifacts/checkout/1.4.2.zip', 'https://artifacts.example.com/checkout-1.4.2.zip?version=3'])('%s', async (url) => {
      const out = ok(await p.cli(['--json', 'attach', url, '--type', 'freestyle', '-s', 'cart', '-e', 'staging']));
      expect(out.image).toBe(url);
      expect(out.digest).toBeNull();
      expect(out.labels).toEqual({ artifactType: 'freestyle' });
    });
  });

  describe('creates or updates the override of exactly that environment; repeating updates it; other environments unchanged', () => {
    test('a second attach to production bumps its revision and leaves dev and staging as they were', async () => {
      await p.upload('3.0.0');
      await p.upload('3.0.1');
      const before = ok(await p.cli(['--json', 'resolve', '-s', 'checkout', '--all'])).resolutions;
      const first = ok(await p.cli(['--json', 'attach', image('3.0.0'), '-s', 'checkout', '-e', 'production']));
      const second = ok(await p.cli(['--json', 'attach', image('3.0.1'), '-s', 'checkout', '-e', 'production', '--change-log', 'hotfix 3.0.1']));
      expect(second.revision).toBe(first.revision + 1);
      expect(second.changeLog).toBe('hotfix 3.0.1');
      const after = ok(await p.cli(['--json', 'resolve', '-s', 'checkout', '--all'])).resolutions;
      const by = (rs: Array<{ environment: string }>, env: string) => rs.find((r) => r.environment === env);
      expect(by(after, 'production')).toMatchObject({ resolved: true, source: 'OVERRIDE', image: second.image, revision: second.revision });
      for (const env of ['dev', 'staging']) expect(by(after, env)).toEqual(by(before, env));
    });
  });

  describe('each change records a sync event with a new revision, who and when; the command prints the revision and waits for nothing unless --wait', () => {
    test('human output prints the revision; --json has inEffect null without --wait', async () => {
      await p.upload('4.0.0');
      const r = await p.cli(['attach', image('4.0.0'), '-s', 'cart', '-e', 'production']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/revision\s+1\n/);
      // Another image: the same one again would change nothing (no revision, no event).
      await p.upload('4.0.1');
      const again = ok(await p.cli(['--json', 'attach', image('4.0.1'), '-s', 'cart', '-e', 'production']));
      expect(again.revision).toBe(2);
      expect(again.inEffect).toBeNull();
      const events = ok(await p.cli(['--json', 'history', '-s', 'cart', '-e', 'production'])).events;
      expect(events.map((e: { kind: string; revision: number }) => [e.kind, e.revision])).toEqual([['ATTACHED', 2], ['ATTACHED', 1]]);
      for (const e of events) {
        expect(e.by).toBe(mode === 'serve' ? 'admin' : again.updatedBy);
        expect(Date.parse(e.at)).not.toBeNaN();
      }
    });

    test('--wait returns once the environment resolves to this revision', async () => {
      await p.upload('4.1.0');
      const out = ok(await p.cli(['--json', 'attach', image('4.1.0'), '-s', 'cart', '-e', 'production', '--wait', '--wait-timeout', '10']));
      expect(out.inEffect).toBe(true);
    });
  });

  describe('two attaches racing on one environment: the last one wins, both recorded', () => {
    test('both succeed with consecutive revisions; the environment resolves to the higher one', async () => {
      await p.upload('5.0.0');
      await p.upload('5.0.1');
      const [a, b] = await Promise.all([
        p.cli(['--json', 'attach', image('5.0.0'), '-s', 'checkout', '-e', 'dev']),
        p.cli(['--json', 'attach', image('5.0.1'), '-s', 'checkout', '-e', 'dev']),
      ]).then((rs) => rs.map((r) => ok(r)));
      expect(Math.abs(a.revision - b.revision)).toBe(1);
      const last = a.revision > b.revision ? a : b;
      const [dev] = ok(await p.cli(['--json', 'resolve', '-s', 'checkout', '-e', 'dev'])).resolutions;
      expect(dev).toMatchObject({ source: 'OVERRIDE', image: last.image, revision: last.revision });
      const events = ok(await p.cli(['--json', 'history', '-s', 'checkout', '-e', 'dev', '--kind', 'ATTACHED', '--limit', '2'])).events;
      expect(events.map((e: { revision: number }) => e.revision)).toEqual([last.revision, last.revision - 1]);
      expect(events.map((e: { details: { image: string } }) => e.details.image).sort()).toEqual([a.image, b.image].sort());
    });
  });

  describe('bad input: a clear message, the documented exit code, and nothing recorded', () => {
    const cases: Array<[string, () => string[], number, string, RegExp]> = [
      ['unknown environment', () => [image('1.2.3'), '-s', 'checkout', '-e', 'qa'], 4, 'NOT_FOUND', /environment "qa" is not an environment of project shop \(known: dev, staging, production\)/],
      ['unknown service', () => [image('1.2.3'), '-s', 'billing', '-e', 'dev'], 4, 'NOT_FOUND', /service "billing" is not a service of project shop/],
      ['unknown registry', () => ['-s', 'checkout', '-e', 'dev', '--registry', 'nope', '--repository', p.repository, '--tag', '1.2.3'], 4, 'NOT_FOUND', /registry "nope" is not a container registry/],
      ['internal registry by name', () => ['-s', 'checkout', '-e', 'dev', '--registry', 'facets-config-auto', '--repository', 'internal/x', '--tag', '1'], 2, 'USAGE', /"facets-config-auto" is internal and is not offered for manual attach/],
      ['internal registry by URI', () => [`${p.openHost}/internal/config:1`, '-s', 'checkout', '-e', 'dev'], 2, 'USAGE', /"facets-config-auto" is internal/],
      ['tag not in repository', () => ['-s', 'checkout', '-e', 'dev', '--registry', 'local', '--repository', p.repository, '--tag', '9.9.9'], 7, 'REGISTRY', /is not in registry local; push it first/],
      ['malformed URI', () => [`${p.openHost}/Bad Repo:1`, '-s', 'checkout', '-e', 'dev'], 2, 'USAGE', /whitespace/],
      ['malformed URI (bad tag)', () => [`${p.openHost}/${p.repository}:-x`, '-s', 'checkout', '-e', 'dev'], 2, 'USAGE', /tag "-x" is invalid/],
      ['URI with a scheme as a docker image', () => ['https://gcr.io/acme/api:1', '-s', 'checkout', '-e', 'dev'], 2, 'USAGE', /scheme/],
      ['image host in no project registry', () => ['gcr.io/acme/api:1', '-s', 'checkout', '-e', 'dev'], 2, 'USAGE', /matches no container registry of project shop/],
      ['freestyle URI with a bad scheme', () => ['ftp://files.example.com/app.zip', '--type', 'freestyle', '-s', 'checkout', '-e', 'dev'], 2, 'USAGE', /scheme "ftp"/],
      ['freestyle file: URI', () => ['file:///tmp/app.zip', '--type', 'freestyle', '-s', 'checkout', '-e', 'dev'], 2, 'USAGE', /scheme "file"/],
      ['freestyle not a URL', () => ['app-1.2.zip', '--type', 'freestyle', '-s', 'checkout', '-e', 'dev'], 2, 'USAGE', /is not a URL/],
      ['unknown --type', () => [image('1.2.3'), '--type', 'helm', '-s', 'checkout', '-e', 'dev'], 2, 'USAGE', /helm/],
      ['IMAGE_URL and --tag together', () => [image('1.2.3'), '--tag', '1.2.3', '-s', 'checkout', '-e', 'dev'], 2, 'USAGE', /either IMAGE_URL or --repository\/--tag/],
      ['no --environment without a TTY', () => [image('1.2.3'), '-s', 'checkout'], 2, 'USAGE', /--environment is required when not running interactively/],
    ];
    test.each(cases)('%s', async (_name, args, code, kind, message) => {
      await p.upload('1.2.3');
      const before = await attachedIn('checkout');
      const r = await p.cli(['--json', 'attach', ...args()]);
      expect(r.code).toBe(code);
      expect(r.json().error.code).toBe(kind);
      expect(r.json().error.message).toMatch(message);
      expect(r.stderr).toMatch(/error: /);
      expect(await attachedIn('checkout')).toBe(before);
    });
  });
});

describe.each(MODES)('an override is a pin: resolve shows it winning over CI-routed artifacts until detach removes it (%s)', (mode) => {
  let p: AttachProject;
  beforeAll(async () => {
    p = await openAttachProject(mode, 'pin');
  });
  afterAll(async () => {
    await p?.close();
  });

  test('register -> attach -> register newer -> detach', async () => {
    const image = (tag: string) => `${p.openHost}/${p.repository}:${tag}`;
    for (const tag of ['1.0.0', '1.1.0', '0.9.0']) await p.upload(tag);
    ok(await p.cli(['--json', 'ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev']));
    const routed = ok(await p.cli(['--json', 'register', image('1.0.0'), '-s', 'checkout', '--git-ref', 'main']));
    const resolveDev = async () => ok(await p.cli(['--json', 'resolve', '-s', 'checkout', '-e', 'dev'])).resolutions[0];
    expect(await resolveDev()).toMatchObject({ source: 'ARTIFACT_BY_ENVIRONMENT', image: routed.artifactUri });

    const pin = ok(await p.cli(['--json', 'attach', image('0.9.0'), '-s', 'checkout', '-e', 'dev']));
    expect(await resolveDev()).toMatchObject({ source: 'OVERRIDE', image: pin.image, revision: pin.revision });

    const newer = ok(await p.cli(['--json', 'register', image('1.1.0'), '-s', 'checkout', '--git-ref', 'main']));
    expect(newer.routedTo).toBe('dev');
    expect(await resolveDev()).toMatchObject({ source: 'OVERRIDE', image: pin.image });

    const detached = ok(await p.cli(['--json', 'detach', '--service', 'checkout', '--environment', 'dev']));
    expect(detached).toMatchObject({ detachedImage: pin.image, revision: pin.revision + 1 });
    expect(detached.resolution).toMatchObject({ source: 'ARTIFACT_BY_ENVIRONMENT', image: newer.artifactUri });
    expect(await resolveDev()).toMatchObject({ source: 'ARTIFACT_BY_ENVIRONMENT', image: newer.artifactUri });
  });

  test('detach with nothing attached is NOT_FOUND (exit 4); an unknown environment too', async () => {
    const none = await p.cli(['--json', 'detach', '-s', 'cart', '-e', 'staging']);
    expect(none.code).toBe(4);
    expect(none.json().error.message).toContain('has no image attached in environment staging');
    const unknown = await p.cli(['--json', 'detach', '-s', 'cart', '-e', 'qa']);
    expect(unknown.code).toBe(4);
    expect(unknown.json().error.message).toContain('environment "qa" is not an environment');
  });
});
