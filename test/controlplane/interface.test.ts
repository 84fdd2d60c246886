import type { ControlPlane } from '../../src/api/control-plane';
import { ControlPlaneService } from '../../src/controlplane';
import { openFixture } from './fixture';

// The service declares `implements ControlPlane`, so tsc checks every signature; this table checks the methods at run time.
const METHODS = [
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
  'getArtifact',
  'promoteArtifact',
  'attachImage',
  'detachImage',
  'getOverride',
  'history',
  'resolve',
] as const satisfies readonly (keyof ControlPlane)[];

// Compile-time: the table names every required method of the interface, so a method added there is checked here too.
type Required = { [K in keyof ControlPlane]-?: undefined extends ControlPlane[K] ? never : K }[keyof ControlPlane];
type Unlisted = Exclude<Required, (typeof METHODS)[number]>;
export const EVERY_METHOD_LISTED: [Unlisted] extends [never] ? true : Unlisted = true;

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
