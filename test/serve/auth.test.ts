// Every route of serve is behind HTTP Basic auth (username + personal access token); the first start
// creates the admin's token, prints it once, and stores only its hash.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'yaml';
import { makeProjectDir, type ProjectDir } from '../contract/project';
import { basic, raw } from './http';
import { repoRoot, spawnServe, type ServeProcess } from './serve-process';

const documented: Array<[string, string]> = Object.entries(parse(fs.readFileSync(path.join(repoRoot, 'openapi', 'facetsctl-serve.yaml'), 'utf8')).paths as Record<string, object>).flatMap(
  ([p, item]) => Object.entries(item as Record<string, { security?: unknown[] }>)
    // `security: []` marks the probes (/healthz, /readyz): open by design, tested in probes.test.ts.
    .filter(([, op]) => !(Array.isArray(op.security) && op.security.length === 0))
    .map(([method]) => [method.toUpperCase(), p] as [string, string]),
);

describe('serve authenticates every request with HTTP Basic (username + personal access token)', () => {
  let project: ProjectDir;
  let server: ServeProcess;
  beforeAll(async () => {
    project = makeProjectDir('facetsctl-auth-');
    server = await spawnServe({ blueprint: project.blueprint, db: project.db });
  });
  afterAll(async () => {
    await server.stop();
    project.remove();
  });

  const credentials: Array<[string, () => string | undefined]> = [
    ['no credentials', () => undefined],
    ['a wrong token', () => basic('admin', 'fct_wrong')],
    ['an unknown user with the admin token', () => basic('mallory', server.adminToken!)],
    ['a malformed Authorization header', () => 'Bearer something'],
  ];

  test.each(documented)('%s %s answers 401 AUTH with WWW-Authenticate: Basic to missing or invalid credentials', async (method, route) => {
    const url = server.url + route.replace(/\{\w+\}/g, 'x');
    for (const [what, authorization] of credentials) {
      const response = await raw(url, { method, authorization: authorization(), body: method === 'GET' ? undefined : {} });
      expect({ what, status: response.status }).toEqual({ what, status: 401 });
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
      expect(response.body).toMatchObject({ code: 'AUTH', message: expect.any(String) });
    }
  });

  test('an unknown path is also 401 before anything else', async () => {
    expect((await raw(`${server.url}/cc-ui/v1/nothing-here`)).status).toBe(401);
  });

  test('the admin token authenticates', async () => {
    const me = await raw(`${server.url}/api/me`, { authorization: basic('admin', server.adminToken!) });
    expect(me).toMatchObject({ status: 200, body: { userId: 'admin', name: 'admin' } });
  });

  test('the first start prints the admin token once; the database keeps only its sha256', async () => {
    expect(server.adminToken).toMatch(/^fct_[A-Za-z0-9_-]{40,}$/);
    expect(server.stdout.match(/admin token:/g)).toHaveLength(1);
    const db = new Database(project.db, { readonly: true });
    try {
      const dump = JSON.stringify(db.prepare('SELECT * FROM api_tokens').all());
      expect(dump).not.toContain(server.adminToken!);
      const { createHash } = require('node:crypto') as typeof import('node:crypto');
      expect(dump).toContain(createHash('sha256').update(server.adminToken!).digest('hex'));
    } finally {
      db.close();
    }
  });

  test('a restart on the same database prints no token, and the first one still works', async () => {
    const second = await spawnServe({ blueprint: project.blueprint, db: project.db });
    try {
      expect(second.adminToken).toBeUndefined();
      expect(second.stdout).not.toContain('admin token');
      expect((await raw(`${second.url}/api/me`, { authorization: basic('admin', server.adminToken!) })).status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});
