/** A stored entry that cannot be trusted: treated as a miss, deleted, counted and logged. */
export class CorruptEntryError extends Error {
  static readonly code = 'E_CORRUPT_ENTRY';
  readonly code = CorruptEntryError.code;
  constructor(
    readonly reason: 'truncated' | 'bad_magic' | 'unknown_version' | 'unknown_codec' | 'checksum' | 'undecodable',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CorruptEntryError';
  }
}

/** Reads the access log held when it closed and could not write (they are counted as dropped). */
export class AccessLogLostError extends Error {
  static readonly code = 'E_ACCESS_LOG_LOST';
  readonly code = AccessLogLostError.code;
  constructor(
    readonly reads: number,
    options?: { cause?: unknown },
  ) {
    super(`${reads} recorded reads could not be written to the access stream`, options);
    this.name = 'AccessLogLostError';
  }
}

/** Every error class of the cache (codec errors: `CODEC_ERROR_CLASSES`), for code-uniqueness tests. */
export const CACHE_ERROR_CLASSES = [CorruptEntryError, AccessLogLostError] as const;
