// The registration workflow without the CLI: its functions driven directly against the embedded control plane (a real
// SQLite file and blueprint on a temp dir), the real registry and the private Docker engine the global setup starts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import type { ControlPlane } from '../../src/api/control-plane';
import { createControlPlane, type ControlPlaneHandle } from '../../src/api/factory';
import { FacetsError } from '../../src/core/errors';
import { parseImageReference } from '../../src/core/image-reference';
import type { ContainerRegistry } from '../../src/core/model';
import { RegistryClient } from '../../src/registry/client';
import type { WorkflowContext, WorkflowEvent } from '../../src/workflow/context';
import { registrationInputs } from '../../src/workflow/inputs';
import { checkTargets, chooseRegistry, pushTarget, registrationPlan, sourceReference } from '../../src/workflow/plan';
import { precheckRegistration } from '../../src/workflow/precheck';
import { inspectLocalImage } from '../../src/workflow/push';
import { pushAndRegister, type PushRequest } from '../../src/workflow/push-and-register';
import { registerImage } from '../../src/workflow/register';
import { resolveService } from '../../src/workflow/resolve';
import { putImage, uniqueRepo } from '../cli/images';
import { shopBlueprint } from '../cli/run-cli';
import { buildRandomImage } from '../docker/build-image';
import { dockerSocketPath, getInfra } from '../support/infra';

const infra = getInfra();
const { open } = infra.registries;
const docker = new Docker({ socketPath: dockerSocketPath(infra) });
const run = `${process.pid}-${Date.now().toString(36)}`;

let dir: string;
let handle: ControlPlaneHandle;
let cp: ControlPlane;
let ctx: WorkflowContext;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facetsctl-workflow-'));
  fs.mkdirSync(path.join(dir, 'home'));
  fs.writeFileSync(
    path.join(dir, 'facets.yaml'),
    shopBlueprint([
      { name: 'open', uri: open.host },
      { name: 'mirror', uri: 'registry.example.com' },
      { name: 'facets-config-auto', uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com', internal: true },
    ]),
  );
  handle = await createControlPlane({ cwd: dir, env: {} });
  cp = handle.client;
  ctx = {
    env: { PATH: process.env.PATH, DOCKER_HOST: infra.dockerHost },
    cwd: dir,
    homedir: path.join(dir, 'home'),
    registryClient: (registry, auth) => new RegistryClient(ctx.registryOptions(registry, auth)),
    registryOptions: (registry, auth) => ({ host: registry.uri.split('/')[0], insecure: registry.insecure, auth }),
    debug: () => undefined,
  };
});

afterAll(async () => {
  await handle?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The error `promise` rejects with (it must reject). */
async function failure(promise: Promise<unknown>): Promise<FacetsError> {
  const outcome = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(FacetsError);
  return outcome as FacetsError;
}

function recorder(): { events: WorkflowEvent[]; onEvent: (e: WorkflowEvent) => void; kinds: () => string[] } {
  const events: WorkflowEvent[] = [];
  return { events, onEvent: (e) => events.push(e), kinds: () => events.filter((e) => e.kind !== 'push-progress').map((e) => e.kind) };
}

async function artifactCount(service = 'checkout'): Promise<number> {
  return (await cp.listArtifacts('shop', service)).total;
}

/** The registry answers for the tag (true), or has no such tag (false). */
async function inRegistry(repository: string, tag: string): Promise<boolean> {
  const registry = (await cp.listRegistries('shop')).find((r) => r.name === 'open')!;
  return ctx
    .registryClient(registry)
    .headManifest(repository, tag)
    .then(
      () => true,
      () => false,
    );
}

function pushRequest(image: string, more: Partial<PushRequest> = {}): PushRequest {
  return { project: 'shop', service: 'checkout', image, source: sourceReference(image), registry: 'open', gitRef: 'main', ...more };
}

describe('plan: the service, the target and the registry are settled before anything is pushed', () => {
  test('a service the project does not have is NOT_FOUND, naming the ones it has', async () => {
    const e = await failure(checkTargets(cp, 'shop', 'payments', {}));
    expect(e.kind).toBe('NOT_FOUND');
    expect(e.message).toBe('service "payments" is not in project shop (known: checkout, cart)');
  });

  test('an environment or release stream the project does not have is NOT_FOUND', async () => {
    expect((await failure(checkTargets(cp, 'shop', 'checkout', { environment: 'qa' }))).message).toMatch(/^environment "qa" is not in project shop \(known: dev, staging, production\)/);
    expect((await failure(checkTargets(cp, 'shop', 'checkout', { releaseStream: 'BETA' }))).message).toMatch(/^release stream "BETA" is not in project shop/);
  });

  test('several registries and none named: the caller is asked, among the registries that are not internal', async () => {
    const registries = await cp.listRegistries('shop');
    const asked: string[][] = [];
    const ask = async (offered: ContainerRegistry[]) => {
      asked.push(offered.map((r) => r.name));
      return offered[1];
    };
    expect((await chooseRegistry(registries, 'shop', sourceReference('checkout:1.0.0'), undefined, ask)).name).toBe('mirror');
    expect(asked).toEqual([['open', 'mirror']]);
  });

  test('an image already named under a registry goes to that registry without asking', async () => {
    const never = async (): Promise<ContainerRegistry> => {
      throw new Error('asked');
    };
    const registry = await chooseRegistry(await cp.listRegistries('shop'), 'shop', sourceReference(`${open.host}/shop/checkout:1.0.0`), undefined, never);
    expect(registry.name).toBe('open');
  });

  test('the target is <registry>/<project>/<service>:<tag> by default; an image id without --tag is a usage error', async () => {
    const registry = (await cp.listRegistries('shop')).find((r) => r.name === 'open')!;
    expect(pushTarget(registry, sourceReference('checkout:1.4.2'), {}, 'shop', 'checkout')).toMatchObject({ registry: open.host, repository: 'shop/checkout', tag: '1.4.2' });
    const e = await failure(Promise.resolve().then(() => pushTarget(registry, sourceReference('3f2a9c1d5e7b'), {}, 'shop', 'checkout')));
    expect(e.kind).toBe('USAGE');
    expect(e.hint).toBe('pass --tag, e.g. --tag 1.4.2');
  });
});

describe('precheck: whatever the registration would be refused for is refused before verify or push', () => {
  const plan = (target: Parameters<typeof registrationPlan>[0], tag = '1.0.0', requireRoute?: boolean) => registrationPlan(target, { BRANCH_NAME: 'feature/x' }, tag, requireRoute);

  test('no CI/CD configuration yet: the registration type is not known (USAGE)', async () => {
    const e = await failure(precheckRegistration(cp, 'shop', 'cart', plan({ kind: 'environment', value: 'dev' })));
    expect(e.kind).toBe('USAGE');
    expect(e.message).toMatch(/has no CI\/CD configuration/);
  });

  describe('with the project on ENVIRONMENT, main -> dev, "latest" denied', () => {
    beforeAll(async () => {
      await cp.configureCi({
        project: 'shop',
        config: { registrationType: 'ENVIRONMENT', routingRules: [{ metadataKey: 'BRANCH_NAME', operator: 'EQUALS', value: 'main', priority: 1, routeTo: 'dev' }], policy: { deniedTags: ['latest'] } },
      });
    });

    test.each([
      ['a release stream given where the type wants an environment', plan({ kind: 'releaseStream', value: 'QA' }), 'USAGE', /registration type is ENVIRONMENT/],
      ['no rule matches and requireRoute', plan({ kind: 'metadata' }, '1.0.0', true), 'POLICY', /no routing rule matches BRANCH_NAME=feature\/x/],
      ['a denied tag', plan({ kind: 'environment', value: 'dev' }, 'latest'), 'POLICY', /latest/],
    ])('%s', async (_name, p, kind, message) => {
      const e = await failure(precheckRegistration(cp, 'shop', 'checkout', p));
      expect(e.kind).toBe(kind);
      expect(e.message).toMatch(message);
    });

    test('a MANUAL service is a CONFLICT that names attach', async () => {
      await cp.setImageStrategy('shop', 'cart', 'MANUAL');
      try {
        const e = await failure(precheckRegistration(cp, 'shop', 'cart', plan({ kind: 'environment', value: 'dev' })));
        expect(e.kind).toBe('CONFLICT');
        expect(e.message).toBe('service cart uses manual attach; use `facetsctl attach` or switch strategy');
      } finally {
        await cp.setImageStrategy('shop', 'cart', 'PROJECT_CI');
      }
    });

    test('a push refused by the precheck never reaches the engine or the registry', async () => {
      const image = `facetsctl-test/workflow-refused:${run}`;
      await buildRandomImage(docker, image, { bytes: 20_000 });
      const before = await artifactCount();
      const { onEvent, kinds } = recorder();
      const repository = uniqueRepo('workflow-refused');
      const e = await failure(pushAndRegister(ctx, cp, pushRequest(image, { repository, tag: 'latest' }), inspectLocalImage(ctx, image), { chooseRegistry: async (o) => o[0], onEvent }));
      expect(e.kind).toBe('POLICY');
      expect(kinds()).toEqual([]);
      expect(await inRegistry(repository, 'latest')).toBe(false);
      expect(await artifactCount()).toBe(before);
    });
  });
});

describe('register: verified in the registry, pinned by digest, routed by the rules', () => {
  test('an image in the registry is checked there, pinned and routed to dev by BRANCH_NAME=main; again, it is the same artifact', async () => {
    const repo = uniqueRepo('workflow-register');
    const digest = await putImage('open', repo, '1.2.3');
    const image = parseImageReference(`${open.host}/${repo}:1.2.3`);
    const inputs = await registrationInputs({ gitRef: 'main' }, ctx);
    expect(inputs).toEqual({ metadata: { BRANCH_NAME: 'main' }, target: { kind: 'metadata' } });

    const { onEvent, kinds } = recorder();
    const out = await registerImage(ctx, cp, { project: 'shop', service: 'checkout', image, inputs, verify: true }, onEvent);
    expect(kinds()).toEqual(['verify-started', 'verify-ended']);
    expect(out).toMatchObject({ artifactUri: `${open.host}/${repo}:1.2.3@${digest}`, verified: true, created: true, routedTo: 'dev', targetKind: 'environment', artifact: { registry: 'open', digest } });
    expect(out.rule).toMatch(/^BRANCH_NAME EQUALS main => dev/);

    const again = await registerImage(ctx, cp, { project: 'shop', service: 'checkout', image, inputs, verify: true }, () => undefined);
    expect(again).toMatchObject({ created: false, artifact: { id: out.artifact.id } });

    const [dev] = await resolveService(cp, 'shop', 'checkout', 'dev');
    expect(dev).toMatchObject({ environment: 'dev', resolved: true, image: out.artifactUri });
  });

  test('an image the registry does not have is a REGISTRY error that says to push it first; nothing is registered', async () => {
    const before = await artifactCount();
    const image = parseImageReference(`${open.host}/${uniqueRepo('workflow-missing')}:9.9.9`);
    const e = await failure(registerImage(ctx, cp, { project: 'shop', service: 'checkout', image, inputs: { metadata: {}, target: { kind: 'environment', value: 'dev' } }, verify: true }, () => undefined));
    expect(e.kind).toBe('REGISTRY');
    expect(e.message).toMatch(/is not in registry open; push it first/);
    expect(await artifactCount()).toBe(before);
  });

  test('unverified: not checked in the registry, registered as given, and said so in an event', async () => {
    const { onEvent, events } = recorder();
    const uri = `${open.host}/${uniqueRepo('workflow-unverified')}:0.1.0`;
    const out = await registerImage(ctx, cp, { project: 'shop', service: 'checkout', image: parseImageReference(uri), inputs: { metadata: {}, target: { kind: 'environment', value: 'staging' } }, verify: false }, onEvent);
    expect(events).toEqual([{ kind: 'unverified', image: uri }]);
    expect(out).toMatchObject({ artifactUri: uri, verified: false, routedTo: 'staging' });
  });

  test('resolve: an environment nothing resolves in is NOT_FOUND', async () => {
    const e = await failure(resolveService(cp, 'shop', 'checkout', 'production'));
    expect(e.kind).toBe('NOT_FOUND');
    expect(e.message).toMatch(/^checkout does not resolve in environment production: /);
  });
});

describe('push: through the engine once, then the fast path', () => {
  test('the first push sends the image; the second finds it in the registry, skips the engine and registers the same artifact', async () => {
    const image = `facetsctl-test/workflow-push:${run}`;
    await buildRandomImage(docker, image, { bytes: 30_000 });
    const request = pushRequest(image, { repository: `shop/workflow-push-${run}`, tag: '2.0.0' });
    const hooks = (onEvent: (e: WorkflowEvent) => void) => ({ chooseRegistry: async (): Promise<ContainerRegistry> => Promise.reject(new Error('asked')), onEvent });

    const first = recorder();
    const pushed = await pushAndRegister(ctx, cp, request, inspectLocalImage(ctx, image), hooks(first.onEvent));
    expect(first.kinds()).toEqual(['push-started', 'push-ended', 'pushed']);
    expect(pushed).toMatchObject({ pushed: true, skipped: false, created: true, routedTo: 'dev', artifactUri: `${open.host}/shop/workflow-push-${run}:2.0.0@${pushed.artifact.digest}` });
    expect(await inRegistry(`shop/workflow-push-${run}`, '2.0.0')).toBe(true);
    // The temporary engine tag is gone once the workflow returns.
    expect((await docker.getImage(image).inspect()).RepoTags).toEqual([image]);

    const second = recorder();
    const fast = await pushAndRegister(ctx, cp, request, inspectLocalImage(ctx, image), hooks(second.onEvent));
    expect(second.events).toEqual([{ kind: 'push-skipped', image: `${open.host}/shop/workflow-push-${run}:2.0.0`, digest: pushed.artifact.digest }]);
    expect(fast).toMatchObject({ pushed: false, skipped: true, created: false, artifactUri: pushed.artifactUri, artifact: { id: pushed.artifact.id } });
  });

  test('without a local side (--no-push), what the registry has is verified and registered, and nothing is skipped', async () => {
    const repo = uniqueRepo('workflow-no-push');
    const digest = await putImage('open', repo, '3.0.0');
    const { onEvent, kinds } = recorder();
    const out = await pushAndRegister(ctx, cp, pushRequest('checkout:3.0.0', { repository: repo }), null, { chooseRegistry: async (o) => o[0], onEvent });
    expect(kinds()).toEqual(['verify-started', 'verify-ended']);
    expect(out).toMatchObject({ pushed: false, skipped: false, artifactUri: `${open.host}/${repo}:3.0.0@${digest}` });
  });
});
