// The files `render` reads (FILE, DIR walked in order, - for stdin) and writes (--output-dir, whole files or none).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { usage } from '../core/errors';

export interface RenderInput {
  /** As shown in messages: the path as given (joined under a DIR), or "<stdin>". */
  name: string;
  /** Where it goes under --output-dir: the path below the DIR given, or the file's base name. */
  relative: string | null;
  text: string;
  /** Valid UTF-8 is rendered as text; anything else byte for byte as latin1, so no byte is ever changed. */
  encoding: 'utf8' | 'latin1';
}

export const STDIN = '<stdin>';

function decode(name: string, relative: string | null, bytes: Buffer): RenderInput {
  const text = bytes.toString('utf8');
  const utf8 = Buffer.from(text, 'utf8').equals(bytes);
  return { name, relative, text: utf8 ? text : bytes.toString('latin1'), encoding: utf8 ? 'utf8' : 'latin1' };
}

/** Regular files below `dir`, sorted, hidden ones (.git, .terraform...) left out. */
function walk(dir: string, below = ''): string[] {
  const entries = fs.readdirSync(path.join(dir, below), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return entries.flatMap((e) => {
    if (e.name.startsWith('.')) return [];
    const rel = below ? path.join(below, e.name) : e.name;
    if (e.isDirectory()) return walk(dir, rel);
    return e.isFile() || fs.statSync(path.join(dir, rel)).isFile() ? [rel] : [];
  });
}

function read(file: string, shown: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw usage(`cannot read ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'name files you can read', { path: shown });
  }
}

export async function readRenderInputs(args: string[], cwd: string, readStdin: () => Promise<string>): Promise<RenderInput[]> {
  if (args.length === 0) throw usage('render needs at least one FILE, DIR or - (standard input)', 'e.g. `facetsctl render -e staging k8s/` or `... render -e staging - < deployment.yaml`');
  const inputs: RenderInput[] = [];
  for (const arg of args) {
    if (arg === '-') {
      if (inputs.some((i) => i.name === STDIN)) throw usage('- (standard input) is named twice');
      inputs.push(decode(STDIN, null, Buffer.from(await readStdin(), 'utf8')));
      continue;
    }
    const full = path.resolve(cwd, arg);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      throw usage(`${arg}: no such file or directory`, 'name a file, a directory or - (standard input)', { path: arg });
    }
    if (stat.isDirectory()) {
      const files = walk(full);
      if (files.length === 0) throw usage(`${arg}: the directory has no files to render`, 'name a directory with manifests, values or .tfvars files', { path: arg });
      for (const rel of files) inputs.push(decode(path.join(arg, rel), rel, read(path.join(full, rel), path.join(arg, rel))));
    } else inputs.push(decode(arg, path.basename(arg), read(full, arg)));
  }
  return inputs;
}

/** Several YAML files on stdout are one stream of documents (`kubectl apply -f -`): a `---` line between files. */
export function yamlStream(files: Array<{ name: string; bytes: Buffer }>): Buffer {
  const notYaml = files.filter((f) => !/\.ya?ml$/i.test(f.name));
  if (files.length > 1 && notYaml.length > 0) {
    throw usage(`${notYaml[0].name} is not a YAML file: only YAML files (.yaml, .yml) go to standard output together`, 'pass --output-dir DIR to write each file, or render one file at a time');
  }
  const parts = files.flatMap((f, i) => {
    const last = i === files.length - 1;
    const newline = !last && f.bytes.length > 0 && f.bytes[f.bytes.length - 1] !== 0x0a ? [Buffer.from('\n')] : [];
    return [f.bytes, ...newline, ...(last ? [] : [Buffer.from('---\n')])];
  });
  return Buffer.concat(parts);
}

/** A file system refusal (permissions, a file where a folder should be) as a usage error naming the path. */
function cannot(what: string, target: string, e: unknown): never {
  const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  throw usage(`cannot ${what} ${target}: ${reason}`, 'pick an --output-dir you can write to (an existing folder, or none yet)', { path: target });
}

function isFolder(target: string): boolean {
  try {
    return fs.statSync(target).isDirectory();
  } catch {
    return false;
  }
}

/** Every file written aside first, then all renamed: a failed render, or a failed write, leaves no output file. */
export function writeOutputs(dir: string, files: Array<{ relative: string; bytes: Buffer }>): string[] {
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.relative)) throw usage(`two inputs would both be written to ${path.join(dir, f.relative)}`, 'render them into different --output-dir folders');
    seen.add(f.relative);
    const target = path.join(dir, f.relative);
    if (isFolder(target)) throw usage(`cannot write ${target}: a folder is there`, 'pick another --output-dir, or move that folder away', { path: target });
  }
  const temps: Array<{ temp: string; target: string }> = [];
  try {
    for (const f of files) {
      const target = path.join(dir, f.relative);
      try {
        fs.mkdirSync(path.dirname(target), { recursive: true });
      } catch (e) {
        cannot('create the folder', path.dirname(target), e);
      }
      const temp = `${target}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(temp, f.bytes);
      } catch (e) {
        cannot('write', target, e);
      }
      temps.push({ temp, target });
    }
  } catch (e) {
    for (const t of temps) fs.rmSync(t.temp, { force: true });
    throw e;
  }
  temps.forEach((t, i) => {
    try {
      fs.renameSync(t.temp, t.target);
    } catch (e) {
      for (const rest of temps.slice(i)) fs.rmSync(rest.temp, { force: true });
      cannot('write', t.target, e);
    }
  });
  return temps.map((t) => t.target);
}
