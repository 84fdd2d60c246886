// A real control plane on a temp dir: blueprint file + SQLite state, opened the way the CLI opens it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedControlPlane, type EmbeddedControlPlane, type EmbeddedOptions } from '../../src/controlplane';

export const SHOP_BLUEPRINT = `project: shop
releaseStreams:
  - {name: QA}
  - {name: PRODUCTION, prod: true}
environments:
  - {name: dev, releaseStream: QA}
  - {name: staging, releaseStream: QA}
  - {name: production, releaseStream: PRODUCTION}
services:
  - {name: checkout}
  - {name: cart}
  - {name: web, type: frontend}
registries:
  - name: local
    type: OTHERS
    uri: 127.0.0.1:5000
    insecure: true
    credentials: {fromEnv: {username: LOCAL_USER, password: LOCAL_PASSWORD}}
  - {name: hub, type: DOCKER_HUB, uri: docker.io, credentials: {dockerConfig: true}}
  - {name: facets-config-auto, type: ECR, uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com, internal: true}
`;

export const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
export const image = (tag: string, n: number) => `127.0.0.1:5000/shop/checkout:${tag}@${digest(n)}`;

export interface Fixture extends EmbeddedControlPlane {
  dir: string;
  reopen(options?: Partial<EmbeddedOptions>): Promise<Fixture>;
}

const open: Fixture[] = [];
const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'facetsctl-cp-'));
  dirs.push(dir);
  return dir;
}

/** A clock that moves one second per call, so createdAt orders are deterministic. */
export function steppingClock(start = Date.parse('2025-01-01T00:00:00Z')): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

export async function openFixture(blueprint = SHOP_BLUEPRINT, options: Partial<EmbeddedOptions> = {}, dir = tempDir()): Promise<Fixture> {
  writeFileSync(path.join(dir, 'facets.yaml'), blueprint);
  const cp = await openEmbeddedControlPlane({ cwd: dir, env: {}, identity: { username: 'alice', name: 'Alice' }, ...options });
  const fixture: Fixture = {
    ...cp,
    dir,
    reopen: async (more = {}) => {
      await cp.close();
      open.splice(open.indexOf(fixture), 1);
      return openFixture(blueprint, { ...options, ...more }, dir);
    },
  };
  open.push(fixture);
  return fixture;
}

afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});
