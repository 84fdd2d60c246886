import { FacetsError } from '../../src/core/errors';
import {
  formatImageReference,
  isValidDigest,
  isValidTag,
  parseImageReference,
  pinImageReference,
  repositoryPath,
} from '../../src/core/image-reference';

const SHA = 'sha256:' + 'a'.repeat(64);
const SHA2 = 'sha256:' + '0123456789abcdef'.repeat(4);
const SHA512 = 'sha512:' + 'b'.repeat(128);

function reasonOf(input: string): string {
  try {
    parseImageReference(input);
  } catch (e) {
    expect(e).toBeInstanceOf(FacetsError);
    expect((e as FacetsError).kind).toBe('USAGE');
    return (e as FacetsError).message;
  }
  throw new Error(`"${input}" was accepted`);
}

describe('a valid reference is normalised to registry/repository[:tag][@digest]', () => {
  const good: [string, string][] = [
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.25', 'docker.io/library/nginx:1.25'],
    ['library/nginx', 'docker.io/library/nginx:latest'],
    ['docker.io/nginx', 'docker.io/library/nginx:latest'],
    ['index.docker.io/nginx:1', 'docker.io/library/nginx:1'],
    ['docker.io/library/nginx:alpine', 'docker.io/library/nginx:alpine'],
    ['bitnami/redis:7.2', 'docker.io/bitnami/redis:7.2'],
    ['team/sub/app', 'docker.io/team/sub/app:latest'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/a/b', 'localhost:5000/a/b:latest'],
    ['127.0.0.1:5000/team/api:1.4.2', '127.0.0.1:5000/team/api:1.4.2'],
    ['127.0.0.1/api', '127.0.0.1/api:latest'],
    ['gcr.io/my-project/my-service:v1.2.3', 'gcr.io/my-project/my-service:v1.2.3'],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com/api:prod-7', '123456789012.dkr.ecr.us-east-1.amazonaws.com/api:prod-7'],
    ['myacr.azurecr.io/web/frontend:2024.05.01', 'myacr.azurecr.io/web/frontend:2024.05.01'],
    ['Registry.Example.COM/app:1', 'registry.example.com/app:1'],
    ['registry-1.example.com:443/a:b', 'registry-1.example.com:443/a:b'],
    ['[::1]:5000/app:1', '[::1]:5000/app:1'],
    [`nginx@${SHA}`, `docker.io/library/nginx@${SHA}`],
    [`nginx:1.25@${SHA}`, `docker.io/library/nginx:1.25@${SHA}`],
    [`127.0.0.1:5000/repo:tag@${SHA2}`, `127.0.0.1:5000/repo:tag@${SHA2}`],
    [`localhost:5000/a@${SHA512}`, `localhost:5000/a@${SHA512}`],
    ['a/b_c.d', 'docker.io/a/b_c.d:latest'],
    ['foo/a_b/c__d/e.f/g-h/i---j', 'docker.io/foo/a_b/c__d/e.f/g-h/i---j:latest'],
    ['app:_private', 'docker.io/library/app:_private'],
    ['app:V1.0-RC_2', 'docker.io/library/app:V1.0-RC_2'],
    ['app:' + 'x'.repeat(128), 'docker.io/library/app:' + 'x'.repeat(128)],
    ['0/1', 'docker.io/0/1:latest'],
    ['a', 'docker.io/library/a:latest'],
    ['example.com/' + 'a'.repeat(243), 'example.com/' + 'a'.repeat(243) + ':latest'],
    ['localhost:5000', 'docker.io/library/localhost:5000'],
    ['ghcr.io/owner/repo:sha-1a2b3c4', 'ghcr.io/owner/repo:sha-1a2b3c4'],
  ];
  test.each(good)('%s → %s', (input, expected) => {
    expect(formatImageReference(parseImageReference(input))).toBe(expected);
  });

  test('the normalised form parses to the same reference again', () => {
    for (const [input] of good) {
      const ref = parseImageReference(input);
      expect(parseImageReference(formatImageReference(ref))).toEqual(ref);
    }
  });
});

describe('the parts of a reference are registry, repository, tag and digest', () => {
  test.each([
    ['nginx', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest', digest: null }],
    [`repo:tag@${SHA}`, { registry: 'docker.io', repository: 'library/repo', tag: 'tag', digest: SHA }],
    [`repo@${SHA}`, { registry: 'docker.io', repository: 'library/repo', tag: null, digest: SHA }],
    ['localhost:5000/a/b', { registry: 'localhost:5000', repository: 'a/b', tag: 'latest', digest: null }],
    ['my.reg/x:1', { registry: 'my.reg', repository: 'x', tag: '1', digest: null }],
  ])('%s', (input, expected) => {
    expect(parseImageReference(input)).toEqual(expected);
  });

  test('repositoryPath is registry/repository', () => {
    expect(repositoryPath(parseImageReference('localhost:5000/a/b:1'))).toBe('localhost:5000/a/b');
    expect(repositoryPath(parseImageReference('nginx'))).toBe('docker.io/library/nginx');
  });
});

describe('an invalid reference is refused with a precise reason', () => {
  const bad: [string, string][] = [
    ['', 'image reference is empty'],
    [' nginx', 'whitespace'],
    ['nginx ', 'whitespace'],
    ['ngi nx', 'whitespace'],
    ['nginx:1\t', 'whitespace'],
    ['nginx\n', 'whitespace'],
    ['http://registry/app', 'must not include a scheme ("http://")'],
    ['https://gcr.io/p/app:1', 'scheme ("https://")'],
    ['docker://nginx', 'scheme ("docker://")'],
    ['oci+http://x/y', 'scheme'],
    ['Foo/bar', 'repository must be lowercase (got "Foo/bar")'],
    ['NGINX', 'repository must be lowercase (got "NGINX")'],
    ['nginX:1', 'repository must be lowercase'],
    ['localhost:5000/Team/app', 'repository must be lowercase (got "Team/app")'],
    ['gcr.io/p/App', 'lowercase'],
    ['a//b', 'empty path component'],
    ['docker.io//nginx', 'must not start with "/"'],
    ['/nginx', 'must not start with "/"'],
    ['nginx/', 'must not end with "/"'],
    ['localhost:5000/', 'repository name is empty'],
    ['-nginx', 'must start and end with a lowercase letter or digit'],
    ['nginx-', 'must start and end'],
    ['_app', 'must start and end'],
    ['app_', 'must start and end'],
    ['.app', 'must start and end'],
    ['app.', 'must start and end'],
    ['a/-b/c', 'path component "-b"'],
    ['a..b', 'invalid separator ".."'],
    ['a___b', 'invalid separator "___"'],
    ['a._b', 'invalid separator "._"'],
    ['a-.b', 'invalid separator "-."'],
    ['a_-b', 'invalid separator "_-"'],
    ['a$b', 'invalid character "$"'],
    ['team/app!', 'invalid character "!"'],
    ['caf\u00e9', 'invalid character "\u00e9"'],
    ['a+b', 'invalid character "+"'],
    ['localhost:5000:tag', 'invalid character ":"'],
    ['app:', 'tag is empty'],
    ['app:.x', 'tag ".x" is invalid'],
    ['app:-x', 'tag "-x" is invalid'],
    ['app:a+b', 'tag "a+b" is invalid'],
    ['app:v1!', 'tag "v1!" is invalid'],
    ['app:' + 'x'.repeat(129), 'tag is 129 characters long (at most 128)'],
    ['app@', 'digest is empty'],
    ['app@sha256', 'has no algorithm'],
    ['app@' + 'a'.repeat(64), 'has no algorithm'],
    ['app@md5:' + 'a'.repeat(32), 'digest algorithm "md5" is not supported'],
    ['app@SHA256:' + 'a'.repeat(64), 'digest algorithm "SHA256" is not supported'],
    ['app@sha256:' + 'a'.repeat(63), 'sha256 digest must have 64 hex characters (got 63)'],
    ['app@sha256:' + 'a'.repeat(65), 'got 65'],
    ['app@sha256:', 'got 0'],
    ['app@sha512:' + 'a'.repeat(64), 'sha512 digest must have 128 hex characters (got 64)'],
    ['app@sha256:' + 'g'.repeat(64), 'must be hexadecimal'],
    ['app@sha256:' + 'A'.repeat(64), 'must use lowercase hexadecimal'],
    [`app@${SHA}@${SHA}`, 'more than one "@"'],
    [`app:1@${SHA}:x`, 'must be hexadecimal'],
    ['@' + SHA, 'repository name is empty'],
    [':tag', 'repository name is empty'],
    ['a'.repeat(64), 'is an image ID, not a repository name'],
    ['example.com/' + 'a'.repeat(244), 'name is 256 characters long (at most 255)'],
    ['x.com:/app', 'has an empty port'],
    ['x.com:abc/app', 'registry port "abc" must be a number'],
    ['x.com:0/app', 'registry port 0 is out of range'],
    ['x.com:65536/app', 'registry port 65536 is out of range'],
    ['-x.com/app', 'invalid domain component "-x"'],
    ['x-.com/app', 'invalid domain component "x-"'],
    ['x..com/app', 'has an empty domain component'],
    ['.com/app', 'has an empty domain component'],
    ['x_y.com/app', 'invalid domain component "x_y"'],
    [':5000/app', 'registry ":5000" has an empty host'],
    ['[zz]:5000/app', 'is not a valid IPv6 address'],
  ];
  test('there are at least 60 cases', () => expect(bad.length).toBeGreaterThanOrEqual(60));
  test.each(bad)('%j → %s', (input, fragment) => {
    const message = reasonOf(input);
    expect(message).toContain(fragment);
    expect(message).toContain(`invalid image reference "${input}"`);
  });

  test('the error carries a hint showing the expected shape', () => {
    try {
      parseImageReference('Foo/bar');
    } catch (e) {
      expect((e as FacetsError).message).toBe('invalid image reference "Foo/bar": repository must be lowercase (got "Foo/bar")');
      expect((e as FacetsError).hint).toContain('[REGISTRY[:PORT]/]REPOSITORY[:TAG][@sha256:DIGEST]');
    }
    expect.assertions(2);
  });
});

describe('a first component is a registry only if it contains "." or ":" or is "localhost"', () => {
  test.each([
    ['myhost/app', 'docker.io', 'myhost/app'],
    ['localhost/app', 'localhost', 'app'],
    ['local.host/app', 'local.host', 'app'],
    ['host:5000/app', 'host:5000', 'app'],
    ['localhostx/app', 'docker.io', 'localhostx/app'],
  ])('%s → registry %s, repository %s', (input, registry, repository) => {
    const ref = parseImageReference(input);
    expect(ref.registry).toBe(registry);
    expect(ref.repository).toBe(repository);
  });
});

describe('pinImageReference keeps the tag and adds the digest', () => {
  test.each([
    ['127.0.0.1:5000/team/api:1.4.2', SHA, `127.0.0.1:5000/team/api:1.4.2@${SHA}`],
    ['nginx', SHA, `docker.io/library/nginx:latest@${SHA}`],
    [`app@${SHA}`, SHA, `docker.io/library/app@${SHA}`],
    [`app:1@${SHA}`, SHA, `docker.io/library/app:1@${SHA}`],
    ['localhost:5000/a', SHA512, `localhost:5000/a:latest@${SHA512}`],
  ])('%s + digest → %s', (input, digest, expected) => {
    expect(pinImageReference(parseImageReference(input), digest)).toBe(expected);
  });

  test('an invalid digest is refused', () => {
    expect(() => pinImageReference(parseImageReference('app:1'), 'sha256:abc')).toThrow('sha256 digest must have 64 hex characters (got 3)');
  });

  test('a digest other than the one the reference already pins is refused', () => {
    expect(() => pinImageReference(parseImageReference(`app:1@${SHA}`), SHA2)).toThrow(`is pinned to ${SHA}, not ${SHA2}`);
  });
});

describe('a digest is sha256 with 64 or sha512 with 128 lowercase hex characters', () => {
  test.each([
    [SHA, true],
    [SHA2, true],
    [SHA512, true],
    ['sha256:' + 'a'.repeat(63), false],
    ['sha512:' + 'a'.repeat(64), false],
    ['sha256:' + 'A'.repeat(64), false],
    ['sha1:' + 'a'.repeat(40), false],
    ['a'.repeat(64), false],
    ['', false],
    ['sha256:', false],
  ])('%s → %s', (digest, valid) => {
    expect(isValidDigest(digest)).toBe(valid);
  });
});

describe('a tag is [\\w][\\w.-]{0,127}', () => {
  test.each([
    ['latest', true],
    ['1.4.2', true],
    ['_x', true],
    ['V1-rc.1_b', true],
    ['x'.repeat(128), true],
    ['x'.repeat(129), false],
    ['', false],
    ['.x', false],
    ['-x', false],
    ['a+b', false],
    ['a/b', false],
    ['a b', false],
  ])('%j → %s', (tag, valid) => {
    expect(isValidTag(tag)).toBe(valid);
  });
});
