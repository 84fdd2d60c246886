'use strict';
// A private PostgreSQL for tests: Debian's binaries, initdb + postgres in DIR/postgres on a free 127.0.0.1 port,
// as an unprivileged user when run as root (postgres refuses root), password auth, TLS offered (self-signed for
// localhost and 127.0.0.1, its certificate recorded as caFile), no unix socket.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnDaemon, freePort, waitUntil, run, isAlive } = require('./infra-process');

const USERNAME = 'facets';
const UNPRIVILEGED = 'nobody';

/** The newest /usr/lib/postgresql/VERSION/bin that has initdb and postgres. */
function postgresBin() {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => path.join(root, v, 'bin')).find((bin) => fs.existsSync(path.join(bin, 'initdb')) && fs.existsSync(path.join(bin, 'postgres')));
  if (!found) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin; install Debian\'s postgresql package (scripts/setup-system.sh does)');
  return found;
}

/** {uid, gid} of the user the server runs as: ourselves, or `nobody` when we are root. */
function serverUser() {
  if (process.getuid() !== 0) return {};
  return { uid: Number(run('id', ['-u', UNPRIVILEGED])), gid: Number(run('id', ['-g', UNPRIVILEGED])) };
}

/** Whether `user` can walk down to `dir` (every parent searchable by others). */
function reachable(dir) {
  for (let parent = path.dirname(dir); ; parent = path.dirname(parent)) {
    if ((fs.statSync(parent).mode & 0o001) === 0) return false;
    if (parent === path.dirname(parent)) return true;
  }
}

/**
 * Where the cluster lives: DIR/postgres, DIR made searchable (o+x, not listable) for the unprivileged user; or, when a
 * parent of DIR is closed to it (a checkout under /root), a folder of the system's temp dir named after DIR.
 */
function postgresFolder(dir, as = serverUser()) {
  if (as.uid === undefined || reachable(dir)) return path.join(dir, 'postgres');
  return path.join(os.tmpdir(), `facetsctl-postgres-${crypto.createHash('sha256').update(dir).digest('hex').slice(0, 16)}`);
}

async function startPostgres(dir) {
  const bin = postgresBin();
  const as = serverUser();
  const folder = postgresFolder(dir, as);
  const data = path.join(folder, 'data');
  fs.rmSync(folder, { recursive: true, force: true }); // a cluster left by an earlier start in this DIR: start anew
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  if (as.uid !== undefined) {
    if (folder.startsWith(dir + path.sep)) fs.chmodSync(dir, fs.statSync(dir).mode | 0o001);
    fs.chownSync(folder, as.uid, as.gid);
  }
  const password = crypto.randomBytes(12).toString('hex');
  const passwordFile = path.join(folder, 'password');
  fs.writeFileSync(passwordFile, password, { mode: 0o600 });
  if (as.uid !== undefined) fs.chownSync(passwordFile, as.uid, as.gid);
  run(path.join(bin, 'initdb'), ['-D', data, '-U', USERNAME, '--pwfile', passwordFile, '--auth', 'scram-sha-256', '-E', 'UTF8', '--locale', 'C.UTF-8', '--no-instructions'], { ...as, cwd: folder });
  const cert = path.join(folder, 'server.crt');
  const key = path.join(folder, 'server.key');
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '7', '-keyout', key, '-out', cert, '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  fs.chmodSync(key, 0o600); // postgres refuses a key others can read
  if (as.uid !== undefined) for (const file of [cert, key]) fs.chownSync(file, as.uid, as.gid);
  const port = await freePort();
  const logFile = path.join(folder, 'postgres.log');
  fs.writeFileSync(logFile, '');
  const args = ['-D', data, '-h', '127.0.0.1', '-p', String(port), '-c', 'unix_socket_directories=', '-c', 'max_connections=200',
    '-c', 'ssl=on', '-c', `ssl_cert_file=${cert}`, '-c', `ssl_key_file=${key}`];
  const pid = spawnDaemon(dir, 'postgres', path.join(bin, 'postgres'), args, logFile, as, folder);
  await waitUntil('postgres', pid, logFile, async () => accepts(port));
  const url = `postgres://${USERNAME}:${password}@127.0.0.1:${port}/postgres`;
  return { url, host: '127.0.0.1', port, username: USERNAME, password, caFile: cert, pid, folder };
}

/** True when a server on 127.0.0.1:port accepts connections. */
function accepts(port) {
  try {
    run(path.join(postgresBin(), 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]);
    return true;
  } catch {
    return false;
  }
}

/** True when the recorded server is alive and accepts connections. */
const postgresAnswers = (record) => Boolean(record) && isAlive(record.pid) && accepts(record.port);

/** Removes the cluster's folder when it lives outside DIR (DIR's own is removed with DIR). */
function removePostgresFolder(dir) {
  const folder = postgresFolder(dir);
  if (!folder.startsWith(dir + path.sep)) fs.rmSync(folder, { recursive: true, force: true });
}

module.exports = { startPostgres, postgresAnswers, removePostgresFolder };
