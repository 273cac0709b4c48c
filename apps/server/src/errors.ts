import { InvalidRequestError, NotFoundError } from '@prewarm/compute';
import { SourceError } from '@prewarm/source';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** One row of the error table: the HTTP status a code answers with, and what it means. */
export interface HttpErrorSpec {
  /** The status, or `'4xx'` when it is the status of the error being passed through. */
  readonly status: number | '4xx';
  readonly description: string;
}

/**
 * Every error code the HTTP API answers with, in one place (the pattern of fastify's
 * lib/errors.js). Each one is documented in the error table of docs/contract.md (§9, HTTP);
 * `errors.test.ts` fails when a code here is missing there.
 *
 * The `FST_ERR_*` rows are fastify's own 4xx errors that reach this server's error handler and
 * are passed through with their code, message and status (today only `POST /v1/runs` reads a
 * body). A 4xx error with a code not listed here is passed through the same way.
 */
export const HTTP_ERRORS = {
  E_INVALID_REQUEST: { status: 400, description: 'a query parameter or body field is missing or invalid; `parameter` names it' },
  E_UNAUTHORIZED: { status: 401, description: 'PREWARM_API_TOKEN is set and the request has no or a wrong `Authorization: Bearer` token' },
  E_NOT_FOUND: { status: 404, description: 'a store of the request is not in the source' },
  E_BAD_REQUEST: { status: '4xx', description: 'a 4xx error raised by fastify or a plugin without a code of its own (its status is kept)' },
  E_SOURCE_UNAVAILABLE: { status: 503, description: 'the answer had to be computed and the source database cannot be read (stopped, unreachable, tables missing); the message names the source, without credentials' },
  E_UNAVAILABLE: { status: 503, description: 'anything else failed (a Redis or the source unreachable, a timeout, a bug); the cause is in the server log' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, description: 'fastify: the body is not valid JSON but `content-type` says JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, description: 'fastify: an empty body with `content-type: application/json`' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, description: 'fastify: the body size does not match `content-length`' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, description: "fastify: the body is larger than fastify's limit (1 MiB)" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, description: 'fastify: a body of a content type no parser accepts (only JSON and plain text are)' },
} as const satisfies Record<string, HttpErrorSpec>;

/** A code of the table. */
export type HttpErrorCode = keyof typeof HTTP_ERRORS;

/** The answer's body; `code` may be a passed-through fastify code the table does not list. */
function body(code: string, message: string, parameter?: string) {
  return { error: { code, message, ...(parameter ? { parameter } : {}) } };
}

/** Every error answer has one shape: `{ error: { code, message, parameter? } }`. */
export function errorBody(code: HttpErrorCode, message: string, parameter?: string) {
  return body(code, message, parameter);
}

/** The codes whose status the table fixes (all but the passed-through 4xx). */
type FixedStatusCode = { [C in HttpErrorCode]: (typeof HTTP_ERRORS)[C]['status'] extends number ? C : never }[HttpErrorCode];

/** Answers with a code of the table: its status, and the one error shape. */
export function sendError(reply: FastifyReply, code: FixedStatusCode, message: string, parameter?: string): FastifyReply {
  return reply.code(HTTP_ERRORS[code].status).send(errorBody(code, message, parameter));
}

export function errorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof InvalidRequestError) {
    void sendError(reply, InvalidRequestError.code, err.message, err.parameter);
    return;
  }
  if (err instanceof NotFoundError) {
    void sendError(reply, NotFoundError.code, err.message);
    return;
  }
  const source = causeOf(err, SourceError);
  if (source) {
    request.log.error({ err }, 'request failed: the source cannot be read');
    void sendError(reply, 'E_SOURCE_UNAVAILABLE', source.message.split('\n')[0]!);
    return;
  }
  const status = (err as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) {
    void reply.code(status).send(body((err as FastifyError).code ?? 'E_BAD_REQUEST', err.message));
    return;
  }
  request.log.error({ err }, 'request failed');
  void sendError(reply, 'E_UNAVAILABLE', 'the request could not be served; see the server log');
}

/** The error itself or the first of its causes that is a `type`. */
function causeOf<T extends Error>(err: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) if (e instanceof type) return e;
  return undefined;
}
