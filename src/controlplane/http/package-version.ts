// facetsctl's version, for the capabilities answer: read from its package.json, found upward from this module
// (dist/controlplane/http/ when serve runs as main.js, dist/cli/ when it runs inside the bundled CLI).
import fs from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

export function packageVersion(from: string = __dirname): string {
  if (cached !== undefined) return cached;
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'facetsctl' && pkg.version) return (cached = pkg.version);
    }
    if (path.dirname(dir) === dir) throw new Error(`facetsctl's package.json was not found above ${from}`);
  }
}
