// Every error leaves serve as `{code, message, hint?}`: FacetsError kinds map to HTTP_STATUS, request
// validation to 400 BAD_REQUEST naming the field, anything else to a 500 without internals.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { FacetsError, HTTP_STATUS } from '../../core/errors';

export interface ErrorBody {
  code: string;
  message: string;
  hint?: string;
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** "body.target.value must be string" style, naming the field. */
export function describeValidation(context: string | undefined, issues: ValidationIssue[]): string {
  const part = context ?? 'body';
  const issue = issues[0] ?? {};
  const path = (issue.instancePath ?? '').split('/').filter(Boolean);
  if (issue.keyword === 'required' && issue.params?.missingProperty) path.push(String(issue.params.missingProperty));
  if (issue.keyword === 'additionalProperties' && issue.params?.additionalProperty) path.push(String(issue.params.additionalProperty));
  const field = path.join('.');
  const where = part === 'querystring' ? 'query parameter' : part === 'params' ? 'path parameter' : 'field';
  if (issue.keyword === 'required') return `invalid request ${part}: ${where} "${field}" is required`;
  if (issue.keyword === 'additionalProperties') return `invalid request ${part}: ${where} "${field}" is not allowed`;
  if (!field) return `invalid request ${part}: ${part} ${issue.message ?? 'is invalid'}`;
  return `invalid request ${part}: ${where} "${field}" ${issue.message ?? 'is invalid'}`;
}

export function toErrorReply(error: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  if (error instanceof FacetsError) {
    const body: ErrorBody = { code: error.kind, message: error.message };
    if (error.hint) body.hint = error.hint;
    return { status: HTTP_STATUS[error.kind], body, unexpected: false };
  }
  const e = error as FastifyError & { validation?: ValidationIssue[]; validationContext?: string };
  if (e?.validation) return { status: 400, body: { code: 'BAD_REQUEST', message: describeValidation(e.validationContext, e.validation) }, unexpected: false };
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // fastify's own client errors: unparseable JSON, wrong content type, body too large.
    return { status: e.statusCode, body: { code: 'BAD_REQUEST', message: e.message }, unexpected: false };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'internal error in the control plane; see the server log' }, unexpected: true };
}

export function errorHandler(log: (line: string) => void) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body, unexpected } = toErrorReply(error);
    if (unexpected) log(`error: ${request.method} ${request.url.split('?')[0]}: ${(error as Error)?.stack ?? String(error)}`);
    void reply.code(status).type('application/json').send(body);
  };
}
