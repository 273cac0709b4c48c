/** A request names something that is not in the source, e.g. an unknown store. */
export class NotFoundError extends Error {
  static readonly code = 'E_NOT_FOUND';
  readonly code = NotFoundError.code;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotFoundError';
  }
}

/** A request is malformed: bad dates, bad store ids, an inverted range. */
export class InvalidRequestError extends Error {
  static readonly code = 'E_INVALID_REQUEST';
  readonly code = InvalidRequestError.code;
  constructor(
    message: string,
    /** The parameter at fault, e.g. `from` or `stores`. */
    readonly parameter: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InvalidRequestError';
  }
}
