#!/usr/bin/env node
// Writes completions/* from the built program (dist/): run `npm run build` first (`npm run completions` does).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { buildProgram } = require(path.join(root, 'dist/cli/program'));
const { createFactory } = require(path.join(root, 'dist/cli/factory'));
const { IOStreams } = require(path.join(root, 'dist/cli/io'));
const { completionScript, SCRIPT_FILES } = require(path.join(root, 'dist/cli/completion/generate'));

const sink = { write: () => true };
const io = new IOStreams({ stdout: sink, stderr: sink, isStdinTTY: false, isStdoutTTY: false, isStderrTTY: false, env: {} });
const program = buildProgram(createFactory({ io, env: {}, cwd: root, homedir: root }), require(path.join(root, 'package.json')).version);
const dir = path.join(root, 'completions');
fs.mkdirSync(dir, { recursive: true });
for (const [shell, file] of Object.entries(SCRIPT_FILES)) {
  const target = path.join(dir, file);
  const script = completionScript(shell, program);
  const before = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : null;
  fs.writeFileSync(target, script);
  process.stdout.write(`${before === script ? 'unchanged' : 'wrote'} completions/${file}\n`);
}
