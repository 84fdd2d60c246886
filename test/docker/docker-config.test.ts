// Registry credentials from DOCKER_CONFIG / ~/.docker/config.json: auths, credsStore, credHelpers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dockerConfigCredentials, dockerConfigPath, registryHostKey } from '../../src/registry/docker-config';

let home: string;
let bin: string;
const env = (extra: Record<string, string> = {}) => ({ PATH: `${bin}:${process.env.PATH}`, ...extra });

function writeConfig(config: unknown, dir = path.join(home, '.docker')): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
}

/** A credential helper speaking docker's protocol: `get` with the server on stdin; it records what it was given. */
function writeHelper(name: string, store: Record<string, { Username: string; Secret: string }>): string {
  const log = path.join(home, `${name}.log`);
  const program = path.join(bin, `docker-credential-${name}`);
  fs.writeFileSync(
    program,
    `#!/usr/bin/env node
const fs = require('fs');
const store = ${JSON.stringify(store)};
const server = fs.readFileSync(0, 'utf8');
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2), server }) + '\\n');
if (process.argv[2] !== 'get') process.exit(3);
if (!store[server]) { process.stdout.write('credentials not found in native keychain\\n'); process.exit(1); }
process.stdout.write(JSON.stringify({ ServerURL: server, ...store[server] }));
`,
    { mode: 0o755 },
  );
  return log;
}

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'facetsctl-docker-config-'));
  bin = path.join(home, 'bin');
  fs.mkdirSync(bin);
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

describe('the docker config is DOCKER_CONFIG/config.json, else ~/.docker/config.json', () => {
  test.each([
    [{}, (h: string) => path.join(h, '.docker', 'config.json')],
    [{ DOCKER_CONFIG: '/etc/custom-docker' }, () => '/etc/custom-docker/config.json'],
  ])('%j', (e, expected) => expect(dockerConfigPath(e, home)).toBe(expected(home)));

  test('DOCKER_CONFIG wins over the home folder', async () => {
    writeConfig({ auths: { 'reg.example:5000': { auth: Buffer.from('home:secret').toString('base64') } } });
    writeConfig({ auths: { 'reg.example:5000': { auth: Buffer.from('custom:secret').toString('base64') } } }, path.join(home, 'custom'));
    await expect(dockerConfigCredentials('reg.example:5000', { env: env({ DOCKER_CONFIG: path.join(home, 'custom') }), homedir: home })).resolves.toEqual({ username: 'custom', password: 'secret' });
  });
});

describe('registry keys match however docker login wrote them', () => {
  test.each([
    ['127.0.0.1:5000', '127.0.0.1:5000'],
    ['http://127.0.0.1:5000', '127.0.0.1:5000'],
    ['https://127.0.0.1:5000/v2/', '127.0.0.1:5000'],
    ['https://index.docker.io/v1/', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['GHCR.IO', 'ghcr.io'],
  ])('%s -> %s', (key, host) => expect(registryHostKey(key)).toBe(host));
});

describe('auths: base64 "user:pass", or username/password, or identitytoken', () => {
  test.each([
    [{ auth: Buffer.from('alice:p@ss:word').toString('base64') }, { username: 'alice', password: 'p@ss:word' }],
    [{ username: 'bob', password: 'pw' }, { username: 'bob', password: 'pw' }],
    [{ identitytoken: 'refresh-token' }, { identityToken: 'refresh-token' }],
  ])('%j', async (entry, expected) => {
    writeConfig({ auths: { 'https://reg.example:5000/v2/': entry } });
    await expect(dockerConfigCredentials('reg.example:5000', { env: env(), homedir: home })).resolves.toEqual(expected);
  });

  test('no entry for the host, or no config at all: no credentials', async () => {
    await expect(dockerConfigCredentials('reg.example:5000', { env: env(), homedir: home })).resolves.toBeNull();
    writeConfig({ auths: { 'other.example': { auth: Buffer.from('a:b').toString('base64') } } });
    await expect(dockerConfigCredentials('reg.example:5000', { env: env(), homedir: home })).resolves.toBeNull();
  });

  test('a broken config is a USAGE error naming the file', async () => {
    fs.mkdirSync(path.join(home, '.docker'));
    fs.writeFileSync(path.join(home, '.docker', 'config.json'), '{ not json');
    await expect(dockerConfigCredentials('x', { env: env(), homedir: home })).rejects.toMatchObject({ kind: 'USAGE', message: expect.stringContaining(path.join(home, '.docker', 'config.json')) });
  });
});

describe('credHelpers and credsStore run docker-credential-<helper> get with the server on stdin, never in argv', () => {
  test('credHelpers for the host wins over credsStore and auths', async () => {
    const log = writeHelper('perhost', { 'reg.example:5000': { Username: 'ci', Secret: 's3cret' } });
    writeHelper('store', { 'reg.example:5000': { Username: 'store', Secret: 'x' } });
    writeConfig({ credHelpers: { 'reg.example:5000': 'perhost' }, credsStore: 'store', auths: { 'reg.example:5000': { auth: Buffer.from('a:b').toString('base64') } } });
    await expect(dockerConfigCredentials('reg.example:5000', { env: env(), homedir: home })).resolves.toEqual({ username: 'ci', password: 's3cret' });
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(calls).toEqual([{ argv: ['get'], server: 'reg.example:5000' }]);
  });

  test('credsStore answers; a "<token>" user is an identity token', async () => {
    writeHelper('store', { 'reg.example:5000': { Username: '<token>', Secret: 'refresh' } });
    writeConfig({ credsStore: 'store' });
    await expect(dockerConfigCredentials('reg.example:5000', { env: env(), homedir: home })).resolves.toEqual({ identityToken: 'refresh' });
  });

  test('Docker Hub is asked for as https://index.docker.io/v1/', async () => {
    const log = writeHelper('store', { 'https://index.docker.io/v1/': { Username: 'hub', Secret: 'pw' } });
    writeConfig({ credsStore: 'store' });
    await expect(dockerConfigCredentials('docker.io', { env: env(), homedir: home })).resolves.toEqual({ username: 'hub', password: 'pw' });
    expect(fs.readFileSync(log, 'utf8')).toContain('https://index.docker.io/v1/');
  });

  test('credsStore without the host falls back to auths', async () => {
    writeHelper('store', {});
    writeConfig({ credsStore: 'store', auths: { 'reg.example:5000': { auth: Buffer.from('a:b').toString('base64') } } });
    await expect(dockerConfigCredentials('reg.example:5000', { env: env(), homedir: home })).resolves.toEqual({ username: 'a', password: 'b' });
  });

  test('a helper that is not installed is a USAGE error naming it', async () => {
    writeConfig({ credsStore: 'not-installed-anywhere' });
    await expect(dockerConfigCredentials('reg.example:5000', { env: env(), homedir: home })).rejects.toMatchObject({
      kind: 'USAGE',
      message: expect.stringContaining('docker-credential-not-installed-anywhere'),
    });
  });

  test('a helper name that is not a plain program name is refused (no shell, no paths)', async () => {
    writeConfig({ credsStore: '../../bin/sh' });
    await expect(dockerConfigCredentials('reg.example:5000', { env: env(), homedir: home })).rejects.toMatchObject({ kind: 'USAGE' });
  });
});
