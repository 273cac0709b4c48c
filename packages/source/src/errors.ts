import { SourceError } from './types.js';

/** A CSV file that cannot be imported at all: unreadable, malformed, or missing a column. */
export class CsvFormatError extends SourceError {
  static override readonly code = 'E_CSV_FORMAT';
  constructor(
    message: string,
    /** The file, as given. */
    readonly file: string,
    /** 1-based line, when the problem has one. */
    readonly line?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CsvFormatError';
  }
}

/** `--strict` import found bad rows: nothing was written. */
export class ImportRejectedError extends SourceError {
  static override readonly code = 'E_IMPORT_REJECTED';
  constructor(
    message: string,
    readonly skippedStores: number,
    readonly skippedOrders: number,
  ) {
    super(message);
    this.name = 'ImportRejectedError';
  }
}

/** The message of anything thrown, without its stack. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
