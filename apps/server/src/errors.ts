import { InvalidRequestError, NotFoundError } from '@prewarm/compute';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** Every error answer has one shape: `{ error: { code, message, parameter? } }`. */
export function errorBody(code: string, message: string, parameter?: string) {
  return { error: { code, message, ...(parameter ? { parameter } : {}) } };
}

export function errorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof InvalidRequestError) {
    void reply.code(400).send(errorBody(InvalidRequestError.code, err.message, err.parameter));
    return;
  }
  if (err instanceof NotFoundError) {
    void reply.code(404).send(errorBody(NotFoundError.code, err.message));
    return;
  }
  const status = (err as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) {
    void reply.code(status).send(errorBody((err as FastifyError).code ?? 'E_BAD_REQUEST', err.message));
    return;
  }
  request.log.error({ err }, 'request failed');
  void reply.code(503).send(errorBody('E_UNAVAILABLE', 'the request could not be served; see the server log'));
}
