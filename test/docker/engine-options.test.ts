// DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH read as docker reads them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { engineEndpointFromEnv } from '../../src/docker/engine-options';

describe('the engine address comes from DOCKER_HOST, default unix:///var/run/docker.sock', () => {
  test.each([
    [{}, { address: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' }],
    [{ DOCKER_HOST: '' }, { address: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' }],
    [{ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, { address: 'unix:///run/user/1000/docker.sock', socketPath: '/run/user/1000/docker.sock' }],
    [{ DOCKER_HOST: 'unix://' }, { address: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' }],
    [{ DOCKER_HOST: 'tcp://10.0.0.5:2375' }, { address: 'tcp://10.0.0.5:2375', host: '10.0.0.5', port: 2375, protocol: 'http' }],
    [{ DOCKER_HOST: 'tcp://10.0.0.5' }, { address: 'tcp://10.0.0.5:2375', host: '10.0.0.5', port: 2375, protocol: 'http' }],
    [{ DOCKER_HOST: '10.0.0.5:4243' }, { address: 'tcp://10.0.0.5:4243', host: '10.0.0.5', port: 4243, protocol: 'http' }],
    [{ DOCKER_HOST: 'tcp://engine.example:2376' }, { address: 'tcp://engine.example:2376', host: 'engine.example', port: 2376, protocol: 'https' }],
    [{ DOCKER_HOST: 'tcp://engine.example', DOCKER_TLS_VERIFY: '0' }, { address: 'tcp://engine.example:2375', host: 'engine.example', port: 2375, protocol: 'http' }],
  ])('%j', (env, expected) => {
    expect(engineEndpointFromEnv(env, '/nonexistent-home')).toEqual(expected);
  });

  test.each(['ssh://user@host', 'npipe:////./pipe/docker_engine', 'tcp://[bad'])('%s is a USAGE error', (value) => {
    expect(() => engineEndpointFromEnv({ DOCKER_HOST: value })).toThrow(expect.objectContaining({ kind: 'USAGE', message: `DOCKER_HOST "${value}" is not a Docker engine address` }));
  });
});

describe('DOCKER_TLS_VERIFY=1 uses https with ca.pem, cert.pem, key.pem from DOCKER_CERT_PATH', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facetsctl-certs-'));
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) fs.writeFileSync(path.join(dir, f), `${f} content`);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the three files are read', () => {
    const endpoint = engineEndpointFromEnv({ DOCKER_HOST: 'tcp://engine.example', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir });
    expect(endpoint).toMatchObject({ address: 'tcp://engine.example:2376', protocol: 'https', port: 2376 });
    expect([endpoint.ca, endpoint.cert, endpoint.key].map(String)).toEqual(['ca.pem content', 'cert.pem content', 'key.pem content']);
  });
  test('without DOCKER_CERT_PATH they come from ~/.docker', () => {
    fs.mkdirSync(path.join(dir, 'home', '.docker'), { recursive: true });
    fs.copyFileSync(path.join(dir, 'ca.pem'), path.join(dir, 'home', '.docker', 'ca.pem'));
    fs.copyFileSync(path.join(dir, 'cert.pem'), path.join(dir, 'home', '.docker', 'cert.pem'));
    fs.copyFileSync(path.join(dir, 'key.pem'), path.join(dir, 'home', '.docker', 'key.pem'));
    expect(String(engineEndpointFromEnv({ DOCKER_HOST: 'tcp://e:2376', DOCKER_TLS_VERIFY: '1' }, path.join(dir, 'home')).ca)).toBe('ca.pem content');
  });
  test('a missing certificate file is an ENGINE error naming it', () => {
    expect(() => engineEndpointFromEnv({ DOCKER_HOST: 'tcp://e', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: path.join(dir, 'nope') })).toThrow(
      expect.objectContaining({ kind: 'ENGINE', message: expect.stringContaining(path.join(dir, 'nope', 'ca.pem')) }),
    );
  });
});
