// GET /healthz and GET /readyz for a load balancer (no auth, no details), and SIGTERM: requests in flight are
// answered, then serve exits 0.
import http from 'node:http';
import { Client } from 'pg';
import { HttpControlPlane } from '../../src/api/http-client';
import { makeProjectDir, pinned, PROJECT, REGISTRY_CREDENTIALS_ENV, type ProjectDir } from '../contract/project';
import { createDatabase, type TestDatabase } from '../support/postgres';
import { basic, raw } from './http';
import { spawnServe, type ServeProcess } from './serve-process';

let project: ProjectDir;
let database: TestDatabase;
let server: ServeProcess;
beforeEach(async () => {
  project = makeProjectDir('facetsctl-probes-');
  database = await createDatabase();
});
afterEach(async () => {
  await server?.stop();
  await database.drop();
  project.remove();
});

const startOn = async (store: 'SQLite' | 'PostgreSQL') =>
  (server = await spawnServe({ blueprint: project.blueprint, db: project.db, database: store === 'PostgreSQL' ? database.url : undefined, env: REGISTRY_CREDENTIALS_ENV }));

describe('GET /healthz and GET /readyz answer without credentials and without details', () => {
  test.each(['SQLite', 'PostgreSQL'] as const)('on %s both answer 200 {"status":"ok"} to a request with no Authorization', async (store) => {
    await startOn(store);
    for (const path of ['/healthz', '/readyz']) {
      const response = await raw(`${server.url}${path}`);
      expect({ path, status: response.status, body: response.body }).toEqual({ path, status: 200, body: { status: 'ok' } });
    }
  });

  test('when the database stops answering, /readyz is 503 {"status":"unavailable"}, /healthz stays 200, and requests are 503 UNREACHABLE', async () => {
    await startOn('PostgreSQL');
    await database.drop();
    const request = await raw(`${server.url}/cc-ui/v1/facetsctl/stacks/${PROJECT}/ci-cd`, { authorization: basic('admin', server.adminToken!) });
    expect(request).toMatchObject({ status: 503, body: { code: 'UNREACHABLE', message: expect.stringMatching(/^cannot use the PostgreSQL database postgres:\/\/facets:\*\*\*@127\.0\.0\.1:\d+\/facets_test_\w+: /) } });
    expect(await raw(`${server.url}/readyz`)).toMatchObject({ status: 503, body: { status: 'unavailable' } });
    expect(await raw(`${server.url}/healthz`)).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});

/** A registration through serve's extension on a keep-alive connection, as CI clients send them. */
function registerKeptAlive(artifactUri: string): Promise<{ status: number; connection?: string; body: any }> {
  const body = JSON.stringify({ artifactUri, target: { kind: 'environment', value: 'dev' } });
  const agent = new http.Agent({ keepAlive: true });
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${server.url}/cc-ui/v1/facetsctl/stacks/${PROJECT}/resources/checkout/register`,
      { method: 'POST', agent, headers: { authorization: basic('admin', server.adminToken!), 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          agent.destroy();
          resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, body: JSON.parse(text) });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('SIGTERM drains the requests in flight, then serve exits 0', () => {
  test('a registration waiting for the database when SIGTERM arrives is answered and stored; new connections are refused; exit 0', async () => {
    await startOn('PostgreSQL');
    const client = new HttpControlPlane({ baseUrl: server.url, username: 'admin', token: server.adminToken, retries: 0 });
    await client.configureCi({ project: PROJECT, config: { registrationType: 'ENVIRONMENT' } });
    // Another instance's write transaction, as far as this serve can tell: it holds a lock that keeps artifacts from being written.
    const holder = new Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table artifacts in share row exclusive mode');
      const uri = pinned('shop/checkout', '1.0.0', 'in-flight');
      const registration = registerKeptAlive(uri);
      // In flight: serve's transaction waits for the lock.
      for (;;) {
        const waiting = await holder.query("select 1 from pg_locks where relation = 'artifacts'::regclass and not granted");
        if (waiting.rowCount) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      process.kill(server.pid, 'SIGTERM');
      // Stopping: the listening socket is closed at once, so a new connection is refused while the request waits.
      for (;;) {
        const refused = await fetch(`${server.url}/healthz`).then(() => false, () => true);
        if (refused) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await holder.query('commit');
      const answer = await registration;
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ created: true });
      // The kept-alive connection is closed with the answer: the drain does not wait for a keep-alive timeout.
      expect(answer.connection).toBe('close');
      expect(await server.exited).toBe(0);
      expect(await database.query('select artifact_uri from artifacts')).toEqual([{ artifact_uri: uri }]);
    } finally {
      await holder.end();
    }
  });
});
