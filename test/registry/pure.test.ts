import { isLoopbackHost, nextPageUrl, parseChallenge } from '../../src/registry';
import { backoffMs, retryAfterMs } from '../../src/registry/transport';

describe('the next page is the rel="next" target of the Link header, resolved against the request URL', () => {
  const base = 'http://127.0.0.1:5000/v2/_catalog?n=2';
  test.each([
    ['</v2/_catalog?last=b&n=2>; rel="next"', 'http://127.0.0.1:5000/v2/_catalog?last=b&n=2'],
    ['<https://r.example/v2/x/tags/list?last=3&n=2>; rel=next', 'https://r.example/v2/x/tags/list?last=3&n=2'],
    ['</v2/_catalog?last=a>; rel="prev", </v2/_catalog?last=c>; rel="next"', 'http://127.0.0.1:5000/v2/_catalog?last=c'],
    ['</v2/_catalog?last=a>; title="x"; rel="first next"', 'http://127.0.0.1:5000/v2/_catalog?last=a'],
    ['</v2/_catalog?last=a>; rel="prev"', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s -> %s', (link, next) => {
    expect(nextPageUrl(link, base)).toBe(next);
  });
});

describe('the auth challenge names its scheme and its realm, service and scope', () => {
  test.each([
    ['Basic realm="test"', { scheme: 'basic', params: { realm: 'test' } }],
    [
      'Bearer realm="http://127.0.0.1:1/token",service="reg",scope="repository:a/b:pull"',
      { scheme: 'bearer', params: { realm: 'http://127.0.0.1:1/token', service: 'reg', scope: 'repository:a/b:pull' } },
    ],
    ['Bearer realm="https://auth.example/token", error="insufficient_scope"', { scheme: 'bearer', params: { realm: 'https://auth.example/token', error: 'insufficient_scope' } }],
    ['Bearer realm=https://auth.example/token,service=s', { scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 's' } }],
  ])('%s', (header, challenge) => {
    expect(parseChallenge(header)).toEqual(challenge);
  });

  test('no header is no challenge', () => {
    expect(parseChallenge(undefined)).toBeUndefined();
  });
});

describe('insecure connections are allowed only to loopback hosts', () => {
  test.each([
    ['127.0.0.1:5000', true],
    ['127.10.0.3', true],
    ['localhost:5000', true],
    ['[::1]:5000', true],
    ['registry.example.com:5000', false],
    ['10.0.0.1:5000', false],
    ['127.0.0.1.nip.io', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('retries wait as Retry-After says, else back off exponentially with jitter', () => {
  test.each([
    ['3', 3000],
    [' 0 ', 0],
    ['Thu, 01 Jan 2026 00:00:05 GMT', 5000],
    ['soon', undefined],
    [undefined, undefined],
  ])('Retry-After %s waits %s ms', (value, ms) => {
    expect(retryAfterMs(value, Date.parse('Thu, 01 Jan 2026 00:00:00 GMT'))).toBe(ms);
  });

  test.each([0, 1, 2, 3])('attempt %i waits between half and all of base * 2^attempt', (attempt) => {
    for (let i = 0; i < 50; i++) {
      const delay = backoffMs(attempt, 100);
      expect(delay).toBeGreaterThanOrEqual((100 * 2 ** attempt) / 2);
      expect(delay).toBeLessThanOrEqual(100 * 2 ** attempt);
    }
  });
});
