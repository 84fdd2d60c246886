import type { ControlPlane } from '../../src/api/control-plane';
import { ControlPlaneService } from '../../src/controlplane';
import { openFixture } from './fixture';

// Compile-time: the domain service is the in-process ControlPlane (tsc -p tsconfig.test.json checks this).
type Assignable<T, U extends T> = U;
export type ServiceIsAControlPlane = Assignable<ControlPlane, ControlPlaneService>;

const METHODS: (keyof ControlPlane)[] = [
  'whoami',
  'listProjects',
  'getProject',
  'listEnvironments',
  'listReleaseStreams',
  'listRegistries',
  'listRepositories',
  'listTags',
  'getPushCredentials',
  'ensureCiIntegration',
  'listCiIntegrations',
  'setImageStrategy',
  'getCiConfig',
  'configureCi',
  'resetCi',
  'registerArtifact',
  'listArtifacts',
  'promoteArtifact',
  'attachImage',
  'detachImage',
  'getOverride',
  'history',
  'resolve',
];

describe('the domain service implements every method of the ControlPlane interface', () => {
  test.each(METHODS)('%s is a method of the service', async (method) => {
    const { service } = await openFixture();
    const client: ControlPlane = service;
    expect(typeof client[method]).toBe('function');
  });

  test('every method returns a promise, also when it refuses', async () => {
    const { service } = await openFixture();
    const result = service.getProject('nope');
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    expect(ControlPlaneService.name).toBe('ControlPlaneService');
  });
});
