// The parser is fed the engine's own push streams, recorded here from real pushes (success and each failure).
import Docker from 'dockerode';
import { FacetsError } from '../../src/core/errors';
import { classifyPushFailure, PushStreamParser, readPushStream, type PushFailureReason, type PushProgressEvent } from '../../src/docker/push-stream';
import { dockerSocketPath, getInfra } from '../support/infra';
import { closedPort } from '../support/processes';
import { buildRandomImage, rawPush } from './build-image';

const infra = getInfra();
const docker = new Docker({ socketPath: dockerSocketPath(infra) });
const run = `${process.pid}-${Date.now()}`;

async function tagAndRecord(host: string, repository: string, auth?: Docker.AuthConfig): Promise<Buffer> {
  const name = `${host}/${repository}`;
  await docker.getImage(source).tag({ repo: name, tag: '1' });
  try {
    return await rawPush(docker, name, '1', auth);
  } finally {
    await docker.getImage(`${name}:1`).remove({ noprune: true });
  }
}

/** Feeds `raw` in pieces of `size` bytes, cutting lines (and UTF-8) anywhere. */
function parseInPieces(raw: Buffer, size: number, onProgress?: (e: PushProgressEvent) => void): PushStreamParser {
  const parser = new PushStreamParser(onProgress);
  for (let i = 0; i < raw.length; i += size) parser.feed(raw.subarray(i, i + size));
  return parser;
}

const source = `facetsctl-test/push-stream:${run}`;
let recorded: Record<'success' | 'refused' | 'noCredentials' | 'wrongPassword' | 'tokenDenied' | 'tokenWrongPassword', Buffer>;

beforeAll(async () => {
  await buildRandomImage(docker, source, { bytes: 700_000, layers: 2 });
  const { open, basic, token } = infra.registries;
  recorded = {
    success: await tagAndRecord(open.host, `push-stream/ok-${run}`),
    refused: await tagAndRecord(`127.0.0.1:${await closedPort()}`, 'push-stream/refused'),
    noCredentials: await tagAndRecord(basic.host, 'push-stream/basic'),
    wrongPassword: await tagAndRecord(basic.host, 'push-stream/basic', { username: basic.username, password: 'not-the-password', serveraddress: basic.host }),
    tokenDenied: await tagAndRecord(token.host, 'push-stream/token'),
    tokenWrongPassword: await tagAndRecord(token.host, 'push-stream/token', { username: token.username, password: 'not-the-password', serveraddress: token.host }),
  };
});

afterAll(async () => {
  await docker.getImage(source).remove({ force: true }).catch(() => undefined);
});

describe('the digest comes from the aux record {Tag, Digest, Size}', () => {
  test.each([1, 7, 64, 100_000])('a successful push read in pieces of %i bytes gives the digest the registry serves', async (size) => {
    const { open } = infra.registries;
    const result = parseInPieces(recorded.success, size).finish(open.host);
    const head = await fetch(`${open.url}/v2/push-stream/ok-${run}/manifests/1`, {
      method: 'HEAD',
      headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect(head.status).toBe(200);
    expect(result.digest).toBe(head.headers.get('docker-content-digest'));
    expect(result.tag).toBe('1');
    expect(result.size).toBe(Number(head.headers.get('content-length')));
  });
});

describe('per-layer progress events carry id, status and current/total bytes', () => {
  test('every layer of the image reports progress and ends Pushed', async () => {
    const events: PushProgressEvent[] = [];
    const result = parseInPieces(recorded.success, 13, (e) => events.push(e)).finish(infra.registries.open.host);
    const layers = (await docker.getImage(source).inspect()).RootFS.Layers ?? [];
    const last = events[events.length - 1].layers;
    expect(last).toHaveLength(layers.length);
    expect(last.every((l) => l.status === 'Pushed')).toBe(true);
    expect(events.some((e) => e.layer.status === 'Pushing' && e.layer.current > 0 && e.layer.total >= 700_000)).toBe(true);
    expect(result.layersPushed).toBe(layers.length);
  });
});

describe("the push stream's in-band errorDetail is a failure, classified with the registry's reason", () => {
  const cases: Array<[keyof typeof recorded, PushFailureReason, RegExp]> = [
    ['refused', 'CONNECTION_REFUSED', /connection refused/],
    ['noCredentials', 'UNAUTHORIZED', /no basic auth credentials/],
    ['wrongPassword', 'UNAUTHORIZED', /unauthorized: authentication required/],
    ['tokenDenied', 'DENIED', /denied: requested access to the resource is denied/],
    ['tokenWrongPassword', 'UNAUTHORIZED', /unauthorized: invalid username or password/],
  ];
  test.each(cases)('%s: a REGISTRY error of reason %s with the registry\'s message', (name, reason, message) => {
    const parser = parseInPieces(recorded[name], 5);
    let thrown: unknown;
    try {
      parser.finish('the-registry');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FacetsError);
    const error = thrown as FacetsError;
    expect(error.kind).toBe('REGISTRY');
    expect(error.message).toMatch(message);
    expect(error.message).toContain('push to the-registry failed');
    expect(error.details?.reason).toBe(reason);
    expect(error.hint).toContain('the-registry');
  });
});

describe('failure messages are classified: denied / unauthorized / name unknown / connection refused / transient / other', () => {
  const cases: Array<[string, PushFailureReason]> = [
    ['denied: requested access to the resource is denied', 'DENIED'],
    ['insufficient_scope: authorization failed', 'DENIED'],
    ['unauthorized: authentication required', 'UNAUTHORIZED'],
    ['no basic auth credentials', 'UNAUTHORIZED'],
    ['name unknown: repository name not known to registry', 'NAME_UNKNOWN'],
    ['Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused', 'CONNECTION_REFUSED'],
    ['received unexpected HTTP status: 503 Service Unavailable', 'TRANSIENT'],
    ['received unexpected HTTP status: 500 Internal Server Error', 'TRANSIENT'],
    ['toomanyrequests: slow down', 'TRANSIENT'],
    ['received unexpected HTTP status: 429 Too Many Requests', 'TRANSIENT'],
    ['Put "http://127.0.0.1:5000/v2/a/blobs/uploads/x": read tcp 127.0.0.1:1->127.0.0.1:5000: read: connection reset by peer', 'TRANSIENT'],
    ['Patch "http://127.0.0.1:5000/v2/a/blobs/uploads/x": EOF', 'TRANSIENT'],
    ['manifest invalid: manifest invalid', 'OTHER'],
    ['pushing to 127.0.0.1:5000/x failed', 'OTHER'],
  ];
  test.each(cases)('%s -> %s', (message, reason) => expect(classifyPushFailure(message)).toBe(reason));
});

describe('a stream that ends without a digest or error is an ENGINE failure, never success', () => {
  test('the success stream cut before its aux record', () => {
    const text = recorded.success.toString();
    const cut = Buffer.from(text.slice(0, text.indexOf('{"progressDetail":{},"aux"')));
    expect(() => parseInPieces(cut, 32).finish('r')).toThrow(expect.objectContaining({ kind: 'ENGINE', message: expect.stringContaining('without reporting a digest') }));
  });
  test('a transport error while reading is an ENGINE error marked transient', async () => {
    const { PassThrough } = await import('node:stream');
    const stream = new PassThrough();
    const outcome = readPushStream(stream, 'r');
    stream.write(recorded.success.subarray(0, 50));
    stream.destroy(new Error('socket hang up'));
    await expect(outcome).rejects.toMatchObject({ kind: 'ENGINE', details: { transient: true } });
  });
});
