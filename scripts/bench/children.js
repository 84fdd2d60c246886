'use strict';
// Long-running child processes the bench starts (serve, the bare fastify app): started here, stopped here by PID.
const { spawn } = require('node:child_process');

const running = new Map();

/**
 * Starts `node script args` and resolves once stdout has printed every pattern in `expect`
 * ({key: RegExp with one group}), with the captured groups. Output is kept in memory, never echoed (tokens).
 */
function startNode(label, script, args, { expect, cwd, env, timeoutMs = 20000 }) {
  const child = spawn(process.execPath, [script, ...args], { cwd, env: env || process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.set(child.pid, { label, child });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${label} printed no ${Object.keys(expect).join(' and ')} within ${timeoutMs} ms`)), timeoutMs);
    let done = false;
    const finish = (error, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      if (error) {
        stop(child.pid).finally(() => reject(error));
      } else resolve(value);
    };
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const found = {};
      for (const [key, pattern] of Object.entries(expect)) {
        const m = stdout.match(pattern);
        if (!m) return;
        found[key] = m[1];
      }
      finish(null, { pid: child.pid, ...found });
    });
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('exit', (code, signal) => {
      running.delete(child.pid);
      finish(new Error(`${label} exited (${signal || `code ${code}`}) before it was ready: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

/** TERM, then KILL if still alive after graceMs. */
function stop(pid, graceMs = 5000) {
  const entry = running.get(pid);
  if (!entry) return Promise.resolve();
  const { child } = entry;
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      running.delete(pid);
      resolve();
    });
    if (child.exitCode !== null || child.signalCode !== null) {
      clearTimeout(kill);
      running.delete(pid);
      return resolve();
    }
    child.kill('SIGTERM');
  });
}

const stopAll = () => Promise.all([...running.keys()].map((pid) => stop(pid)));

/** Last resort on a sudden exit: signal whatever is still running, synchronously. */
function killAllNow() {
  for (const { child } of running.values()) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

module.exports = { startNode, stop, stopAll, killAllNow };
