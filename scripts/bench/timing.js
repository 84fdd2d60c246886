'use strict';
// Wall-time measurement of whole commands: spawnSync + hrtime, warm-up runs discarded, medians reported.
const { spawnSync } = require('node:child_process');

const median = (values) => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

class CommandFailed extends Error {
  constructor(command, result) {
    const detail = result.error ? result.error.message : `exit ${result.status}${result.signal ? ` (${result.signal})` : ''}`;
    const stderr = String(result.stderr || '').trim().split('\n').slice(-3).join(' | ');
    super(`\`${command.label}\` failed: ${detail}${stderr ? `: ${stderr}` : ''}`);
    this.stdout = String(result.stdout || '');
  }
}

/** What ran, as a person would type it (node + bin/facetsctl shown as facetsctl). */
function commandLine(file, args) {
  const words = file === process.execPath ? ['node', ...args] : [file, ...args];
  if (words[0] === 'node' && /bin[/\\]facetsctl$/.test(words[1] || '')) words.splice(0, 2, 'facetsctl');
  return words.join(' ');
}

/**
 * Runs a command once and returns its wall time in ms.
 * command: {label, file, args, env?, cwd?, before?(i)} — before() prepares run i outside the timed span and may
 * return {args} to use for that run.
 */
function timeOnce(command, i) {
  const prepared = command.before ? command.before(i) || {} : {};
  const args = prepared.args || command.args;
  const start = process.hrtime.bigint();
  const result = spawnSync(command.file, args, {
    cwd: command.cwd,
    env: command.env || process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    timeout: command.timeoutMs || 120000,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error || result.status !== 0) throw new CommandFailed({ ...command, label: commandLine(command.file, args) }, result);
  if (command.after) command.after(i, String(result.stdout));
  return ms;
}

/**
 * Times a measured command against its baseline, interleaved run by run so that background load hits both alike.
 * Returns {baseline: {median, samples}, measured: {median, samples}} in ms.
 */
function compare(baseline, measured, { runs = 15, warmup = 3 } = {}) {
  const samples = { baseline: [], measured: [] };
  for (let i = 0; i < warmup + runs; i++) {
    const b = timeOnce(baseline, i);
    const m = timeOnce(measured, i);
    if (i >= warmup) {
      samples.baseline.push(b);
      samples.measured.push(m);
    }
  }
  return {
    baseline: { median: median(samples.baseline), samples: samples.baseline },
    measured: { median: median(samples.measured), samples: samples.measured },
  };
}

module.exports = { median, timeOnce, compare, CommandFailed };
