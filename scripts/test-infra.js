#!/usr/bin/env node
'use strict';
// Real servers for tests: a private dockerd, docker-registry variants (open, basic, token, tls) and a PostgreSQL on 127.0.0.1.
// Usage: node scripts/test-infra.js start [--dir DIR] [--only dockerd,open,basic,token,tls,postgres]
//        node scripts/test-infra.js stop  [--dir DIR] [--rm]
// `start` prints DIR/infra.json's content and reuses a live set-up; `stop` stops by PID (TERM, then KILL).
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnDaemon, isAlive, stopRecorded, freePort, probe, waitUntil, run } = require('./lib/infra-process');
const { startPostgres, postgresAnswers, removePostgresFolder } = require('./lib/postgres');

const COMPONENTS = ['dockerd', 'open', 'basic', 'token', 'tls', 'postgres'];
const TEST_IMAGE = 'facetsctl-test/hello:1';
const TOKEN_SERVICE = 'facetsctl-test-registry';
const TOKEN_ISSUER = 'facetsctl-test-token-issuer';
const USERNAME = 'facets';

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const options = { command, dir: path.resolve(__dirname, '..', '.test-infra'), only: COMPONENTS, rm: false };
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--dir') options.dir = path.resolve(rest[++i]);
    else if (rest[i] === '--only') options.only = rest[++i].split(',').map((s) => s.trim()).filter(Boolean);
    else if (rest[i] === '--rm') options.rm = true;
    else throw new Error(`unknown option ${rest[i]}`);
  }
  const unknown = options.only.filter((name) => !COMPONENTS.includes(name));
  if (unknown.length) throw new Error(`unknown component(s) ${unknown.join(', ')}; choose from ${COMPONENTS.join(', ')}`);
  if (command !== 'start' && command !== 'stop') throw new Error('usage: test-infra.js start|stop [--dir DIR] [--only LIST] [--rm]');
  return options;
}

function selfSignedCertificate(folder, name, subjectAltName) {
  const cert = path.join(folder, `${name}.crt`);
  const key = path.join(folder, `${name}.key`);
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '7', '-keyout', key, '-out', cert, '-subj', `/CN=${name}`];
  if (subjectAltName) args.push('-addext', `subjectAltName=${subjectAltName}`);
  run('openssl', args);
  return { cert, key };
}

async function startDockerd(dir) {
  const root = path.join(dir, 'dockerd');
  fs.mkdirSync(root, { recursive: true });
  const socket = path.join(root, 'docker.sock');
  const configFile = path.join(root, 'daemon.json');
  // Without deprecated-key-path, dockerd 20.10 writes /etc/docker/key.json.
  fs.writeFileSync(configFile, JSON.stringify({ 'deprecated-key-path': path.join(root, 'key.json') }));
  const logFile = path.join(root, 'dockerd.log');
  const args = ['--iptables=false', '--ip6tables=false', '--bridge=none', '--storage-driver=vfs', '--host', `unix://${socket}`,
    '--data-root', path.join(root, 'root'), '--exec-root', path.join(root, 'exec'), '--pidfile', path.join(root, 'dockerd.pid'),
    '--config-file', configFile];
  const pid = spawnDaemon(dir, 'dockerd', 'dockerd', args, logFile);
  await waitUntil('dockerd', pid, logFile, async () => (await probe('http://docker/_ping', { socketPath: socket })) === 200);
  return { dockerHost: `unix://${socket}`, dockerdPid: pid };
}

/** Builds the test image with the legacy builder, offline: FROM scratch + one small file. */
async function buildTestImage(dir, dockerHost) {
  const Docker = require('dockerode');
  const docker = new Docker({ socketPath: dockerHost.replace(/^unix:\/\//, '') });
  const context = path.join(dir, 'test-image');
  fs.mkdirSync(context, { recursive: true });
  fs.writeFileSync(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\nLABEL org.opencontainers.image.title=facetsctl-test\n');
  fs.writeFileSync(path.join(context, 'hello.txt'), 'hello from the facetsctl test image\n');
  const stream = await docker.buildImage({ context, src: ['Dockerfile', 'hello.txt'] }, { t: TEST_IMAGE, rm: true });
  const events = await new Promise((resolve, reject) => docker.modem.followProgress(stream, (error, output) => (error ? reject(error) : resolve(output))));
  const failure = events.find((event) => event.error || event.errorDetail);
  if (failure) throw new Error(`building ${TEST_IMAGE} failed: ${failure.error || failure.errorDetail.message}`);
  await docker.getImage(TEST_IMAGE).inspect();
  return TEST_IMAGE;
}

/** Starts one docker-registry; retries on a fresh port if another process took the free one meanwhile. */
async function startRegistry(dir, name, configure) {
  const folder = path.join(dir, 'registries', name);
  fs.mkdirSync(path.join(folder, 'data'), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const extra = await configure(folder, host);
    const config = {
      version: 0.1,
      log: { level: 'info', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: path.join(folder, 'data') }, delete: { enabled: true } },
      http: { addr: host, secret: crypto.randomBytes(16).toString('hex'), ...(extra.http || {}) },
      ...(extra.auth ? { auth: extra.auth } : {}),
    };
    const configFile = path.join(folder, 'config.yml');
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2)); // JSON is YAML
    const logFile = path.join(folder, 'registry.log');
    const pid = spawnDaemon(dir, `registry-${name}`, 'docker-registry', ['serve', configFile], logFile);
    const url = `${extra.http && extra.http.tls ? 'https' : 'http'}://${host}`;
    try {
      const ca = extra.caFile ? fs.readFileSync(extra.caFile) : undefined;
      await waitUntil(`registry ${name}`, pid, logFile, async () => [200, 401].includes(await probe(`${url}/v2/`, { ca })));
      return { url, host, pid, ...extra.record };
    } catch (error) {
      if (attempt >= 3 || isAlive(pid)) throw error;
    }
  }
}

const REGISTRIES = {
  open: (dir) => startRegistry(dir, 'open', async () => ({})),
  basic: (dir) => {
    const password = crypto.randomBytes(12).toString('hex');
    return startRegistry(dir, 'basic', async (folder) => {
      const file = path.join(folder, 'htpasswd');
      fs.writeFileSync(file, run('htpasswd', ['-Bbn', USERNAME, password]));
      return { auth: { htpasswd: { realm: 'facetsctl-test', path: file } }, record: { username: USERNAME, password } };
    });
  },
  token: async (dir) => {
    const password = crypto.randomBytes(12).toString('hex');
    const folder = path.join(dir, 'registries', 'token');
    fs.mkdirSync(folder, { recursive: true });
    const signing = selfSignedCertificate(folder, 'token-signer');
    const passwordFile = path.join(folder, 'token-password');
    fs.writeFileSync(passwordFile, password, { mode: 0o600 });
    const tokenPort = await freePort();
    const realm = `http://127.0.0.1:${tokenPort}/token`;
    const logFile = path.join(folder, 'token-server.log');
    const tokenServerPid = spawnDaemon(dir, 'token-server', process.execPath, [path.join(__dirname, 'token-server.js'), '--port', String(tokenPort),
      '--key', signing.key, '--cert', signing.cert, '--issuer', TOKEN_ISSUER, '--service', TOKEN_SERVICE, '--username', USERNAME, '--password-file', passwordFile], logFile);
    await waitUntil('token server', tokenServerPid, logFile, async () => (await probe(realm)) === 200);
    return startRegistry(dir, 'token', async () => ({
      auth: { token: { realm, service: TOKEN_SERVICE, issuer: TOKEN_ISSUER, rootcertbundle: signing.cert } },
      record: { username: USERNAME, password, realm, service: TOKEN_SERVICE, tokenServerPid },
    }));
  },
  tls: (dir) => {
    const folder = path.join(dir, 'registries', 'tls');
    fs.mkdirSync(folder, { recursive: true });
    const { cert, key } = selfSignedCertificate(folder, 'localhost', 'DNS:localhost,IP:127.0.0.1');
    return startRegistry(dir, 'tls', async () => ({ http: { tls: { certificate: cert, key } }, caFile: cert, record: { caFile: cert } }));
  },
};

function infraFile(dir) {
  return path.join(dir, 'infra.json');
}

/** The recorded set-up, when it covers `only` and every process still answers. */
async function reusable(dir, only) {
  let infra;
  try {
    infra = JSON.parse(fs.readFileSync(infraFile(dir), 'utf8'));
  } catch {
    return undefined;
  }
  try {
    if (only.includes('dockerd')) {
      if (!isAlive(infra.dockerdPid)) return undefined;
      if ((await probe('http://docker/_ping', { socketPath: infra.dockerHost.replace(/^unix:\/\//, '') })) !== 200) return undefined;
    }
    if (only.includes('postgres') && !postgresAnswers(infra.postgres)) return undefined;
    for (const name of only.filter((n) => n !== 'dockerd' && n !== 'postgres')) {
      const registry = infra.registries && infra.registries[name];
      if (!registry || !isAlive(registry.pid) || (registry.tokenServerPid && !isAlive(registry.tokenServerPid))) return undefined;
      const ca = registry.caFile ? fs.readFileSync(registry.caFile) : undefined;
      if (![200, 401].includes(await probe(`${registry.url}/v2/`, { ca }))) return undefined;
    }
  } catch {
    return undefined;
  }
  return infra;
}

async function start({ dir, only }) {
  const existing = await reusable(dir, only);
  if (existing) return existing;
  await stop({ dir, rm: false }); // leftovers of a half-dead set-up
  fs.mkdirSync(dir, { recursive: true });
  const infra = { dir, startedAt: new Date().toISOString(), components: only, registries: {} };
  try {
    const engine = only.includes('dockerd')
      ? startDockerd(dir).then(async (started) => Object.assign(infra, started, { testImage: await buildTestImage(dir, started.dockerHost) }))
      : Promise.resolve();
    const registries = only.filter((name) => name in REGISTRIES).map(async (name) => {
      infra.registries[name] = await REGISTRIES[name](dir);
    });
    const postgres = only.includes('postgres') ? startPostgres(dir).then((started) => (infra.postgres = started)) : Promise.resolve();
    const results = await Promise.allSettled([engine, ...registries, postgres]);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    await stop({ dir, rm: false });
    throw error;
  }
  fs.writeFileSync(infraFile(dir), JSON.stringify(infra, null, 2), { mode: 0o600 });
  return infra;
}

async function stop({ dir, rm }) {
  const stopped = await stopRecorded(dir);
  fs.rmSync(infraFile(dir), { force: true });
  if (rm) {
    fs.rmSync(dir, { recursive: true, force: true });
    removePostgresFolder(dir);
  }
  return stopped;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.command === 'start') {
    const infra = await start(options);
    process.stdout.write(`${JSON.stringify(infra, null, 2)}\n`);
  } else {
    const stopped = await stop(options);
    process.stdout.write(`${JSON.stringify({ dir: options.dir, stopped })}\n`);
  }
}

module.exports = { start, stop, reusable, infraFile, COMPONENTS, TEST_IMAGE };

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`test-infra: ${error.message}\n`);
    process.exit(1);
  });
}
