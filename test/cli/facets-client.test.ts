// The client against a Facets control plane: it learns once per URL whether facetsctl's extensions are there (and
// again after a failure), falls back to the reference when they vanish, reads Facets' empty answers back, and says
// in one line, exit 11, what a control plane without the extensions cannot do. Real serve, validating proxy.
import fs from 'node:fs';
import path from 'node:path';
import { EXIT_CODES } from '../../src/core/errors';
import { startFacetsProxy, type FacetsProxy } from '../support/facets-proxy';
import { facetsApiSpecPath, facetsApiSpecPresent, loadFacetsReference, type FacetsReference } from '../support/facets-reference';
import { getInfra } from '../support/infra';
import { putImage, uniqueRepo } from './images';
import { makeWorkspace, shopBlueprint, startServe, type ServeProcess, type Workspace } from './run-cli';

const CI = 'ci:\n  registrationType: ENVIRONMENT\n  branchRules:\n    main: dev\n  promotion: [dev, staging, production]\n';
const NOT_OFFERED = /speaks the Facets API without facetsctl's extensions, which (.+) needs; nothing was changed/;

const capabilityCalls = (proxy: FacetsProxy) => proxy.calls.filter((c) => c.path.startsWith('/cc-ui/v1/facetsctl/capabilities')).length;
const extensionCalls = (proxy: FacetsProxy) => proxy.calls.filter((c) => c.kind === 'extension' && !c.path.startsWith('/cc-ui/v1/facetsctl/capabilities')).length;

function remembered(client: Workspace): Record<string, { extensions: boolean; representation?: boolean }> {
  return JSON.parse(fs.readFileSync(path.join(client.home, '.cache', 'facetsctl', 'control-planes.json'), 'utf8'));
}

if (!facetsApiSpecPresent) {
  test.skip(`SKIPPED: ${facetsApiSpecPath} is absent (set FACETS_API_SPEC to run the Facets client tests)`, () => {});
} else {
  let reference: FacetsReference;
  let server: Workspace;
  let client: Workspace;
  let serve: ServeProcess;
  let proxy: FacetsProxy;
  const { open } = getInfra().registries;

  const start = async (serveArgs: string[], options: { dropPrefer?: boolean } = {}) => {
    serve = await startServe(server, serveArgs);
    proxy = await startFacetsProxy({ target: { host: '127.0.0.1', port: serve.port }, reference, dropPrefer: options.dropPrefer });
  };
  const run = (args: string[]) => client.run(args, { env: { FACETS_CONTROL_PLANE_URL: proxy.url, FACETS_USERNAME: 'admin', FACETS_TOKEN: serve.adminToken } });

  beforeAll(async () => {
    reference = await loadFacetsReference();
  });
  beforeEach(() => {
    server = makeWorkspace(shopBlueprint([{ name: 'open', uri: open.host }], CI));
    client = makeWorkspace();
  });
  afterEach(async () => {
    await proxy?.close();
    await serve?.stop();
    server.remove();
    client.remove();
  });

  describe('what a control plane offers is learnt once per URL, and again after a failure', () => {
    test('with extensions: asked once over three commands, remembered in the cache file; the commands use the extensions', async () => {
      await start([]);
      for (const args of [['whoami'], ['ci', 'show', '-s', 'checkout'], ['--json', 'artifacts', 'list', '-s', 'checkout']]) expect((await run(args)).code).toBe(0);
      expect(capabilityCalls(proxy)).toBe(1);
      expect(remembered(client)[proxy.url].extensions).toBe(true);
      expect(extensionCalls(proxy)).toBeGreaterThan(0);
      expect(proxy.violations).toEqual([]);
    });

    test('the extensions vanish between two commands: the next one falls back to the reference, asks again, and remembers the new answer', async () => {
      await start([]);
      expect((await run(['whoami'])).code).toBe(0);
      proxy.mode = 'reference-only';
      const listed = await run(['--json', 'artifacts', 'list', '-s', 'checkout']);
      expect([listed.code, listed.stderr]).toEqual([0, '']);
      expect(capabilityCalls(proxy)).toBe(2);
      expect(remembered(client)[proxy.url].extensions).toBe(false);
      const before = extensionCalls(proxy);
      expect((await run(['ci', 'show', '-s', 'checkout'])).code).toBe(0);
      expect(extensionCalls(proxy)).toBe(before);
      expect(proxy.violations).toEqual([]);
    });

    test('a call that fails (the control plane is gone) makes the next command ask again', async () => {
      await start([]);
      expect((await run(['ci', 'show'])).code).toBe(0);
      expect(remembered(client)[proxy.url]).toBeDefined();
      const url = proxy.url;
      await serve.stop();
      expect((await run(['ci', 'show', '-s', 'checkout'])).code).toBe(EXIT_CODES.UNREACHABLE);
      expect(remembered(client)[url]).toBeUndefined();
    });

    test('whoami says which API it speaks, in text and in --json', async () => {
      await start(['--reference-only']);
      const text = await run(['whoami']);
      expect(text.stdout).toMatch(/^api: Facets API only, without facetsctl's extensions/m);
      const json = (await run(['--json', 'whoami'])).json();
      expect(json.api).toEqual({ name: 'facets', extensions: false, serverVersion: null });
    });
  });

  describe('serve --reference-only answering as Facets does (no Prefer): every flow reads the result back', () => {
    test('register twice: created, then the same artifact registered before; push credentials and lists on spec', async () => {
      await start(['--reference-only'], { dropPrefer: true });
      const repo = uniqueRepo('facets-client');
      await putImage('open', repo, '1.0.0');
      const first = await run(['--json', 'register', `${open.host}/${repo}:1.0.0`, '-s', 'checkout', '--environment', 'staging']);
      expect(first.code).toBe(0);
      expect(first.json()).toMatchObject({ created: true, routedTo: 'staging' });
      const again = await run(['--json', 'register', `${open.host}/${repo}:1.0.0`, '-s', 'checkout', '--environment', 'staging']);
      expect(again.json()).toMatchObject({ created: false, routedTo: 'staging', artifact: { id: first.json().artifact.id } });
      const listed = (await run(['--json', 'artifacts', 'list', '-s', 'checkout', '-e', 'staging'])).json();
      expect(listed.total).toBe(1);
      expect(remembered(client)[proxy.url].representation).toBe(false);
      expect(proxy.violations).toEqual([]);
    });

    test('attach, then detach: the override is read back by the environment id; resolve computed by the client agrees', async () => {
      await start(['--reference-only'], { dropPrefer: true });
      const image = 'https://artifacts.example.com/lambda/checkout-7.zip';
      const attached = await run(['--json', 'attach', image, '--type', 'freestyle', '-s', 'checkout', '-e', 'dev']);
      expect([attached.code, attached.json().image]).toEqual([0, image]);
      const resolved = (await run(['--json', 'resolve', '-s', 'checkout', '-e', 'dev'])).json();
      expect(resolved).toMatchObject({ resolutions: [{ environment: 'dev', resolved: true, image, source: 'OVERRIDE' }] });
      const detached = await run(['--json', 'detach', '-s', 'checkout', '-e', 'dev']);
      expect([detached.code, detached.json().detachedImage]).toEqual([0, image]);
      expect(proxy.violations).toEqual([]);
    });
  });

  describe('what the reference cannot do: one line naming the control plane and what it lacks, exit 11, nothing changed', () => {
    beforeEach(async () => {
      await start(['--reference-only']);
    });

    test.each([
      ['history', ['history', '-s', 'checkout'], 'the history of a service'],
      ['a service reset', ['ci', 'reset', '-s', 'checkout', '--yes'], "resetting a service's own CI/CD"],
      ['an image version policy', ['ci', 'configure', '--deny-tag', 'latest'], 'an image version policy'],
      ['a change log on attach', ['attach', 'https://a.example.com/x.zip', '--type', 'freestyle', '-s', 'checkout', '-e', 'dev', '--change-log', 'why'], 'a change log on attach'],
    ])('%s', async (_label, args, what) => {
      const before = (await run(['--json', 'ci', 'show'])).stdout;
      const r = await run(args);
      expect(r.code).toBe(EXIT_CODES.NOT_OFFERED);
      expect(r.stderr).toMatch(NOT_OFFERED);
      expect(r.stderr).toContain(proxy.url);
      expect(r.stderr).toContain(what);
      expect((await run(['--json', 'ci', 'show'])).stdout).toBe(before);
      // Nothing attached either: dev still resolves to nothing.
      expect((await run(['resolve', '-s', 'checkout', '-e', 'dev'])).code).toBe(EXIT_CODES.NOT_FOUND);
    });

    test('promote --to a level that is not the next one; the next one works', async () => {
      const repo = uniqueRepo('facets-promote');
      await putImage('open', repo, '1.0.0');
      expect((await run(['register', `${open.host}/${repo}:1.0.0`, '-s', 'checkout', '--git-ref', 'main'])).code).toBe(0);
      const far = await run(['promote', '-s', 'checkout', '--from', 'dev', '--to', 'production']);
      expect(far.code).toBe(EXIT_CODES.NOT_OFFERED);
      expect(far.stderr).toMatch(/drop --to to promote to "staging"/);
      const next = await run(['--json', 'promote', '-s', 'checkout', '--from', 'dev', '--to', 'staging']);
      expect([next.code, next.json().routedTo]).toEqual([0, 'staging']);
      // Downwards is refused as a bad command, as serve refuses it, not as something Facets lacks.
      const down = await run(['promote', '-s', 'checkout', '--from', 'staging', '--to', 'dev']);
      expect([down.code, down.stderr]).toEqual([EXIT_CODES.USAGE, expect.stringContaining('"dev" does not come after "staging"')]);
      expect(proxy.violations).toEqual([]);
    });
  });
}
