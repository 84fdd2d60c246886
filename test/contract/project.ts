// The project every contract test runs on: a blueprint in a fresh temp directory.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PROJECT = 'shop';
export const ENVIRONMENTS = ['dev', 'staging', 'production'];
export const RELEASE_STREAMS = ['QA', 'PRODUCTION'];
export const REGISTRY_CREDENTIALS_ENV = { SHOP_REGISTRY_USER: 'pusher', SHOP_REGISTRY_PASSWORD: 'not-a-real-secret' };

const BLUEPRINT = `project: shop
releaseStreams:
  - {name: QA, prod: false}
  - {name: PRODUCTION, prod: true, description: customer-facing}
environments:
  - {name: dev, releaseStream: QA}
  - {name: staging, releaseStream: QA}
  - {name: production, releaseStream: PRODUCTION}
services:
  - {name: checkout, type: service}
  - {name: cart}
  - {name: legacy}
registries:
  - name: local
    type: OTHERS
    uri: 127.0.0.1:5999
    insecure: true
    credentials: {fromEnv: {username: SHOP_REGISTRY_USER, password: SHOP_REGISTRY_PASSWORD}}
  - {name: hub, type: DOCKER_HUB, uri: docker.io, credentials: {dockerConfig: true}}
  - {name: facets-config-auto, type: ECR, uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com, internal: true}
`;

export interface ProjectDir {
  dir: string;
  blueprint: string;
  db: string;
  remove(): void;
}

export function makeProjectDir(prefix = 'facetsctl-contract-'): ProjectDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const blueprint = path.join(dir, 'facets.yaml');
  fs.writeFileSync(blueprint, BLUEPRINT);
  return { dir, blueprint, db: path.join(dir, '.facets', 'state.db'), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A pinned image reference with a digest derived from `seed`. */
export function pinned(repository: string, tag: string, seed: string): string {
  return `127.0.0.1:5999/${repository}:${tag}@sha256:${createHash('sha256').update(seed).digest('hex')}`;
}
