// On a terminal, missing values are chosen from lists fetched live (embedded store, real registry, the real program in-process).
import crypto from 'node:crypto';
import { run } from '../../src/cli/main';
import { IOStreams } from '../../src/cli/io';
import type { Choice, Prompter } from '../../src/cli/prompter';
import { getInfra } from '../support/infra';
import { uploadImage } from '../support/registry-upload';
import { makeWorkspace, shopBlueprint, type Workspace } from './run-cli';

interface Question {
  kind: 'input' | 'select' | 'confirm' | 'password';
  message: string;
  choices?: string[];
}

/** Stands in for the person at the terminal: answers each question from a script and remembers what was asked. */
class TerminalUser implements Prompter {
  readonly asked: Question[] = [];
  constructor(private readonly answer: (q: Question) => string) {}
  async input(message: string): Promise<string> {
    return this.reply({ kind: 'input', message });
  }
  async password(message: string): Promise<string> {
    return this.reply({ kind: 'password', message });
  }
  async confirm(message: string): Promise<boolean> {
    return this.reply({ kind: 'confirm', message }) === 'yes';
  }
  async select<T extends string>(message: string, choices: Choice<T>[]): Promise<T> {
    const answer = this.reply({ kind: 'select', message, choices: choices.map((c) => c.value) }) as T;
    if (!choices.some((c) => c.value === answer)) throw new Error(`"${answer}" is not offered for "${message}": ${choices.map((c) => c.value).join(', ')}`);
    return answer;
  }
  private reply(q: Question): string {
    this.asked.push(q);
    return this.answer(q);
  }
}

async function attachOnTerminal(ws: Workspace, args: string[], user: TerminalUser) {
  let stdout = '';
  let stderr = '';
  const io = new IOStreams({
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    isStdinTTY: true,
    isStdoutTTY: true,
    isStderrTTY: false,
    env: { NO_COLOR: '1' },
  });
  const env = { HOME: ws.home, PATH: process.env.PATH, NO_COLOR: '1' };
  const code = await run(['attach', ...args], { io, env, cwd: ws.dir, homedir: ws.home, prompter: user });
  return { code, stdout, stderr };
}

const find = (user: TerminalUser, message: string) => user.asked.find((q) => q.message.startsWith(message));

describe('on a TTY, missing registry, repository and tag are chosen from lists fetched live', () => {
  const infra = () => getInfra().registries.open;
  let ws: Workspace;
  let repository: string;
  const digests: Record<string, string> = {};
  beforeAll(async () => {
    const open = infra();
    ws = makeWorkspace(
      shopBlueprint([
        { name: 'local', uri: open.host, insecure: true },
        { name: 'facets-config-auto', uri: `${open.host}/internal`, internal: true, insecure: true },
      ]),
    );
    repository = `attach/tty-${crypto.randomBytes(3).toString('hex')}`;
    for (const tag of ['1.0.0', '1.10.0', '1.9.0', 'latest']) {
      digests[tag] = (await uploadImage({ url: open.url }, repository, tag, [Buffer.from(`${tag}-${crypto.randomUUID()}`)])).digest;
    }
  });
  afterAll(() => ws?.remove());

  test('registries of the project without internal ones; repositories from the registry; tags newest first', async () => {
    const user = new TerminalUser((q) => {
      if (q.message === 'Attach') return 'A';
      if (q.message === 'Registry') return 'local';
      if (q.message.startsWith('Filter repositories')) return repository;
      if (q.message === 'Repository') return repository;
      if (q.message === 'Tag') return '1.9.0';
      throw new Error(`unexpected question ${q.message}`);
    });
    const r = await attachOnTerminal(ws, ['--service', 'checkout', '--environment', 'dev'], user);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    // The internal registry is not offered, which leaves one: taken without a question, and said.
    expect(find(user, 'Registry')).toBeUndefined();
    expect(r.stderr).toContain(`Registry: local (${infra().host}), the only one offered for manual attach`);
    expect(find(user, 'Repository')?.choices).toContain(repository);
    expect(find(user, 'Tag')?.choices).toEqual(['1.10.0', '1.9.0', '1.0.0', 'latest']);
    expect(r.stdout).toContain(`Attached ${infra().host}/${repository}:1.9.0@${digests['1.9.0']} to checkout in environment dev`);
    expect(r.stdout).toMatch(/revision\s+1/);
  });

  test('tags newest first by the build time of their image: an older tag with a higher version comes after a newer one', async () => {
    const dated = `${repository}-dated`;
    const created: Record<string, string> = { '2.0.0': '2023-03-01T00:00:00Z', '1.9.1': '2024-05-01T00:00:00Z', latest: '2025-01-01T00:00:00Z' };
    for (const [tag, time] of Object.entries(created)) await uploadImage({ url: infra().url }, dated, tag, [Buffer.from(`${dated}:${tag}`)], { created: time });
    const user = new TerminalUser((q) => {
      if (q.message === 'Tag') return '1.9.1';
      throw new Error(`unexpected question ${q.message}`);
    });
    const r = await attachOnTerminal(ws, ['-s', 'checkout', '-e', 'staging', '--registry', 'local', '--repository', dated], user);
    expect(r.code).toBe(0);
    expect(find(user, 'Tag')?.choices).toEqual(['latest', '1.9.1', '2.0.0']);
    expect(r.stdout).toContain(`${dated}:1.9.1@sha256:`);
  });

  test('a missing environment is chosen from the project\'s environments; option B asks for the full URI', async () => {
    const uri = `${infra().host}/${repository}:1.0.0`;
    const user = new TerminalUser((q) => {
      if (q.message === 'Environment') return 'staging';
      if (q.message === 'Attach') return 'B';
      if (q.message.startsWith('Image URI')) return uri;
      throw new Error(`unexpected question ${q.message}`);
    });
    const r = await attachOnTerminal(ws, ['-s', 'cart'], user);
    expect(r.code).toBe(0);
    expect(find(user, 'Environment')?.choices).toEqual(['dev', 'staging', 'production']);
    expect(r.stdout).toContain(`Attached ${uri}@${digests['1.0.0']} to cart in environment staging`);
  });

  test('type-to-filter: long lists ask for a filter first (again when nothing matches), then list what matches', async () => {
    const many = `${repository}-many`;
    const tags = Array.from({ length: 18 }, (_, i) => `2.${i}.0`);
    for (const tag of tags) await uploadImage({ url: infra().url }, many, tag, [Buffer.from(`${many}:${tag}`)]);
    const filters = ['rc', '2.1'];
    const user = new TerminalUser((q) => {
      if (q.message.startsWith('Filter tags')) return filters.shift()!;
      if (q.message === 'Tag') return '2.12.0';
      throw new Error(`unexpected question ${q.message}`);
    });
    // --yes: production is a prod environment, whose question is not what this test is about.
    const r = await attachOnTerminal(ws, ['--yes', '-s', 'checkout', '-e', 'production', '--registry', 'local', '--repository', many], user);
    expect(r.code).toBe(0);
    expect(user.asked.filter((q) => q.message.startsWith('Filter tags (18;'))).toHaveLength(2);
    expect(r.stderr).toContain('no tag matches "rc"');
    expect(find(user, 'Tag')?.choices).toEqual(['2.17.0', '2.16.0', '2.15.0', '2.14.0', '2.13.0', '2.12.0', '2.11.0', '2.10.0', '2.1.0']);
    expect(r.stdout).toContain(`${many}:2.12.0@sha256:`);
  });
});
