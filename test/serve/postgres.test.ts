// serve on PostgreSQL (--database, FACETS_DATABASE_URL): migrations once however many instances start together, from
// an empty database and from every earlier schema version; pool size and TLS from the flags and the URL; failures said plainly.
import { spawn } from 'node:child_process';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import { HttpControlPlane } from '../../src/api/http-client';
import { SQLITE_MIGRATIONS } from '../../src/controlplane/store/sqlite-migrations';
import { makeProjectDir, REGISTRY_CREDENTIALS_ENV, type ProjectDir } from '../contract/project';
import { getInfra } from '../support/infra';
import { createDatabase, type TestDatabase } from '../support/postgres';
import { closedPort } from '../support/processes';
import { serveMain, spawnServe, type ServeProcess } from './serve-process';

const ALL_MIGRATIONS = Object.keys(SQLITE_MIGRATIONS).sort();

let project: ProjectDir;
let database: TestDatabase;
const servers: ServeProcess[] = [];
beforeEach(async () => {
  project = makeProjectDir();
  database = await createDatabase();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await database.drop();
  project.remove();
});

const start = async (url = database.url, extra: Record<string, string> = {}) => {
  const server = await spawnServe({ blueprint: project.blueprint, db: project.db, database: url, env: { ...REGISTRY_CREDENTIALS_ENV, ...extra } });
  servers.push(server);
  return server;
};
const migrations = async () => (await database.query<{ name: string }>('select name from kysely_migration order by name')).map((r) => r.name);

/** main.js run to its end (it fails before serving): exit code and stderr. */
function failedStart(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [serveMain, '--port', '0', '--blueprint', project.blueprint, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('migrations are forward only, versioned, and run once however many instances start together', () => {
  test('four instances started at once on an empty database all serve; the schema is made once and one admin token is minted', async () => {
    const started = await Promise.all([1, 2, 3, 4].map(() => start()));
    expect(await migrations()).toEqual(ALL_MIGRATIONS);
    expect(started.filter((s) => s.adminToken !== undefined)).toHaveLength(1);
    expect(await database.query('select id from api_tokens')).toHaveLength(1);
    const token = started.find((s) => s.adminToken)!.adminToken!;
    for (const server of started) {
      const client = new HttpControlPlane({ baseUrl: server.url, username: 'admin', token, retries: 0 });
      expect(await client.listProjects()).toEqual(['shop']);
    }
  });

  test.each(ALL_MIGRATIONS.slice(0, -1))('a database left at %s is brought up to date, keeping its rows', async (last) => {
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: database.url, max: 1 }) }) });
    const older = Object.fromEntries(Object.entries(SQLITE_MIGRATIONS).filter(([name]) => name <= last));
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => older } }).migrateToLatest();
    await db.destroy();
    expect(error).toBeUndefined();
    const at = '2025-01-01T00:00:00.000Z';
    await database.query('insert into projects (name, synced_at) values ($1, $2)', ['shop', at]);
    await database.query("insert into ci_integrations values ('ci_1', 'shop', 'service', 'checkout', 'shop-checkout-old12345', 'PROJECT_CI', $1, 'alice')", [at]);
    await database.query(
      `insert into artifacts (id, ci_name, artifact_uri, digest, tag, artifact_type, registry, registration_type, registration_value, identity_key, registration_key, metadata, promoted, created_at, created_by)
       values ('art_old1', 'shop-checkout-old12345', 'r/checkout:1.5.0@sha256:aa', 'sha256:aa', '1.5.0', 'docker_image', 'local', 'ENVIRONMENT', 'dev', 'sha256:aa', 'dev', '{}', 0, $1, 'alice')`,
      [at],
    );
    // From 0003 on, the code of that version recorded the tag beside the artifact.
    if (last >= '0003_artifact_tags') await database.query("insert into artifact_tags (artifact_id, tag, artifact_uri, created_at) values ('art_old1', '1.5.0', 'r/checkout:1.5.0@sha256:aa', $1)", [at]);

    const server = await start();
    expect(await migrations()).toEqual(ALL_MIGRATIONS);
    const client = new HttpControlPlane({ baseUrl: server.url, username: 'admin', token: server.adminToken, retries: 0 });
    expect((await client.getArtifact('shop', 'checkout', 'art_old1')).tags).toEqual(['1.5.0']);
  });

  test('a database that records a migration this facetsctl does not know is refused, and nothing is changed', async () => {
    await start();
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    await database.query("insert into kysely_migration values ('9999_from_the_future', 'x')");
    const { code, stderr } = await failedStart(['--database', database.url]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/records migration 9999_from_the_future, which this facetsctl does not know/);
    expect(await migrations()).toEqual([...ALL_MIGRATIONS, '9999_from_the_future'].sort());
  });
});

describe('the database comes from --database or FACETS_DATABASE_URL; SQLite stays the default', () => {
  test('FACETS_DATABASE_URL alone puts serve on PostgreSQL, and the banner names it without its password', async () => {
    const child = spawn(process.execPath, [serveMain, '--port', '0', '--blueprint', project.blueprint], { env: { PATH: process.env.PATH ?? '', FACETS_DATABASE_URL: database.url }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/^state: /m.test(stdout)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    const { password } = getInfra().postgres;
    expect(stdout).toMatch(/^state: postgres:\/\/facets:\*\*\*@127\.0\.0\.1:\d+\/facets_test_/m);
    expect(stdout).not.toContain(password);
    expect(await migrations()).toEqual(ALL_MIGRATIONS);
  });

  test('--db wins over FACETS_DATABASE_URL: serve stays on its SQLite file and leaves the database alone', async () => {
    const server = await spawnServe({ blueprint: project.blueprint, db: project.db, env: { FACETS_DATABASE_URL: database.url } });
    servers.push(server);
    expect(server.stdout).toContain(`state: ${project.db}`);
    expect(await database.query("select 1 from information_schema.tables where table_name = 'kysely_migration'")).toEqual([]);
  });

  test.each([
    ['--db and --database together', (url: string) => ['--db', '/tmp/x.db', '--database', url], /--db \(a SQLite file\) and --database \(PostgreSQL\) were both given/],
    ['a URL that is not PostgreSQL', () => ['--database', 'mysql://u:hunter2@127.0.0.1/x'], /is not a PostgreSQL connection string/],
    ['a URL that does not parse', () => ['--database', 'postgres://u:hunter2@[bad/x'], /the database URL is not a valid URL\nhint: write it as postgres:\/\/HOST:PORT\/DATABASE with USER:PASSWORD@ before HOST/],
    ['--database-pool without a database', () => ['--database-pool', '4'], /--database-pool applies to a PostgreSQL database only/],
    ['--database-pool 0', (url: string) => ['--database', url, '--database-pool', '0'], /--database-pool must be an integer from 1 to 1000/],
  ])('%s is a usage error (exit 2)', async (_name, args, message) => {
    const { code, stderr } = await failedStart(args(database.url));
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toContain('hunter2');
  });

  test('a wrong password or a server that is not there is exit 9, naming the database without its password', async () => {
    const wrong = new URL(database.url);
    wrong.password = 'hunter2';
    const refused = await failedStart(['--database', wrong.toString()]);
    expect(refused.code).toBe(9);
    expect(refused.stderr).toMatch(/cannot use the PostgreSQL database postgres:\/\/facets:\*\*\*@127\.0\.0\.1:\d+\/facets_test_\w+: password authentication failed/);
    expect(refused.stderr).toMatch(/hint: check that the server runs and the connection string/);
    expect(refused.stderr).not.toContain('hunter2');
    const nowhere = new URL(database.url);
    nowhere.port = String(await closedPort());
    const absent = await failedStart(['--database', nowhere.toString()]);
    expect(absent.code).toBe(9);
    expect(absent.stderr).toMatch(/ECONNREFUSED/);
  });
});

describe('serve token --database mints an admin token on the PostgreSQL database', () => {
  const token = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [serveMain, 'token', '--blueprint', project.blueprint, ...args], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });

  test('the token printed logs in to a running instance, beside the first one', async () => {
    const server = await start();
    const minted = await token(['--database', database.url, '--name', 'ci']);
    expect(minted.code).toBe(0);
    const client = new HttpControlPlane({ baseUrl: server.url, username: 'admin', token: minted.stdout.trim(), retries: 0 });
    expect(await client.listProjects()).toEqual(['shop']);
    expect((await database.query<{ name: string }>('select name from api_tokens order by created_at')).map((r) => r.name)).toEqual([expect.any(String), 'ci']);
  });

  test('on a database facetsctl did not make it is exit 2 and creates nothing there', async () => {
    const refused = await token(['--database', database.url]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is not a facetsctl database \(no api_tokens table\)/);
    expect(await database.query("select table_name from information_schema.tables where table_schema = 'public'")).toEqual([]);
  });
});

describe('pool size and TLS are settable', () => {
  /** serve's connections: its pool's, and (listening: true) the one that listens for changes (read cache). */
  const connections = async (ssl?: boolean, listening = false) =>
    (await database.query<{ n: string }>(
      `select count(*) as n from pg_stat_activity a join pg_stat_ssl s on s.pid = a.pid where a.datname = $1 and a.pid <> pg_backend_pid()
         and (a.query like 'listen %') = $2${ssl === undefined ? '' : ` and s.ssl = ${ssl}`}`,
      [database.name, listening],
    )).map((r) => Number(r.n))[0];

  /** The listening connection, once it is up (it connects beside the start, not before it). */
  const listeners = async (ssl?: boolean) => {
    for (let tries = 0; tries < 100 && (await connections(ssl, true)) === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    return connections(ssl, true);
  };

  test('--database-pool 1: a burst of concurrent requests uses one connection', async () => {
    const server = await spawnServe({ blueprint: project.blueprint, db: project.db, database: `${database.url}`, env: REGISTRY_CREDENTIALS_ENV, extraArgs: ['--database-pool', '1'] });
    servers.push(server);
    const client = new HttpControlPlane({ baseUrl: server.url, username: 'admin', token: server.adminToken, retries: 0 });
    await Promise.all(Array.from({ length: 24 }, () => client.listCiIntegrations('shop')));
    expect(await connections()).toBe(1);
    expect(await listeners()).toBe(1);
  });

  test('sslmode=verify-full with the server certificate: every connection is TLS; sslmode=disable: none is', async () => {
    const tls = new URL(database.url);
    tls.searchParams.set('sslmode', 'verify-full');
    tls.searchParams.set('sslrootcert', getInfra().postgres.caFile);
    await start(tls.toString());
    expect(await connections(true)).toBeGreaterThan(0);
    expect(await listeners(true)).toBe(1);
    expect(await connections(false)).toBe(0);
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    const plain = new URL(database.url);
    plain.searchParams.set('sslmode', 'disable');
    await start(plain.toString());
    expect(await connections(true)).toBe(0);
    expect(await listeners(false)).toBe(1);
    expect(await connections(false)).toBeGreaterThan(0);
  });
});
