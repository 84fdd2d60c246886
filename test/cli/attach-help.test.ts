// attach, detach and history: help with real examples, and --help loads none of the heavy modules.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { MAIN, makeWorkspace, type Workspace } from './run-cli';

const HEAVY = ['axios', 'fastify', 'dockerode', 'better-sqlite3', 'kysely', 'inquirer', 'ora', 'chalk', 'yaml'];

describe.each([['attach'], ['detach'], ['history']])('facetsctl %s --help', (command) => {
  let ws: Workspace;
  beforeAll(() => {
    ws = makeWorkspace();
  });
  afterAll(() => ws.remove());

  test('shows "Examples:" with facetsctl command lines', async () => {
    const r = await ws.run([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Examples:\\n(\\s+\\$ facetsctl .*${command}.*\\n)+`));
    expect(r.stderr).toBe('');
  });

  test('loads only commander and the command definitions', () => {
    const record = path.join(ws.dir, `modules-${command}.txt`);
    const r = spawnSync(process.execPath, ['--require', path.join(__dirname, 'fixtures', 'record-modules.js'), MAIN, command, '--help'], {
      env: { PATH: process.env.PATH, HOME: ws.home, RECORD_MODULES_FILE: record },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const loaded = fs.readFileSync(record, 'utf8').split('\n');
    expect(loaded.some((m) => m.includes(`${path.sep}commands${path.sep}${command}.js`))).toBe(true);
    const offending = loaded.filter((m) => HEAVY.some((h) => m.includes(`node_modules${path.sep}${h}${path.sep}`)) || /dist\/(api|controlplane|docker|registry)\//.test(m));
    expect(offending).toEqual([]);
  });
});
