import type { Config } from '@prewarm/config';
import type { Logger } from 'pino';

/** What every command receives from the composition root. */
export interface CommandContext {
  config: Config;
  logger: Logger;
  /** Where results go (stdout); diagnostics go to `warn`. */
  out: (text: string) => void;
  /** One line on stderr, for humans. */
  warn: (text: string) => void;
}
