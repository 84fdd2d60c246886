// GET /healthz (the process answers) and GET /readyz (its database answers, and it is not stopping), for a load
// balancer: no auth, no details, so they reveal nothing about the project.
import type { FastifyInstance } from 'fastify';

export const PROBE_PATHS: readonly string[] = ['/healthz', '/readyz'];

/** A database that does not answer within this is not ready: the balancer should send traffic elsewhere. */
const READY_TIMEOUT_MS = 2000;

async function within(check: () => Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS)));
  try {
    return await Promise.race([check().catch(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function registerProbes(app: FastifyInstance, ready: () => Promise<boolean>): void {
  app.get('/healthz', async (_request, reply) => reply.type('application/json').send({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ok = await within(ready);
    return reply.code(ok ? 200 : 503).type('application/json').send({ status: ok ? 'ok' : 'unavailable' });
  });
}
