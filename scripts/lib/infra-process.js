'use strict';
// Process plumbing for scripts/test-infra.js: daemons in their own session, PID files, probes, stop by PID.
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const path = require('node:path');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function pidsDir(dir) {
  return path.join(dir, 'pids');
}

/**
 * Starts `command` detached (own session and process group), logs to `logFile`, records DIR/pids/NAME.pid.
 * `as` ({uid, gid}) runs it as another user, e.g. a server that refuses root. `owner` is what its command line names
 * when that is not DIR (recorded in DIR/pids/NAME.owner), so that stop still recognises it.
 */
function spawnDaemon(dir, name, command, args, logFile, as = {}, owner = dir) {
  fs.mkdirSync(pidsDir(dir), { recursive: true });
  const log = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log], ...as });
  fs.closeSync(log);
  child.on('error', () => {}); // reported by the readiness wait, with the log file
  child.unref();
  if (child.pid === undefined) throw new Error(`cannot start ${command}: not installed or not executable (see ${logFile})`);
  fs.writeFileSync(path.join(pidsDir(dir), `${name}.pid`), String(child.pid));
  if (owner !== dir) fs.writeFileSync(path.join(pidsDir(dir), `${name}.owner`), owner);
  return child.pid;
}

/** Alive = exists and is not a zombie (PID 1 in a container may never reap our orphans). */
function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** True when PID's command line mentions DIR, so a recycled PID is never killed. */
function belongsTo(pid, dir) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(dir);
  } catch {
    return false;
  }
}

function signal(pid, sig) {
  try {
    process.kill(-pid, sig); // the whole group: dockerd's containerd goes too
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

/** TERM, wait up to graceMs, then KILL. Resolves true when the process is gone. */
async function stopPid(pid, graceMs = 15000) {
  if (!isAlive(pid)) return true;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  signal(pid, 'SIGKILL');
  for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
  return !isAlive(pid);
}

/** Stops every process recorded under DIR/pids whose command line mentions DIR; returns what it stopped. */
async function stopRecorded(dir) {
  const folder = pidsDir(dir);
  if (!fs.existsSync(folder)) return [];
  const names = fs.readdirSync(folder).filter((file) => file.endsWith('.pid'));
  // Registries and token server first, the engine last: it takes longest.
  names.sort((a, b) => (a === 'dockerd.pid') - (b === 'dockerd.pid'));
  const stopped = [];
  await Promise.all(
    names.map(async (file) => {
      const pid = Number(fs.readFileSync(path.join(folder, file), 'utf8').trim());
      const ownerFile = path.join(folder, file.replace(/\.pid$/, '.owner'));
      const owner = fs.existsSync(ownerFile) ? fs.readFileSync(ownerFile, 'utf8') : dir;
      if (isAlive(pid) && belongsTo(pid, owner)) {
        if (!(await stopPid(pid))) throw new Error(`process ${pid} (${file}) did not stop`);
        stopped.push({ name: file.replace(/\.pid$/, ''), pid });
      }
      fs.rmSync(path.join(folder, file), { force: true });
      fs.rmSync(ownerFile, { force: true });
    }),
  );
  return stopped;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One HTTP GET; resolves the status code, rejects on a connection error or after timeoutMs. */
function probe(url, { socketPath, ca, timeoutMs = 2000 } = {}) {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const req = client.get(target, { socketPath, ca, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Polls until `check()` resolves true; fails early when the daemon died, naming its log. */
async function waitUntil(what, pid, logFile, check, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) throw new Error(`${what} exited during start-up; log ${logFile}:\n${tail(logFile)}`);
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(100);
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms (${lastError ? lastError.message : 'no answer'}); log ${logFile}:\n${tail(logFile)}`);
}

function tail(file, lines = 15) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function run(command, args, options = {}) {
  return execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options }).toString('utf8');
}

module.exports = { sleep, spawnDaemon, isAlive, belongsTo, stopPid, stopRecorded, freePort, probe, waitUntil, run };
