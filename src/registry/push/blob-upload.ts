// One blob into the registry, per the distribution spec: HEAD, cross-repository mount, monolithic upload, and the
// chunked upload (PATCH, honouring OCI-Chunk-Min-Length) for registries that refuse a monolithic one.
import type { Readable } from 'node:stream';
import { malformedAnswer } from '../errors';
import { expectStatus, withRetries, type RetryOptions } from './retry';
import type { Answer, PushSession } from './session';

export type BlobOutcome = 'uploaded' | 'existed' | 'mounted';

export interface BlobToSend {
  digest: string;
  size: number;
  /** A fresh stream (or buffer) of the blob's bytes, for each attempt. */
  open(): Readable | Buffer;
}

export interface BlobUploadOptions extends RetryOptions {
  /** Repositories of the same registry that may hold the blob already (mounted, not uploaded). */
  mountFrom?: string[];
  /** PATCH size of the chunked fallback (raised to the registry's OCI-Chunk-Min-Length); default 16 MiB. */
  chunkBytes?: number;
  /** Force the chunked upload (registries known to refuse monolithic ones). */
  chunked?: boolean;
  /** Bytes of this blob sent so far in the current attempt. */
  onBytes?: (sent: number) => void;
}

/** Monolithic PUT answers that mean "send it in chunks". */
const CHUNKED_FALLBACK = new Set([400, 405, 411, 413, 416]);
export const OCTETS = 'application/octet-stream';

export async function uploadBlob(session: PushSession, blob: BlobToSend, options: BlobUploadOptions = {}): Promise<BlobOutcome> {
  const blobs = `/v2/${session.repository}/blobs`;
  return withRetries(session, options, async () => {
    const head = await session.send({ method: 'HEAD', url: `${blobs}/${blob.digest}` });
    if (head.status === 200) return 'existed';
    expectStatus(session, head, `HEAD ${blobs}/${blob.digest}`, [404]);
    for (const from of options.mountFrom ?? []) {
      if (from === session.repository) continue;
      const mount = await session.send({ method: 'POST', url: `${blobs}/uploads/?mount=${encodeURIComponent(blob.digest)}&from=${encodeURIComponent(from)}` });
      if (mount.status === 201) return 'mounted';
      expectStatus(session, mount, `POST ${blobs}/uploads/ (mount from ${from})`, [202]);
      // 202: the registry did not mount and opened an upload instead; the next one is opened below.
      await cancel(session, mount);
    }
    const started = await startUpload(session, blobs);
    if (!options.chunked) {
      const put = await session.send({
        method: 'PUT',
        url: withDigest(location(session, started), blob.digest),
        headers: { 'content-type': OCTETS, 'content-length': String(blob.size) },
        body: () => counted(blob.open(), options.onBytes),
      });
      if (put.status === 201) return 'uploaded';
      if (!CHUNKED_FALLBACK.has(put.status)) expectStatus(session, put, `PUT ${blobs}/uploads/ (${blob.digest})`, [201]);
      await cancel(session, put);
      return uploadChunked(session, blob, await startUpload(session, blobs), options);
    }
    return uploadChunked(session, blob, started, options);
  });
}

async function startUpload(session: PushSession, blobs: string): Promise<Answer> {
  const answer = await session.send({ method: 'POST', url: `${blobs}/uploads/`, headers: { 'content-length': '0' } });
  expectStatus(session, answer, `POST ${blobs}/uploads/`, [202]);
  return answer;
}

async function uploadChunked(session: PushSession, blob: BlobToSend, started: Answer, options: BlobUploadOptions): Promise<BlobOutcome> {
  const minimum = Number(started.headers['oci-chunk-min-length'] ?? 0) || 0;
  const chunkBytes = Math.max(minimum, options.chunkBytes ?? 16 * 1024 * 1024);
  let url = location(session, started);
  let offset = 0;
  const patch = async (chunk: Buffer) => {
    const answer = await session.send({
      method: 'PATCH',
      url,
      headers: { 'content-type': OCTETS, 'content-range': `${offset}-${offset + chunk.length - 1}` },
      body: () => chunk,
    });
    expectStatus(session, answer, `PATCH ${session.repository} upload (${blob.digest} at ${offset})`, [202]);
    url = location(session, answer);
    offset += chunk.length;
    options.onBytes?.(offset);
  };
  const source = blob.open();
  if (Buffer.isBuffer(source)) {
    for (let at = 0; at < source.length; at += chunkBytes) await patch(source.subarray(at, at + chunkBytes));
  } else {
    let parts: Buffer[] = [];
    let length = 0;
    for await (const data of source) {
      parts.push(data as Buffer);
      length += (data as Buffer).length;
      while (length >= chunkBytes) {
        const all = Buffer.concat(parts, length);
        await patch(all.subarray(0, chunkBytes));
        parts = [all.subarray(chunkBytes)];
        length -= chunkBytes;
      }
    }
    if (length > 0) await patch(Buffer.concat(parts, length));
  }
  const put = await session.send({ method: 'PUT', url: withDigest(url, blob.digest), headers: { 'content-length': '0' } });
  expectStatus(session, put, `PUT ${session.repository} upload (${blob.digest}, closing)`, [201]);
  return 'uploaded';
}

/** Abandons an upload session the registry opened (best effort: registries also expire them). */
async function cancel(session: PushSession, answer: Answer): Promise<void> {
  if (!answer.headers.location) return;
  await session.send({ method: 'DELETE', url: location(session, answer) }).catch(() => undefined);
}

export function location(session: PushSession, answer: Answer): string {
  const value = answer.headers.location;
  if (!value) throw malformedAnswer(session.host, `${answer.status} to ${answer.url}`, 'no Location for the upload');
  return new URL(value, answer.url).toString();
}

export function withDigest(url: string, digest: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('digest', digest);
  return parsed.toString();
}

function counted(body: Readable | Buffer, onBytes: ((sent: number) => void) | undefined): Readable | Buffer {
  if (!onBytes || Buffer.isBuffer(body)) return body;
  let sent = 0;
  body.on('data', (chunk: Buffer) => onBytes((sent += chunk.length)));
  return body;
}
