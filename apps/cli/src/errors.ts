import { ConfigError } from '@prewarm/config';
import { InvalidRequestError, NotFoundError } from '@prewarm/compute';
import { CsvFormatError, ImportRejectedError, SourceError } from '@prewarm/source';
import { RedisUnavailableError } from '@prewarm/redis';

/** Exit codes of `prewarm` (documented in the README). */
export const EXIT = {
  ok: 0,
  /** A runtime failure: unreachable source or Redis, a failed run. */
  failure: 1,
  /** Bad arguments, bad configuration or bad input data. */
  usage: 2,
  /** The request names something that does not exist (an unknown store). */
  notFound: 3,
} as const;

/** An error the CLI reports as one line, with the exit code it implies. */
export class CliError extends Error {
  static readonly code = 'E_CLI';
  readonly code = CliError.code;
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** One line for the user and an exit code; unexpected errors keep their stack for debugging. */
export function describeError(err: unknown): { line: string; exitCode: number; unexpected: boolean } {
  if (err instanceof CliError) return { line: err.message, exitCode: err.exitCode, unexpected: false };
  if (err instanceof ConfigError || err instanceof InvalidRequestError) return { line: err.message, exitCode: EXIT.usage, unexpected: false };
  if (err instanceof CsvFormatError || err instanceof ImportRejectedError) return { line: err.message, exitCode: EXIT.usage, unexpected: false };
  if (err instanceof NotFoundError) return { line: err.message, exitCode: EXIT.notFound, unexpected: false };
  if (err instanceof RedisUnavailableError) return { line: err.message, exitCode: EXIT.failure, unexpected: false };
  if (err instanceof SourceError) return { line: err.message, exitCode: EXIT.failure, unexpected: false };
  const message = err instanceof Error ? err.message : String(err);
  return { line: `unexpected error: ${message.split('\n')[0]}`, exitCode: EXIT.failure, unexpected: true };
}
