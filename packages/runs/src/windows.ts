import { type DateRange, addDays } from '@prewarm/domain';

/** The dashboard ranges warmed for `all` (and for each warmed store): the last 7 and 30 days. */
export function dashboardRanges(end: string): DateRange[] {
  return [7, 30].map((days) => ({ from: addDays(end, 1 - days), to: end }));
}

/** L1/L2 window of a run: the 30-day dashboard range and the 30 days it is compared with. */
export function warmWindow(end: string): DateRange {
  return { from: addDays(end, -59), to: end };
}
