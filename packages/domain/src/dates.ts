/**
 * Business dates are calendar dates (`YYYY-MM-DD`) with no time zone attached.
 * Internally a date is its day number: days since 1970-01-01.
 */
const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export type BusinessDate = string;

/** Day number of a `YYYY-MM-DD` date, or `null` when it is not a real calendar date. */
export function parseBusinessDate(text: string): number | null {
  const m = DATE_RE.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return null;
  return ms / DAY_MS;
}

export function isBusinessDate(text: string): boolean {
  return parseBusinessDate(text) !== null;
}

/** `YYYY-MM-DD` of a day number. */
export function formatDayNumber(day: number): BusinessDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  return formatDayNumber(requireDate(date) + days);
}

/** Inclusive number of days from `from` to `to` (1 when equal). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  return requireDate(to) - requireDate(from) + 1;
}

/** Every date of the inclusive range, in order. */
export function eachDate(from: BusinessDate, to: BusinessDate): BusinessDate[] {
  const out: BusinessDate[] = [];
  for (let d = requireDate(from), end = requireDate(to); d <= end; d++) out.push(formatDayNumber(d));
  return out;
}

export interface DateRange {
  from: BusinessDate;
  to: BusinessDate;
}

/** The same number of days as `range`, ending the day before `range.from`. */
export function previousRange(range: DateRange): DateRange {
  const days = daysBetween(range.from, range.to);
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
}

function requireDate(text: BusinessDate): number {
  const day = parseBusinessDate(text);
  if (day === null) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(text)}`);
  return day;
}

export const DAY_MILLISECONDS = DAY_MS;

/** Today's date in the machine's local time zone (`TZ`), `YYYY-MM-DD`: the default end of runs, `seed` and `--last`. */
export function localToday(now: Date = new Date()): BusinessDate {
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
}

/** The business month (`YYYY-MM`) of a date: L1 chunks are per store and month. */
export function monthOf(date: BusinessDate): string {
  return date.slice(0, 7);
}
