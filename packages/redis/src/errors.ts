/** No Redis answers at a configured URL: one line naming the URL (password hidden), the variable and the role. */
export class RedisUnavailableError extends Error {
  static readonly code = 'E_REDIS_UNAVAILABLE';
  readonly code = RedisUnavailableError.code;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisUnavailableError';
  }
}
