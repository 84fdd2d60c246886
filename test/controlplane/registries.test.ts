import type { ContainerRegistry } from '../../src/core/model';
import type { PushCredentials, RegistryBrowser } from '../../src/controlplane';
import { openFixture } from './fixture';

describe('the project\'s container registries, internal ones marked', () => {
  test('listRegistries returns every registry with its internal flag', async () => {
    const { service } = await openFixture();
    expect((await service.listRegistries('shop')).map((r) => [r.name, r.internal])).toEqual([
      ['local', false],
      ['hub', false],
      ['facets-config-auto', true],
    ]);
  });
});

describe('push credentials are resolved from references at call time, never stored in clear', () => {
  test('env var references are read from the environment given to the control plane', async () => {
    const { service, dbPath } = await openFixture(undefined, { env: { LOCAL_USER: 'pusher', LOCAL_PASSWORD: 's3cret-value' } });
    expect(await service.getPushCredentials('shop', 'local', 'checkout')).toEqual({ registry: 'local', registryUri: '127.0.0.1:5000', username: 'pusher', password: 's3cret-value' });
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(dbPath).includes(Buffer.from('s3cret-value'))).toBe(false);
  });

  test('docker-config references and registries without credentials give null (use the docker config)', async () => {
    const { service } = await openFixture();
    expect(await service.getPushCredentials('shop', 'hub', 'checkout')).toBeNull();
    expect(await service.getPushCredentials('shop', 'facets-config-auto', 'checkout')).toBeNull();
  });

  test('unset variables are an AUTH error naming them (not their values)', async () => {
    const { service } = await openFixture(undefined, { env: { LOCAL_USER: 'pusher' } });
    await expect(service.getPushCredentials('shop', 'local', 'checkout')).rejects.toMatchObject({
      kind: 'AUTH',
      message: 'credentials of container registry "local" come from LOCAL_PASSWORD, which is not set where the control plane runs',
    });
  });

  test('unknown registry or service is NOT_FOUND', async () => {
    const { service } = await openFixture();
    await expect(service.getPushCredentials('shop', 'quay', 'checkout')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    await expect(service.getPushCredentials('shop', 'local', 'payments')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });
});

describe('repositories and tags come from the registry browser the control plane was given', () => {
  test('without one, listing is a REGISTRY error that says why', async () => {
    const { service } = await openFixture();
    await expect(service.listRepositories('shop', 'local')).rejects.toMatchObject({ kind: 'REGISTRY', message: expect.stringContaining('without a registry client') });
  });

  test('with one, it is called with the registry and its resolved credentials', async () => {
    const calls: [string, string | null, PushCredentials | null][] = [];
    // A real in-memory registry catalogue: the browser is an injected port, not one of our modules.
    const catalogue: Record<string, Record<string, string[]>> = { '127.0.0.1:5000': { 'shop/checkout': ['1.0.0', '1.0.1'] } };
    const browser: RegistryBrowser = {
      async repositories(registry: ContainerRegistry, credentials) {
        calls.push([registry.name, null, credentials]);
        return Object.keys(catalogue[registry.uri] ?? {});
      },
      async tags(registry: ContainerRegistry, repository, credentials) {
        calls.push([registry.name, repository, credentials]);
        return catalogue[registry.uri]?.[repository] ?? [];
      },
    };
    const { service } = await openFixture(undefined, { registryBrowser: browser, env: { LOCAL_USER: 'u', LOCAL_PASSWORD: 'p' } });
    expect(await service.listRepositories('shop', 'local')).toEqual(['shop/checkout']);
    expect(await service.listTags('shop', 'local', 'shop/checkout')).toEqual(['1.0.0', '1.0.1']);
    expect(calls.map(([name, repo, creds]) => [name, repo, creds?.username])).toEqual([
      ['local', null, 'u'],
      ['local', 'shop/checkout', 'u'],
    ]);
    await expect(service.listTags('shop', 'quay', 'x')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });
});

describe('whoami and the project layout', () => {
  test('whoami is the identity given at construction; forIdentity acts for another caller', async () => {
    const { service } = await openFixture();
    expect(await service.whoami()).toEqual({ username: 'alice', name: 'Alice' });
    const bob = service.forIdentity({ username: 'bob', name: 'Bob' });
    expect(await bob.whoami()).toEqual({ username: 'bob', name: 'Bob' });
    await bob.setImageStrategy('shop', 'web', 'MANUAL');
    expect((await service.history('shop', 'web')).items[0].by).toBe('bob');
  });

  test('projects, environments and release streams come from the blueprint', async () => {
    const { service } = await openFixture();
    expect(await service.listProjects()).toEqual(['shop']);
    expect((await service.listEnvironments('shop')).map((e) => e.name)).toEqual(['dev', 'staging', 'production']);
    expect((await service.listReleaseStreams('shop')).map((s) => s.name)).toEqual(['QA', 'PRODUCTION']);
    expect((await service.getProject('shop')).resources).toHaveLength(3);
    await expect(service.getProject('blog')).rejects.toMatchObject({ kind: 'NOT_FOUND', message: 'project "blog" does not exist (known: shop)' });
  });
});
