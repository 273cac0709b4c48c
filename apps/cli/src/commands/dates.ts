import { addDays, localToday } from '@prewarm/domain';
import { CliError } from '../errors.js';

export interface DateOptions {
  from?: string;
  to?: string;
  last?: string;
}

/** `--from/--to`, or `--last N` (N days ending today). Validation of the dates is the caller's. */
export function resolveDates(opts: DateOptions): [string, string] {
  if (opts.last !== undefined) {
    if (opts.from !== undefined || opts.to !== undefined) throw new CliError('use either --last or --from/--to, not both');
    if (!/^\d{1,4}$/.test(opts.last) || Number(opts.last) < 1 || Number(opts.last) > 3660) {
      throw new CliError(`--last must be a number of days from 1 to 3660, got ${JSON.stringify(opts.last)}`);
    }
    const to = localToday();
    return [addDays(to, 1 - Number(opts.last)), to];
  }
  if (opts.from === undefined) throw new CliError('missing --from (or use --last N)');
  if (opts.to === undefined) throw new CliError('missing --to (or use --last N)');
  return [opts.from, opts.to];
}
