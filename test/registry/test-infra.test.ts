import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { testInfraScript } from '../support/test-infra-script';
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

describe('the test set-up starts a private PostgreSQL on 127.0.0.1, never as root', () => {
  const infra = getInfra();
  const psql = (sqlText: string) =>
    execFileSync('psql', ['-X', '-At', '-h', infra.postgres.host, '-p', String(infra.postgres.port), '-U', infra.postgres.username, '-d', 'postgres', '-c', sqlText], {
      env: { ...process.env, PGPASSWORD: infra.postgres.password },
    }).toString().trim();

  test('it answers the recorded superuser with the recorded password', () => {
    expect(infra.postgres.url).toBe(`postgres://${infra.postgres.username}:${infra.postgres.password}@127.0.0.1:${infra.postgres.port}/postgres`);
    expect(psql('select rolsuper from pg_roles where rolname = current_user')).toBe('t');
  });

  test('a wrong password is refused', () => {
    expect(() => execFileSync('psql', ['-X', '-h', '127.0.0.1', '-p', String(infra.postgres.port), '-U', infra.postgres.username, '-d', 'postgres', '-c', 'select 1'], {
      env: { ...process.env, PGPASSWORD: 'wrong' }, stdio: 'pipe',
    })).toThrow(/password authentication failed/);
  });

  test('it offers TLS, verified against the recorded certificate for 127.0.0.1', () => {
    const conninfo = `host=127.0.0.1 port=${infra.postgres.port} user=${infra.postgres.username} dbname=postgres sslmode=verify-full sslrootcert=${infra.postgres.caFile}`;
    const ssl = execFileSync('psql', ['-X', '-At', conninfo, '-c', 'select ssl from pg_stat_ssl where pid = pg_backend_pid()'], { env: { ...process.env, PGPASSWORD: infra.postgres.password } });
    expect(ssl.toString().trim()).toBe('t');
  });

  test('stopped and started again in the same folder, it starts anew', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facetsctl-infra-'));
    try {
      const first = await testInfraScript.start({ dir, only: ['postgres'] });
      await testInfraScript.stop({ dir, rm: false });
      const second = await testInfraScript.start({ dir, only: ['postgres'] });
      expect(second.postgres.pid).not.toBe(first.postgres.pid);
      expect(second.postgres.password).not.toBe(first.postgres.password);
    } finally {
      await testInfraScript.stop({ dir, rm: true });
    }
  });

  test('a folder whose parent the unprivileged user cannot enter: the cluster lives in the temp dir, and stop --rm removes it', async () => {
    const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'facetsctl-closed-')); // mode 0700
    const dir = path.join(closed, 'infra');
    try {
      const started = await testInfraScript.start({ dir, only: ['postgres'] });
      const folder = started.postgres.folder;
      expect(folder.startsWith(dir)).toBe(process.getuid!() !== 0);
      expect(fs.existsSync(path.join(folder, 'data', 'PG_VERSION'))).toBe(true);
      const stopped = await testInfraScript.stop({ dir, rm: true });
      expect(stopped.map((s) => s.pid)).toEqual([started.postgres.pid]);
      expect(fs.existsSync(folder)).toBe(false);
    } finally {
      await testInfraScript.stop({ dir, rm: true });
      fs.rmSync(closed, { recursive: true, force: true });
    }
  });

  test('its server process does not run as root', () => {
    const status = fs.readFileSync(`/proc/${infra.postgres.pid}/status`, 'utf8');
    expect(Number(/^Uid:\s+(\d+)/m.exec(status)![1])).not.toBe(0);
  });
});
