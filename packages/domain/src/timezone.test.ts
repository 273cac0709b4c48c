import { describe, expect, it } from 'vitest';
import { parseBusinessDate } from './dates.js';
import { parseTimestamp } from './timestamp.js';
import { isValidTimeZone, localDayHour, zoneOffsetMs } from './timezone.js';

const HOUR = 3_600_000;
const at = (text: string): number => {
  const ms = parseTimestamp(text);
  if (ms === null) throw new Error(`bad test timestamp ${text}`);
  return ms;
};
const day = (date: string): number => parseBusinessDate(date)!;

/** Local date and hour straight from Intl, the slow reference the cache must agree with. */
function referenceDayHour(zone: string, epochMs: number): { day: number; hour: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
  }).formatToParts(new Date(epochMs));
  const field = (type: string): number => Number(parts.find((p) => p.type === type)!.value);
  return { day: Date.UTC(field('year'), field('month') - 1, field('day')) / 86_400_000, hour: field('hour') };
}

describe('isValidTimeZone', () => {
  it('accepts IANA zones and rejects others', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('America/Los_Angeles')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});

describe('zoneOffsetMs', () => {
  it('gives fixed and DST offsets', () => {
    expect(zoneOffsetMs('Asia/Shanghai', at('2026-07-01T00:00:00Z'))).toBe(8 * HOUR);
    expect(zoneOffsetMs('America/Los_Angeles', at('2026-01-15T12:00:00Z'))).toBe(-8 * HOUR);
    expect(zoneOffsetMs('America/Los_Angeles', at('2026-07-15T12:00:00Z'))).toBe(-7 * HOUR);
    expect(zoneOffsetMs('Asia/Kolkata', at('2026-07-15T12:00:00Z'))).toBe(5.5 * HOUR);
    expect(zoneOffsetMs('Asia/Kathmandu', at('2026-07-15T12:00:00Z'))).toBe(5.75 * HOUR);
  });

  it('switches exactly at the Los Angeles transitions of 2026', () => {
    // spring forward: 2026-03-08 02:00 PST = 10:00Z
    expect(zoneOffsetMs('America/Los_Angeles', at('2026-03-08T09:59:59.999Z'))).toBe(-8 * HOUR);
    expect(zoneOffsetMs('America/Los_Angeles', at('2026-03-08T10:00:00Z'))).toBe(-7 * HOUR);
    // fall back: 2026-11-01 02:00 PDT = 09:00Z
    expect(zoneOffsetMs('America/Los_Angeles', at('2026-11-01T08:59:59.999Z'))).toBe(-7 * HOUR);
    expect(zoneOffsetMs('America/Los_Angeles', at('2026-11-01T09:00:00Z'))).toBe(-8 * HOUR);
  });
});

describe('localDayHour', () => {
  it('puts local midnight and 23:59:59 on the right date and hour (Asia/Shanghai)', () => {
    expect(localDayHour('Asia/Shanghai', at('2026-11-02T00:00:00+08:00'))).toEqual({ day: day('2026-11-02'), hour: 0 });
    expect(localDayHour('Asia/Shanghai', at('2026-11-01T23:59:59+08:00'))).toEqual({ day: day('2026-11-01'), hour: 23 });
    expect(localDayHour('Asia/Shanghai', at('2026-11-01T23:59:59.999+08:00'))).toEqual({ day: day('2026-11-01'), hour: 23 });
  });

  it('converts a Z timestamp to the next local day (16:30Z is 00:30 in Shanghai)', () => {
    expect(localDayHour('Asia/Shanghai', at('2026-11-01T16:30:00Z'))).toEqual({ day: day('2026-11-02'), hour: 0 });
    expect(localDayHour('Asia/Shanghai', at('2026-11-01T15:59:59Z'))).toEqual({ day: day('2026-11-01'), hour: 23 });
  });

  it('converts a -05:00 timestamp into the store zone', () => {
    // 10:30-05:00 = 15:30Z = 23:30 in Shanghai; 11:00-05:00 = 16:00Z = 00:00 next day
    expect(localDayHour('Asia/Shanghai', at('2026-11-01T10:30:00-05:00'))).toEqual({ day: day('2026-11-01'), hour: 23 });
    expect(localDayHour('Asia/Shanghai', at('2026-11-01T11:00:00-05:00'))).toEqual({ day: day('2026-11-02'), hour: 0 });
  });

  it('skips the missing hour when Los Angeles springs forward (2026-03-08)', () => {
    const la = 'America/Los_Angeles';
    expect(localDayHour(la, at('2026-03-08T01:59:59-08:00'))).toEqual({ day: day('2026-03-08'), hour: 1 });
    expect(localDayHour(la, at('2026-03-08T03:00:00-07:00'))).toEqual({ day: day('2026-03-08'), hour: 3 });
    // 02:30 "PST" does not exist locally: it is 10:30Z = 03:30 PDT
    expect(localDayHour(la, at('2026-03-08T02:30:00-08:00'))).toEqual({ day: day('2026-03-08'), hour: 3 });
  });

  it('repeats hour 1 when Los Angeles falls back (2026-11-01)', () => {
    const la = 'America/Los_Angeles';
    expect(localDayHour(la, at('2026-11-01T01:30:00-07:00'))).toEqual({ day: day('2026-11-01'), hour: 1 });
    expect(localDayHour(la, at('2026-11-01T01:30:00-08:00'))).toEqual({ day: day('2026-11-01'), hour: 1 });
    expect(localDayHour(la, at('2026-11-01T02:00:00-08:00'))).toEqual({ day: day('2026-11-01'), hour: 2 });
    expect(localDayHour(la, at('2026-11-01T23:59:59-08:00'))).toEqual({ day: day('2026-11-01'), hour: 23 });
    expect(localDayHour(la, at('2026-11-02T00:00:00-08:00'))).toEqual({ day: day('2026-11-02'), hour: 0 });
  });

  it('works before 1970 (negative epoch)', () => {
    expect(localDayHour('UTC', at('1969-12-31T23:30:00Z'))).toEqual({ day: -1, hour: 23 });
    expect(localDayHour('Asia/Shanghai', at('1969-12-31T16:00:00Z'))).toEqual({ day: 0, hour: 0 });
  });

  it.each([
    ['America/Los_Angeles', '2026-03-07T00:00:00Z'],
    ['America/Los_Angeles', '2026-10-31T00:00:00Z'],
    ['Asia/Shanghai', '2026-10-31T00:00:00Z'],
    ['Asia/Kathmandu', '2026-10-31T00:00:00Z'],
    ['America/St_Johns', '2026-10-31T12:00:00Z'],
    ['Australia/Lord_Howe', '2026-10-03T00:00:00Z'],
    ['Pacific/Chatham', '2026-09-26T00:00:00Z'],
  ])('agrees with Intl minute by minute around transitions (%s from %s)', (zone, start) => {
    const from = at(start);
    for (let t = from; t < from + 3 * 24 * HOUR; t += 7 * 60_000 + 13_000) {
      expect(localDayHour(zone, t), `${zone} ${new Date(t).toISOString()}`).toEqual(referenceDayHour(zone, t));
    }
  });
});
