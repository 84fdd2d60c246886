// "Newest first" for tags: build times read from a real registry for the first 50 tags, 4 at a time; a failed lookup only leaves its tag undated.
import crypto from 'node:crypto';
import { tagCreatedTimes } from '../../src/cli/commands/attach/tag-dates';
import { orderTagsNewestFirst } from '../../src/cli/commands/attach/tag-order';
import type { RegistryReader } from '../../src/workflow/context';
import { RegistryClient } from '../../src/registry';
import { getInfra } from '../support/infra';
import { closedPort } from '../support/processes';
import { startFaultProxy } from '../support/proxy';
import { uploadImage } from '../support/registry-upload';

/** The real client, counting the lookups it is asked for and how many run at once. */
function counted(client: RegistryClient) {
  const asked: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const reader: RegistryReader = {
    ping: () => client.ping(),
    headManifest: (repository, reference) => client.headManifest(repository, reference),
    listTags: (repository, opts) => client.listTags(repository, opts),
    catalog: (opts) => client.catalog(opts),
    async imageCreated(repository, reference) {
      asked.push(reference);
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      try {
        return await client.imageCreated(repository, reference);
      } finally {
        inFlight--;
      }
    },
  };
  return { reader, asked, mostInFlight: () => mostInFlight };
}

const openClient = (host = getInfra().registries.open.host) => new RegistryClient({ host, retryDelayMs: 10 });
/** A loopback port nothing listens on. */
const repositoryName = (what: string) => `attach/dates-${what}-${crypto.randomBytes(3).toString('hex')}`;

describe('tags are ordered by the build time of their image where the registry tells it', () => {
  test('an older tag with a higher version is listed after a newer one; undated tags follow by version', async () => {
    const repository = repositoryName('order');
    const open = getInfra().registries.open;
    await uploadImage({ url: open.url }, repository, '2.0.0', [crypto.randomBytes(64)], { created: '2023-01-01T00:00:00Z' });
    await uploadImage({ url: open.url }, repository, '1.5.0', [crypto.randomBytes(64)], { created: '2024-06-01T00:00:00Z' });
    await uploadImage({ url: open.url }, repository, '3.0.0', [crypto.randomBytes(64)]);
    const tags = ['1.5.0', '2.0.0', '3.0.0'];
    const created = await tagCreatedTimes(openClient(), repository, tags);
    expect(Object.fromEntries(created)).toEqual({ '2.0.0': '2023-01-01T00:00:00Z', '1.5.0': '2024-06-01T00:00:00Z' });
    expect(orderTagsNewestFirst(tags, created)).toEqual(['1.5.0', '2.0.0', '3.0.0']);
  });
});

describe('build times are read for at most the first 50 tags, at most 4 requests at a time', () => {
  test('52 tags: the 50 highest versions are looked up, never more than 4 at once', async () => {
    const repository = repositoryName('many');
    const open = getInfra().registries.open;
    const tags = Array.from({ length: 52 }, (_, i) => `1.${i}.0`);
    const layer = crypto.randomBytes(64);
    for (const [i, tag] of tags.entries()) {
      await uploadImage({ url: open.url }, repository, tag, [layer], { created: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString() });
    }
    const { reader, asked, mostInFlight } = counted(openClient());
    const created = await tagCreatedTimes(reader, repository, tags);
    expect(asked.sort()).toEqual(orderTagsNewestFirst(tags).slice(0, 50).sort());
    expect(created.size).toBe(50);
    expect(created.has('1.0.0') || created.has('1.1.0')).toBe(false);
    expect(mostInFlight()).toBe(4);
  });
});

describe('a failed lookup does not fail the listing: that tag just has no date', () => {
  test('a tag the registry does not have is undated, the others keep their dates', async () => {
    const repository = repositoryName('gone');
    const open = getInfra().registries.open;
    await uploadImage({ url: open.url }, repository, '1.0.0', [crypto.randomBytes(64)], { created: '2024-02-01T00:00:00Z' });
    const problems: string[] = [];
    const created = await tagCreatedTimes(openClient(), repository, ['1.0.0', '9.9.9'], { onProblem: (m) => problems.push(m) });
    expect(Object.fromEntries(created)).toEqual({ '1.0.0': '2024-02-01T00:00:00Z' });
    expect(problems).toEqual([expect.stringContaining(`no build time for ${repository}:9.9.9`)]);
  });

  test('an unreachable registry gives no dates and is not asked again for every tag', async () => {
    const { reader, asked } = counted(openClient(`127.0.0.1:${await closedPort()}`));
    const tags = Array.from({ length: 20 }, (_, i) => `0.${i}.0`);
    const created = await tagCreatedTimes(reader, 'attach/nowhere', tags);
    expect(created.size).toBe(0);
    expect(asked.length).toBeLessThanOrEqual(4);
  });

  test('a registry slower than the budget leaves the list ordered by version, without waiting for it', async () => {
    const repository = repositoryName('slow');
    const open = getInfra().registries.open;
    await uploadImage({ url: open.url }, repository, '1.0.0', [crypto.randomBytes(64)], { created: '2024-02-01T00:00:00Z' });
    const [host, port] = open.host.split(':');
    const proxy = await startFaultProxy({ host, port: Number(port) }, [{ match: { method: 'GET', path: /\/manifests\// }, delayMs: 5000, times: 10 }]);
    try {
      const problems: string[] = [];
      const started = Date.now();
      const created = await tagCreatedTimes(openClient(proxy.host), repository, ['1.0.0'], { budgetMs: 300, onProblem: (m) => problems.push(m) });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(created.size).toBe(0);
      expect(problems).toEqual([expect.stringContaining('took longer than 300 ms; ordering tags by version')]);
    } finally {
      await proxy.close();
    }
  });
});
