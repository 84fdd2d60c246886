// A layer uploaded while it is compressed: POST, one PATCH whose body is the compressed stream, PUT with the digest at
// the end (as docker and crane stream). Any failure only ends the head start: the push uploads the layer's file instead.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { LayerSink } from '../image-source/types';
import { location, OCTETS, withDigest } from './blob-upload';
import type { Answer, PushSession } from './session';

/** Compressed bytes buffered ahead of the registry before the compression waits for it: enough that the export
 * does not stall while a layer's upload session is still being opened (a POST can take 100 ms on a busy registry). */
const AHEAD_BYTES = 32 * 1024 * 1024;

type Opened = Promise<Answer | undefined>;

/**
 * Upload sessions for streamed layers. The registry's origin and push token are settled before the engine's export
 * starts streaming; each layer's session (POST) is opened when the layer starts, its bytes buffered meanwhile. None is
 * opened ahead: one that no layer took could not be given up on a token registry (DELETE needs the delete scope).
 */
export class StreamedUploads {
  private readonly ready: Promise<void>;

  constructor(private readonly session: PushSession) {
    this.ready = session.prepare().catch(() => undefined);
  }

  /** A sink for the next layer, on an upload opened now. */
  next(): LayerSink {
    return streamedUpload(this.session, this.ready.then(() => this.open()));
  }

  /** Settles the preparation (its failure is the push's to report, on its first request). */
  async close(): Promise<void> {
    await this.ready;
  }

  private open(): Opened {
    return this.session
      .send({ method: 'POST', url: `/v2/${this.session.repository}/blobs/uploads/`, headers: { 'content-length': '0' } })
      .then((answer) => (answer.status === 202 && answer.headers.location ? answer : undefined))
      .catch(() => undefined);
  }
}

function streamedUpload(session: PushSession, opened: Opened): LayerSink {
  const body = new PassThrough({ highWaterMark: AHEAD_BYTES });
  body.on('error', () => {});
  let failed = false;
  const patched: Promise<Answer | undefined> = (async () => {
    const started = await opened;
    if (!started) return undefined;
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
