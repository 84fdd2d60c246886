// scripts/quickstart.sh against the test engine and registry: the commands it echoes paste back as they ran,
// no escape codes when its output is not a terminal, and each resolve prints its table once.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getInfra } from '../support/infra';
import { repoRoot } from './run-cli';

const infra = getInfra();
let dir: string;
let run: { code: number | null; output: string };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facetsctl-quickstart-'));
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    LANG: 'C.UTF-8',
    QUICKSTART_DIR: dir,
    DOCKER_HOST: infra.dockerHost,
    QUICKSTART_REGISTRY: infra.registries.open.host,
    QUICKSTART_IMAGE: infra.testImage,
  };
  run = await new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(repoRoot, 'scripts', 'quickstart.sh')], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The arguments bash reads from an echoed `$ facetsctl ...` line. */
function pasted(line: string): string[] {
  const out = spawnSync('bash', ['-c', `printf '%s\\0' ${line.slice('$ facetsctl '.length)}`], { encoding: 'utf8', cwd: dir });
  return out.stdout.split('\0').slice(0, -1);
}

test('the quickstart runs to the end', () => {
  expect(run.output).toContain('==> Done');
  expect(run.code).toBe(0);
});

test('its output is not a terminal: no escape codes', () => {
  expect(run.output).not.toContain('\x1b');
});

test('each echoed command, pasted back into a shell, gives the arguments it ran with', () => {
  const lines = run.output.split('\n').filter((l) => l.startsWith('$ facetsctl '));
  expect(lines.length).toBeGreaterThan(5);
  const attach = lines.find((l) => l.startsWith('$ facetsctl attach '))!;
  expect(pasted(attach)).toEqual(expect.arrayContaining(['--change-log', 'first production release']));
  const configure = lines.find((l) => l.startsWith('$ facetsctl ci configure '))!;
  expect(pasted(configure)).toEqual(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev', '--branch-rule', 'release/*=staging', '--promotion', 'dev,staging,production', '--deny-tag', 'latest']);
});

test('resolve prints its table once, not the same lines again after it', () => {
  const tables = run.output.split('\n').filter((l) => /^ENVIRONMENT\s+IMAGE\s+SOURCE\s+WHY$/.test(l));
  expect(tables).toHaveLength(2); // resolve, then resolve again after the attach
  expect(run.output).not.toMatch(/^(dev|staging|production): /m);
});
