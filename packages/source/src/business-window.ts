import { DAY_MILLISECONDS, type DateRange, parseBusinessDate } from '@prewarm/domain';
import { SourceError } from './types.js';

const HOUR_MS = 3_600_000;
/** The most eastern UTC offset in use (Pacific/Kiritimati, +14:00). */
const MAX_OFFSET_MS = 14 * HOUR_MS;
/** The most western UTC offset in use (Etc/GMT+12, −12:00). */
const MIN_OFFSET_MS = -12 * HOUR_MS;

/** A business date range as day numbers and as the UTC window that surely contains it. */
export interface BusinessWindow {
  /** First and last business day (days since 1970-01-01), inclusive. */
  firstDay: number;
  lastDay: number;
  /** Epoch ms, inclusive: `from` 00:00 UTC − 14 h, where the day starts in the most eastern zone. */
  startMs: number;
  /** Epoch ms, exclusive: `to`+1 00:00 UTC + 12 h, where the day ends in the most western zone. */
  endMs: number;
}

/**
 * Maps business dates [from, to] (each store's own calendar) to a UTC window wide enough for
 * any time zone. Readers select by the window (an index range) and then filter each order
 * exactly by its business date in its store's zone.
 */
export function businessWindow(range: DateRange): BusinessWindow {
  const firstDay = parseBusinessDate(range.from);
  const lastDay = parseBusinessDate(range.to);
  if (firstDay === null) throw new SourceError(`invalid range: from ${JSON.stringify(range.from)} is not a YYYY-MM-DD date`);
  if (lastDay === null) throw new SourceError(`invalid range: to ${JSON.stringify(range.to)} is not a YYYY-MM-DD date`);
  if (firstDay > lastDay) throw new SourceError(`invalid range: from ${range.from} is after to ${range.to}`);
  return {
    firstDay,
    lastDay,
    startMs: firstDay * DAY_MILLISECONDS - MAX_OFFSET_MS,
    endMs: (lastDay + 1) * DAY_MILLISECONDS - MIN_OFFSET_MS,
  };
}
