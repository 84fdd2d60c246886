// The revision a client read, on the wire as HTTP's own optimistic concurrency: ETag on a read, If-Match on a write.
import type { FastifyReply } from 'fastify';
import { FacetsError } from '../../core/errors';
import { wholeNumber } from '../../core/whole-number';

/** The ETag of a revision (0 = nothing stored). */
export const revisionTag = (revision: number): string => `"${revision}"`;

/** The answer `reply` carries `revision` as its ETag; returns `body` unchanged. */
export function withRevisionTag<T>(reply: FastifyReply, revision: number, body: T): T {
  reply.header('etag', revisionTag(revision));
  return body;
}

/** The revision the request's If-Match names; undefined without one (old clients and scripts: no check). */
export function expectedRevision(reply: FastifyReply): number | undefined {
  const header = reply.request.headers['if-match'];
  if (header === undefined || header === '') return undefined;
  const revision = wholeNumber(String(header).trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1'));
  if (revision === null) {
    throw new FacetsError('USAGE', `If-Match must name one revision as an ETag, e.g. "3" (got ${String(header)})`, 'send the ETag of the GET of the same resource, or no If-Match');
  }
  return revision;
}
