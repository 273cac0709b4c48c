/** No Redis answers at a configured URL: one line naming the URL (password hidden), the variable and the role. */
export class RedisUnavailableError extends Error {
  static readonly code = 'E_REDIS_UNAVAILABLE';
  readonly code = RedisUnavailableError.code;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisUnavailableError';
  }
}

/** Socket-level codes of a Redis that cannot be reached or dropped the connection. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'EAI_AGAIN']);

/** ioredis's own messages for a connection that is gone, closed, not ready or too slow. */
const CONNECTION_MESSAGES = /^(Connection is closed|Command timed out|Stream isn't writeable|Reached the max retries per request limit|None of startup nodes is available|Failed to refresh slots cache|All sentinels are unreachable|LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN)/;

/**
 * Whether an error means "this Redis is not usable now" (unreachable, closed, timed out,
 * loading, failing over) rather than a bug or a bad reply: what a circuit breaker counts.
 */
export function isRedisFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  // A connection that failed at start: an outage when its cause is one; refused credentials or
  // an untrusted certificate are configuration to fix, and stay errors.
  if (err instanceof RedisUnavailableError) return err.cause === undefined || isRedisFailure(err.cause) || isNoAnswer(err.cause);
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  if (err.name === 'MaxRetriesPerRequestError' || err.name === 'ClusterAllFailedError') return true;
  return CONNECTION_MESSAGES.test(err.message);
}

/** ioredis's connect errors that mean nothing answered (no code of their own). */
function isNoAnswer(err: unknown): boolean {
  return err instanceof Error && /connect ETIMEDOUT|ECONNREFUSED|timed out|no answer/i.test(err.message);
}
