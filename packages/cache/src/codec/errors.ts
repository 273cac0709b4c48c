/**
 * Codec failures. Every error a decode path throws is a `CodecError`: the cache treats any of
 * them on read as a miss (delete, count, log), never as a crash or as data.
 */
export class CodecError extends Error {
  static readonly code: string = 'E_CODEC';
  readonly code: string = CodecError.code;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CodecError';
  }
}

/** A stored layout or compressor id that this build does not know (a newer writer, or garbage). */
export class UnknownCodecError extends CodecError {
  static override readonly code = 'E_CODEC_UNKNOWN';
  override readonly code = UnknownCodecError.code;
  constructor(
    readonly kind: 'layout' | 'compressor',
    /** The id or name asked for. */
    readonly key: number | string,
  ) {
    super(`unknown ${kind} ${typeof key === 'number' ? `id ${key}` : JSON.stringify(key)}`);
    this.name = 'UnknownCodecError';
  }
}

/** A known codec whose implementation cannot be loaded here (zstd without its native binding). */
export class CodecUnavailableError extends CodecError {
  static override readonly code = 'E_CODEC_UNAVAILABLE';
  override readonly code = CodecUnavailableError.code;
  constructor(
    readonly codec: string,
    options?: { cause?: unknown },
  ) {
    super(`codec ${codec} is not available in this process`, options);
    this.name = 'CodecUnavailableError';
  }
}

/** Bytes that do not decode: truncated, corrupted, or not produced by this codec. */
export class CorruptPayloadError extends CodecError {
  static override readonly code = 'E_CODEC_CORRUPT';
  override readonly code = CorruptPayloadError.code;
  constructor(
    /** The layout or compressor that rejected the bytes. */
    readonly codec: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`corrupt ${codec} payload: ${detail}`, options);
    this.name = 'CorruptPayloadError';
  }
}

/** A value the layout cannot represent exactly (a caller bug, found when writing). */
export class UnencodableValueError extends CodecError {
  static override readonly code = 'E_CODEC_UNENCODABLE';
  override readonly code = UnencodableValueError.code;
  constructor(
    readonly codec: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${codec} cannot encode the value: ${detail}`, options);
    this.name = 'UnencodableValueError';
  }
}

/** Every codec error class, for code-uniqueness tests and documentation. */
export const CODEC_ERROR_CLASSES = [
  CodecError,
  UnknownCodecError,
  CodecUnavailableError,
  CorruptPayloadError,
  UnencodableValueError,
] as const;
