/** An option out of range (a ratio above 1, a negative count…): a programming or config error. */
export class InvalidAnalyzerOptionError extends Error {
  static readonly code = 'E_ANALYZER_OPTION';
  readonly code = InvalidAnalyzerOptionError.code;
  constructor(readonly option: string, message: string) {
    super(`${option}: ${message}`);
    this.name = 'InvalidAnalyzerOptionError';
  }
}

/**
 * The scores in Redis were accumulated under another half-life. They cannot be converted (the
 * individual events are gone), so counting stops until the configuration is put back or the
 * scores are cleared with `HotStoreAnalyzer.reset()`.
 */
export class HalfLifeMismatchError extends Error {
  static readonly code = 'E_HALF_LIFE_MISMATCH';
  readonly code = HalfLifeMismatchError.code;
  constructor(readonly configuredMs: number, readonly storedMs: number, options?: { cause?: unknown }) {
    super(`hot-store scores were accumulated with a half-life of ${storedMs} ms, not the configured ${configuredMs} ms; restore it or reset the analyzer`, options);
    this.name = 'HalfLifeMismatchError';
  }
}
