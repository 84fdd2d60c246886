// The embedded control plane refuses a write that names a revision no longer stored (the same service code serve runs).
import type { AttachRequest } from '../../src/controlplane';
import { FacetsError } from '../../src/core/errors';
import { branchRule } from '../../src/core/routing';
import { digest, openFixture } from './fixture';

const STALE = /changed meanwhile: .* after this command (read revision \d+|found none); nothing was written; run the command again/;

async function refusal(write: Promise<unknown>): Promise<FacetsError> {
  const error = await write.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FacetsError);
  return error as FacetsError;
}

const attach = (tag: string, n: number, over: Partial<AttachRequest> = {}): AttachRequest => ({
  project: 'shop',
  service: 'web',
  environment: 'staging',
  image: `127.0.0.1:5000/shop/web:${tag}@${digest(n)}`,
  artifactType: 'docker_image',
  ...over,
});

describe('a CI/CD write names the revision it read: another revision stored meanwhile is CONFLICT, the other change whole', () => {
  test('configureCi and resetCi over a revision read before another save are refused; with no revision they write as before', async () => {
    const { service } = await openFixture();
    await service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT' } });
    const read = await service.getCiConfig('shop');
    const theirs = [branchRule('main', 'dev', 0)];
    const saved = await service.configureCi({ project: 'shop', config: { routingRules: theirs }, expectedRevision: read.revision });
    expect(saved.revision).toBe(read.revision + 1);

    const stale = await refusal(service.configureCi({ project: 'shop', config: { promotionHierarchy: ['dev', 'staging'] }, expectedRevision: read.revision }));
    expect(stale.kind).toBe('CONFLICT');
    expect(stale.message).toMatch(STALE);
    expect(stale.details).toEqual({ readRevision: read.revision, currentRevision: saved.revision });
    expect((await refusal(service.resetCi('shop', undefined, read.revision))).kind).toBe('CONFLICT');
    expect((await service.getCiConfig('shop')).config).toMatchObject({ routingRules: theirs, promotionHierarchy: [] });

    await service.configureCi({ project: 'shop', config: { promotionHierarchy: ['dev', 'staging'] } });
    expect((await service.getCiConfig('shop')).config).toMatchObject({ routingRules: theirs, promotionHierarchy: ['dev', 'staging'] });
  });

  test("a service's view carries its own configuration's revision: 0 while it inherits, so a service made meanwhile is refused", async () => {
    const { service } = await openFixture();
    await service.configureCi({ project: 'shop', config: { registrationType: 'ENVIRONMENT' } });
    const read = await service.getCiConfig('shop', 'web');
    expect(read).toMatchObject({ mode: 'INHERITED', revision: 0 });
    await service.configureCi({ project: 'shop', service: 'web', config: { registrationType: 'ENVIRONMENT', routingRules: [branchRule('main', 'dev', 0)] } });
    const stale = await refusal(service.configureCi({ project: 'shop', service: 'web', config: { registrationType: 'ENVIRONMENT' }, expectedRevision: read.revision }));
    expect(stale.message).toMatch(/the CI\/CD configuration of service web of project shop changed meanwhile: alice made it .* after this command found none/);
  });
});

describe("an attach or detach names the override's revision it read", () => {
  test('an attach over a revision read before another attach is refused; a detach likewise; the other image stays attached', async () => {
    const { service } = await openFixture();
    const first = await service.attachImage(attach('1.0.0', 1, { expectedRevision: 0 }));
    const second = await service.attachImage(attach('2.0.0', 2, { expectedRevision: first.revision }));
    const stale = await refusal(service.attachImage(attach('3.0.0', 3, { expectedRevision: first.revision })));
    expect(stale.kind).toBe('CONFLICT');
    expect(stale.message).toMatch(STALE);
    expect(stale.message).toContain(`attached ${second.image}`);
    expect((await refusal(service.detachImage('shop', 'web', 'staging', first.revision))).kind).toBe('CONFLICT');
    expect((await refusal(service.attachImage(attach('3.0.0', 3, { expectedRevision: 0 })))).kind).toBe('CONFLICT');
    expect((await service.getOverride('shop', 'web', 'staging'))?.image).toBe(second.image);
  });
});
