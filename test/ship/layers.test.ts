// Imports point down only: every import, re-export, require() and import() type in src/ is read and checked against
// the layers of README "Development" (cli -> workflow -> api -> controlplane | registry | docker -> core).
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SRC = path.resolve(__dirname, '..', '..', 'src');

/** What each folder of src/ may import besides itself; src/types (declarations for untyped packages) is open to all. */
const MAY_IMPORT: Record<string, string[]> = {
  cli: ['workflow', 'api', 'controlplane', 'registry', 'docker', 'core'],
  workflow: ['api', 'registry', 'docker', 'core'],
  api: ['controlplane', 'registry', 'docker', 'core'],
  controlplane: ['core'],
  registry: ['core'],
  docker: ['core'],
  core: [],
};

/** src/core is pure: Node's built-ins without I/O only, and no package. */
const CORE_BUILTINS = ['node:crypto', 'node:util', 'node:buffer', 'node:url', 'node:path', 'node:assert'];

/** Every module specifier a file names (import/export ... from, import 'x', require('x'), import('x')), as tsc reads them. */
function specifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** The top-level folder of src/ a file is in ("cli", "core", ...). */
function layerOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0];
}

/** "src/a/b.ts imports src/c (../../c/d)" for each import that does not point down; [] when all do. */
function upwardImports(files: Array<{ file: string; text: string }>): string[] {
  const problems: string[] = [];
  for (const { file, text } of files) {
    const from = layerOf(file);
    const allowed = MAY_IMPORT[from];
    if (allowed === undefined) continue;
    for (const spec of specifiers(text)) {
      const where = path.relative(path.dirname(SRC), file);
      if (!spec.startsWith('.')) {
        if (from === 'core' && !CORE_BUILTINS.includes(spec)) problems.push(`${where} imports ${spec}: src/core is pure (no I/O, no packages)`);
        continue;
      }
      const to = layerOf(path.resolve(path.dirname(file), spec));
      if (to !== from && to !== 'types' && !allowed.includes(to)) problems.push(`${where} imports src/${to} (${spec}): src/${from} may import ${allowed.map((l) => `src/${l}`).join(', ') || 'only itself'}`);
    }
  }
  return problems;
}

describe('imports point down only', () => {
  const files = sourceFiles(SRC).map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));

  test('every folder of src/ has its place in the layers', () => {
    const folders = fs.readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => f !== 'types' && !(f in MAY_IMPORT))).toEqual([]);
  });

  test('no module in src/ imports a layer above its own, and src/core imports no I/O', () => {
    expect(upwardImports(files)).toEqual([]);
  });

  test('the commands reach the workflow, and nothing below src/cli imports it', () => {
    const importsWorkflow = (layer: string) =>
      files.filter(({ file, text }) => layerOf(file) === layer && specifiers(text).some((s) => s.startsWith('.') && layerOf(path.resolve(path.dirname(file), s)) === 'workflow'));
    expect(importsWorkflow('cli').length).toBeGreaterThan(0);
    for (const below of ['api', 'controlplane', 'registry', 'docker', 'core']) expect(importsWorkflow(below)).toEqual([]);
  });

  describe('the check itself', () => {
    const file = (relative: string, text: string) => ({ file: path.join(SRC, relative), text });

    test.each([
      ['src/api imports src/workflow', file('api/x.ts', "import { registerImage } from '../workflow/register';")],
      ['src/workflow imports src/cli (a type)', file('workflow/x.ts', "import type { Factory } from '../cli/factory';")],
      ['src/docker requires src/registry', file('docker/x.ts', "const { RegistryClient } = require('../registry/client');")],
      ['src/core re-exports src/api', file('core/x.ts', "export type * from '../api/control-plane';")],
      ['src/registry names src/workflow in import()', file('registry/x.ts', "type T = typeof import('../workflow/push');")],
      ['src/core imports node:fs', file('core/x.ts', "import fs from 'node:fs';")],
      ['src/core imports axios', file('core/x.ts', "import axios from 'axios';")],
    ['src/controlplane requires src/api lazily', file('controlplane/x.ts', "const f = () => (require('../api/factory') as typeof import('../api/factory')).createControlPlane;")],
    ])('%s is reported', (_name, f) => {
      expect(upwardImports([f])).not.toEqual([]);
    });

    test.each([
      ['src/cli imports src/workflow', file('cli/x.ts', "import { pushAndRegister } from '../workflow/push-and-register';")],
      ['src/workflow imports src/api, src/docker, src/registry and src/core', file('workflow/x.ts', "import type { ControlPlane } from '../api/control-plane';\nimport type { ImageEngine } from '../docker/engine';\nconst r = require('../registry/docker-config');\nimport { usage } from '../core/errors';")],
      ['src/core imports node:crypto', file('core/x.ts', "import { randomBytes } from 'node:crypto';")],
      ['a package outside src/core', file('registry/x.ts', "import axios from 'axios';")],
      ['a string that only looks like an import', file('core/x.ts', "const hint = `import the file from '../cli/x'`;")],
    ])('%s is allowed', (_name, f) => {
      expect(upwardImports([f])).toEqual([]);
    });
  });
});
