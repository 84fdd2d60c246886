import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import Docker from 'dockerode';
import { dockerSocketPath, getInfra } from '../support/infra';

function statusOf(url: string, ca?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http;
    client.get(url, { ca, agent: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject);
  });
}

describe('the test set-up starts a private engine and four registries on 127.0.0.1', () => {
  const infra = getInfra();

  test('the private engine answers and holds the test image', async () => {
    const docker = new Docker({ socketPath: dockerSocketPath(infra) });
    expect((await docker.ping()).toString()).toBe('OK');
    const image = await docker.getImage(infra.testImage).inspect();
    expect(image.RepoTags).toContain('facetsctl-test/hello:1');
  });

  test.each([
    ['open', 200],
    ['basic', 401],
    ['token', 401],
    ['tls', 200],
  ] as const)('the %s registry answers /v2/ with %i', async (name, status) => {
    const registry = infra.registries[name];
    expect(registry.host).toMatch(/^127\.0\.0\.1:\d+$/);
    const ca = name === 'tls' ? fs.readFileSync(infra.registries.tls.caFile) : undefined;
    expect(await statusOf(`${registry.url}/v2/`, ca)).toBe(status);
  });
});
