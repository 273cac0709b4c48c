import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sendError } from './errors.js';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Bearer-token auth for every route but /healthz. Both sides are hashed first, so the
 * comparison is constant-time whatever the lengths. The token never reaches a log line
 * (the logger redacts the Authorization header).
 */
export function requireToken(app: FastifyInstance, token: string): void {
  const expected = digest(`Bearer ${token}`);
  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/healthz') return;
    const given = request.headers.authorization ?? '';
    if (!timingSafeEqual(digest(given), expected)) {
      await sendError(reply.header('www-authenticate', 'Bearer'), 'E_UNAUTHORIZED', 'missing or wrong bearer token');
    }
  });
}
