/**
 * Local calendar fields of an instant in an IANA time zone.
 *
 * `Intl.DateTimeFormat#formatToParts` is correct but costs microseconds a call, too slow for
 * millions of orders. A zone's UTC offset only changes at transitions, and every transition
 * in the tz database since 1970 falls on a quarter hour of UTC (offsets are multiples of
 * 15 minutes), so the offset is cached per zone and per UTC quarter hour.
 */
const QUARTER_HOUR_MS = 15 * 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCaches = new Map<string, Map<number, number>>();
const MAX_CACHED_QUARTERS = 200_000; // about 5.7 years of quarter hours per zone

export function isValidTimeZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone.length === 0) return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, fmt);
  }
  return fmt;
}

function computeOffsetMs(zone: string, epochMs: number): number {
  const parts = formatterFor(zone).formatToParts(new Date(epochMs));
  const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return asUtc - epochMs; // callers pass whole quarter hours, so no sub-second part
}

/** The zone's offset from UTC, in milliseconds, at the given instant. */
export function zoneOffsetMs(zone: string, epochMs: number): number {
  let cache = offsetCaches.get(zone);
  if (!cache) {
    cache = new Map();
    offsetCaches.set(zone, cache);
  }
  const quarter = Math.floor(epochMs / QUARTER_HOUR_MS);
  let offset = cache.get(quarter);
  if (offset === undefined) {
    if (cache.size >= MAX_CACHED_QUARTERS) cache.clear();
    offset = computeOffsetMs(zone, quarter * QUARTER_HOUR_MS);
    cache.set(quarter, offset);
  }
  return offset;
}

export interface LocalDayHour {
  /** Local calendar day, as days since 1970-01-01. */
  day: number;
  /** Local hour, 0–23. */
  hour: number;
}

/** Business day number and local hour of an instant in a zone. */
export function localDayHour(zone: string, epochMs: number): LocalDayHour {
  const local = epochMs + zoneOffsetMs(zone, epochMs);
  const day = Math.floor(local / DAY_MS);
  return { day, hour: Math.floor((local - day * DAY_MS) / HOUR_MS) };
}
