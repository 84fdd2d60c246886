// The parsed blueprint is kept beside the state database, keyed by the file (path, inode, size, times) and by the
// code that parsed it: an unchanged facets.yaml is not parsed again, any change to it is.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadBlueprint } from '../../src/controlplane/blueprint';
import { BLUEPRINT_CACHE_FILE, blueprintCachePath, loadBlueprintCached, RACY_MS } from '../../src/controlplane/blueprint-cache';
import { makeWorkspace, shopBlueprint, type Workspace } from '../cli/run-cli';

let dir: string;
let file: string;
let cacheFile: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facetsctl-blueprint-cache-'));
  file = path.join(dir, 'facets.yaml');
  cacheFile = path.join(dir, '.facets', BLUEPRINT_CACHE_FILE);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(text: string): void {
  fs.writeFileSync(file, text);
}

/** A clock past RACY_MS after any write here: a file edited just now is never cached. */
const later = () => Date.now() + RACY_MS + 1000;

const cached = () => JSON.parse(fs.readFileSync(cacheFile, 'utf8'));

describe('an unchanged blueprint is answered from the cache, equal to a fresh parse', () => {
  test('the first load writes the cache; the next is served from it', () => {
    write(shopBlueprint([{ name: 'open', uri: '127.0.0.1:5000', insecure: true }], 'ci:\n  registrationType: ENVIRONMENT\n  branchRules: {main: dev}\n'));
    const first = loadBlueprintCached(file, cacheFile, later);
    expect(first).toEqual(loadBlueprint(file));
    expect(cached().blueprint).toEqual(first);
    // Proof that the second load reads the cache: a marker put into it (same key) comes back.
    const doc = cached();
    doc.blueprint.project.name = 'from-the-cache';
    fs.writeFileSync(cacheFile, JSON.stringify(doc));
    expect(loadBlueprintCached(file, cacheFile, later).project.name).toBe('from-the-cache');
  });
});

describe('any change to the file is parsed again', () => {
  test.each([
    ['a service added (new size)', (t: string) => t.replace('  - {name: cart}', '  - {name: cart}\n  - {name: search}')],
    ['same size, other content, an older mtime put back', (t: string) => t.replace('name: cart', 'name: cArt')],
  ])('%s', (_case, edit) => {
    const text = shopBlueprint();
    write(text);
    loadBlueprintCached(file, cacheFile, later);
    expect(fs.existsSync(cacheFile)).toBe(true);
    const stat = fs.statSync(file);
    fs.writeFileSync(file, edit(text));
    // Even with the old mtime restored, ctime (which no one can set back) changed.
    fs.utimesSync(file, stat.atime, stat.mtime);
    expect(loadBlueprintCached(file, cacheFile, later)).toEqual(loadBlueprint(file));
  });

  test('a file replaced by another (new inode, editors save so) is parsed again', () => {
    write(shopBlueprint());
    loadBlueprintCached(file, cacheFile, later);
    const other = path.join(dir, 'other.yaml');
    fs.writeFileSync(other, shopBlueprint().replace('project: shop', 'project: shoq'));
    fs.renameSync(other, file);
    expect(loadBlueprintCached(file, cacheFile, later).project.name).toBe('shoq');
  });

  test(`a file changed less than ${RACY_MS} ms ago is parsed but not cached (a second change in the same clock tick could not be told apart)`, () => {
    write(shopBlueprint());
    loadBlueprintCached(file, cacheFile, () => Date.now());
    expect(fs.existsSync(cacheFile)).toBe(false);
    loadBlueprintCached(file, cacheFile, later);
    expect(fs.existsSync(cacheFile)).toBe(true);
  });

  test('an invalid blueprint is never cached, and its error is the parser\'s (file:line:col)', () => {
    write('project: shop\nreleaseStreams: [{name: QA}]\nenvironments: nope\n');
    expect(() => loadBlueprintCached(file, cacheFile, later)).toThrow(/^facets\.yaml:3:\d+: /);
    expect(fs.existsSync(cacheFile)).toBe(false);
  });

  test('a damaged cache file is parsed around and replaced', () => {
    write(shopBlueprint());
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    fs.writeFileSync(cacheFile, '{not json');
    expect(loadBlueprintCached(file, cacheFile, later)).toEqual(loadBlueprint(file));
    expect(cached().blueprint).toEqual(loadBlueprint(file));
  });

  test('an in-memory database has no cache', () => {
    expect(blueprintCachePath(':memory:')).toBeNull();
    expect(blueprintCachePath(path.join(dir, '.facets', 'state.db'))).toBe(cacheFile);
  });
});

describe('the program sees blueprint edits at once (embedded control plane)', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = makeWorkspace(shopBlueprint());
  });
  afterAll(() => ws.remove());

  test('a service added to facets.yaml right after a run is known to the next run', async () => {
    // Past RACY_MS since the file was written, so that the first run caches it.
    await new Promise((resolve) => setTimeout(resolve, RACY_MS + 100));
    expect((await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev'])).code).toBe(0);
    expect(fs.existsSync(path.join(ws.dir, '.facets', BLUEPRINT_CACHE_FILE))).toBe(true);
    ws.write('facets.yaml', shopBlueprint().replace('  - {name: cart}', '  - {name: cart}\n  - {name: search}'));
    const r = await ws.run(['--json', 'ci', 'show', '--service', 'search']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ service: 'search' });
  });
});
