// Push progress when stderr is not a terminal: plain lines that count the image's layers from the first one.
import Docker from 'dockerode';
import { buildRandomImage } from '../docker/build-image';
import { dockerSocketPath, getInfra } from '../support/infra';
import { makeWorkspace, shopBlueprint, type Workspace } from './run-cli';

const infra = getInfra();
const { open } = infra.registries;
const docker = new Docker({ socketPath: dockerSocketPath(infra) });
let ws: Workspace;

beforeAll(async () => {
  ws = makeWorkspace(shopBlueprint([{ name: 'open', uri: open.host }]), { DOCKER_HOST: infra.dockerHost });
  expect((await ws.run(['ci', 'configure', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev'])).code).toBe(0);
});
afterAll(() => ws.remove());

test('a 4-layer image: the first progress line already says of 4 layers, never 0/1', async () => {
  const image = `facetsctl-test/four-layers:${process.pid}-${Date.now().toString(36)}`;
  await buildRandomImage(docker, image, { bytes: 20_000, layers: 4 });
  const r = await ws.run(['push', image, '--service', 'checkout', '--registry', 'open', '--repository', 'shop/four-layers', '--tag', '1.0.0', '--git-ref', 'main']);
  expect(r.code).toBe(0);
  const progress = r.stderr.split('\n').filter((line) => / layers/.test(line));
  expect(progress.length).toBeGreaterThan(0);
  for (const line of progress) expect(line).toMatch(/: \d\/4 layers/);
});

describe('one progress line for both paths: the native phases read as the engine names them', () => {
  test('a layer still compressing shows its compressed bytes; pushed, existing and mounted layers count as done', () => {
    const { formatPushProgress, summarizePushProgress } = require('../../src/docker/push-progress') as typeof import('../../src/docker/push-progress');
    const layers = [
      { id: 'a', status: 'Compressing', current: 5_000_000, total: 0 },
      { id: 'b', status: 'Pushed', current: 2_000, total: 2_000 },
      { id: 'c', status: 'Layer already exists', current: 0, total: 0 },
      { id: 'd', status: 'Mounted from another repository', current: 0, total: 0 },
      { id: 'e', status: 'Pushing', current: 500, total: 1_000 },
    ];
    expect(formatPushProgress(summarizePushProgress(layers, 5))).toBe('3/5 layers, 2.5 kB / 3.0 kB, 5.0 MB compressed');
  });
});
