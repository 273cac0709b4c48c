import { type DateRange, addDays } from '@prewarm/domain';

/** The dashboard ranges warmed for `all` (and for each warmed store): the last 7 and 30 days. */
export function dashboardRanges(end: string): DateRange[] {
  return [7, 30].map((days) => ({ from: addDays(end, 1 - days), to: end }));
}

/** How many days back a dashboard's default 30-day range may end and still read only warm days. */
export const WARM_LOOKBACK_DAYS = 7;

/**
 * L1/L2 window of a run: a 30-day range ending on `end` or up to `WARM_LOOKBACK_DAYS` before
 * it, and the 30 days each is compared with — 67 days. With 60 (the last 30 days and their
 * previous period only), the first read of a 30-day range ending a few days ago computed the
 * days just before the window from the source for every store (120–296 ms for 100 stores).
 */
export function warmWindow(end: string): DateRange {
  return { from: addDays(end, -59 - WARM_LOOKBACK_DAYS), to: end };
}

/**
 * The 30-day range ending `WARM_LOOKBACK_DAYS` before `end`: the global phase warms its
 * all-stores diagnosis too, which reads (and so fills) every store's days of the whole window.
 */
export function lookbackRange(end: string): DateRange {
  return { from: addDays(end, -29 - WARM_LOOKBACK_DAYS), to: addDays(end, -WARM_LOOKBACK_DAYS) };
}
