// A layer uploaded while it is compressed: POST, one PATCH whose body is the gzip stream, PUT with the digest at the
// end (as docker and crane stream). Any failure only ends the head start: the push uploads the layer's file instead.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { LayerSink } from '../image-source/types';
import { location, OCTETS, withDigest } from './blob-upload';
import type { Answer, PushSession } from './session';

/** Compressed bytes buffered ahead of the registry before the compression waits for it. */
const AHEAD_BYTES = 8 * 1024 * 1024;

export function streamedUpload(session: PushSession): LayerSink {
  const body = new PassThrough({ highWaterMark: AHEAD_BYTES });
  body.on('error', () => {});
  let failed = false;
  const patched: Promise<Answer | undefined> = (async () => {
    const started = await session.send({ method: 'POST', url: `/v2/${session.repository}/blobs/uploads/`, headers: { 'content-length': '0' } });
    if (started.status !== 202) return undefined;
    const answer = await session.send({ method: 'PATCH', url: location(session, started), headers: { 'content-type': OCTETS }, body: () => body });
    return answer.status === 202 ? answer : undefined;
  })().catch(() => undefined);
  void patched.then((answer) => {
    if (answer) return;
    failed = true;
    body.destroy();
  });
  return {
    async write(bytes) {
      if (failed || body.write(bytes)) return;
      await Promise.race([once(body, 'drain').catch(() => undefined), patched]);
    },
    async end(digest) {
      if (!failed) body.end();
      const answer = await patched;
      if (!answer) return false;
      const put = await session.send({ method: 'PUT', url: withDigest(location(session, answer), digest), headers: { 'content-length': '0' } }).catch(() => undefined);
      return put?.status === 201;
    },
  };
}
