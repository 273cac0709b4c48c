/** A stored entry that cannot be trusted: treated as a miss, deleted, counted and logged. */
export class CorruptEntryError extends Error {
  static readonly code = 'E_CORRUPT_ENTRY';
  constructor(
    readonly reason: 'truncated' | 'bad_magic' | 'unknown_version' | 'unknown_codec' | 'checksum' | 'undecodable',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CorruptEntryError';
  }
}
