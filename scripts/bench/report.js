'use strict';
// The bench's table (stdout) and its JSON document (.bench/bench-results.json).
const fs = require('node:fs');
const path = require('node:path');

/** A figure: measured ÷ baseline from the same run, judged against an optional target ({max} or {min}). */
function figure({ name, unit, measured, baseline, baselineName, target = null, samples, notes }) {
  const ratio = measured / baseline;
  let status = 'info';
  if (target && target.max !== undefined) status = ratio <= target.max ? 'pass' : 'fail';
  if (target && target.min !== undefined) status = ratio >= target.min ? 'pass' : 'fail';
  return { name, status, unit, measured, baseline, baselineName, ratio, target, samples, notes };
}

const skipped = (name, reason, target = null) => ({ name, status: 'skipped', reason, target });
const failed = (name, error, target = null) => ({ name, status: 'error', reason: error && error.message ? error.message : String(error), target });

const formatValue = (value, unit) => (unit === 'ms' ? `${value.toFixed(1)} ms` : `${Math.round(value)} ${unit}`);
const formatTarget = (t) => (!t ? '-' : t.max !== undefined ? `<= ${t.max}` : `>= ${t.min}`);

function table(results) {
  const header = ['name', 'measured', 'baseline', 'ratio', 'target', 'result'];
  const rows = results.map((r) =>
    r.status === 'skipped' || r.status === 'error'
      ? [r.name, '-', '-', '-', formatTarget(r.target), r.status]
      : [r.name, formatValue(r.measured, r.unit), `${formatValue(r.baseline, r.unit)} (${r.baselineName})`, r.ratio.toFixed(3), formatTarget(r.target), r.status === 'info' ? 'n/a (no target)' : r.status],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  for (const r of results) {
    if (r.reason) out.push(`${r.name}: ${r.status}: ${r.reason}`);
    for (const note of r.notes || []) out.push(`${r.name}: ${note}`);
  }
  return out.join('\n');
}

function writeJson(file, document) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
}

module.exports = { figure, skipped, failed, table, writeJson };
