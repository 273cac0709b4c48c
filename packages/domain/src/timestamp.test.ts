import { describe, expect, it } from 'vitest';
import { parseTimestamp } from './timestamp.js';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number => Date.UTC(y, mo - 1, d, h, mi, s, ms);

describe('parseTimestamp: accepted forms', () => {
  it('reads a UTC timestamp with Z', () => {
    expect(parseTimestamp('2026-11-01T16:30:00Z')).toBe(utc(2026, 11, 1, 16, 30));
  });

  it('reads a lowercase z as UTC', () => {
    expect(parseTimestamp('2026-11-01T16:30:00z')).toBe(utc(2026, 11, 1, 16, 30));
  });

  it('applies a +08:00 offset', () => {
    expect(parseTimestamp('2026-11-01T23:59:30+08:00')).toBe(utc(2026, 11, 1, 15, 59, 30));
  });

  it('applies a -05:00 offset', () => {
    expect(parseTimestamp('2026-11-01T10:30:00-05:00')).toBe(utc(2026, 11, 1, 15, 30));
  });

  it('applies a compact -0530 offset', () => {
    expect(parseTimestamp('2026-11-01T10:00:00-0530')).toBe(utc(2026, 11, 1, 15, 30));
  });

  it('applies a compact +0545 offset and an hours-only +08 offset', () => {
    expect(parseTimestamp('2026-11-01T10:00:00+0545')).toBe(utc(2026, 11, 1, 4, 15));
    expect(parseTimestamp('2026-11-01T10:00:00+08')).toBe(utc(2026, 11, 1, 2, 0));
  });

  it('treats +00:00 and -00:00 as UTC', () => {
    expect(parseTimestamp('2026-11-01T10:00:00+00:00')).toBe(utc(2026, 11, 1, 10));
    expect(parseTimestamp('2026-11-01T10:00:00-00:00')).toBe(utc(2026, 11, 1, 10));
  });

  it('crosses the date line when the offset moves the instant to another UTC day', () => {
    expect(parseTimestamp('2026-01-01T00:00:00+08:00')).toBe(utc(2025, 12, 31, 16));
    expect(parseTimestamp('2026-12-31T23:00:00-05:00')).toBe(utc(2027, 1, 1, 4));
  });

  it('reads fractional seconds to the millisecond, truncating extra digits', () => {
    expect(parseTimestamp('2026-11-01T16:30:00.5Z')).toBe(utc(2026, 11, 1, 16, 30, 0, 500));
    expect(parseTimestamp('2026-11-01T16:30:00.123Z')).toBe(utc(2026, 11, 1, 16, 30, 0, 123));
    expect(parseTimestamp('2026-11-01T16:30:00.123999999+08:00')).toBe(utc(2026, 11, 1, 8, 30, 0, 123));
    expect(parseTimestamp('2026-11-01T16:30:59.999Z')).toBe(utc(2026, 11, 1, 16, 30, 59, 999));
  });

  it('accepts a space instead of T and a time without seconds', () => {
    expect(parseTimestamp('2026-11-01 16:30:00Z')).toBe(utc(2026, 11, 1, 16, 30));
    expect(parseTimestamp('2026-11-01T16:30+08:00')).toBe(utc(2026, 11, 1, 8, 30));
  });

  it('accepts the extremes of each field', () => {
    expect(parseTimestamp('2026-12-31T23:59:59Z')).toBe(utc(2026, 12, 31, 23, 59, 59));
    expect(parseTimestamp('2026-01-01T00:00:00Z')).toBe(utc(2026, 1, 1));
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseTimestamp('2028-02-29T12:00:00+08:00')).toBe(utc(2028, 2, 29, 4));
  });

  it('reads years below 100 as themselves, not as 19xx', () => {
    const ms = parseTimestamp('0050-03-01T00:00:00Z');
    expect(ms).not.toBeNull();
    expect(new Date(ms!).getUTCFullYear()).toBe(50);
  });
});

describe('parseTimestamp: rejected forms', () => {
  it.each([
    ['no offset', '2026-11-01T16:30:00'],
    ['date only', '2026-11-01'],
    ['30 February', '2026-02-30T10:00:00Z'],
    ['29 February in a non-leap year', '2026-02-29T10:00:00Z'],
    ['31 April', '2026-04-31T10:00:00+08:00'],
    ['month 13', '2026-13-01T10:00:00Z'],
    ['month 0', '2026-00-10T10:00:00Z'],
    ['day 0', '2026-11-00T10:00:00Z'],
    ['hour 24', '2026-11-01T24:00:00Z'],
    ['minute 60', '2026-11-01T10:60:00Z'],
    ['second 60', '2026-11-01T10:00:60Z'],
    ['offset hour above 18', '2026-11-01T10:00:00+19:00'],
    ['offset minute 60', '2026-11-01T10:00:00+08:60'],
    ['single-digit offset hour', '2026-11-01T10:00:00+8:00'],
    ['single-digit month', '2026-1-01T10:00:00Z'],
    ['trailing text', '2026-11-01T10:00:00Z junk'],
    ['leading space', ' 2026-11-01T10:00:00Z'],
    ['zone name instead of offset', '2026-11-01T10:00:00 Asia/Shanghai'],
    ['empty string', ''],
    ['garbage', 'yesterday at noon'],
    ['NaN', 'NaN'],
    ['epoch milliseconds as text', '1793550000000'],
  ])('rejects %s (%j)', (_label, text) => {
    expect(parseTimestamp(text)).toBeNull();
  });
});

describe('parseTimestamp canonical fast path', () => {
  it('agrees with the instant for 20,000 seeded canonical timestamps in many offsets', () => {
    let state = 12345;
    const next = (): number => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 20_000; i++) {
      const whole = Math.floor(next() * 5e9 - 1e9) * 1000; // 1938 … 2096, whole seconds
      const offset = (Math.floor(next() * 105) - 48) * 15; // −12:00 … +14:00 in quarter hours
      const local = new Date(whole + offset * 60_000).toISOString().slice(0, 19);
      const abs = Math.abs(offset);
      const zone = offset === 0 && i % 2 === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      expect(parseTimestamp(`${local}${zone}`)).toBe(whole);
    }
  });

  it.each(['2026-02-29T10:00:00Z', '2026-04-31T10:00:00+08:00', '2026-11-01T24:00:00Z', '2026-11-01T10:00:00+19:00', '2026-11-01T10:60:00Z'])(
    'rejects %s',
    (text) => {
      expect(parseTimestamp(text)).toBeNull();
    },
  );

  it('accepts 2028-02-29 and 2000-02-29 (leap years) but not 1900-02-29', () => {
    expect(parseTimestamp('2028-02-29T00:00:00Z')).toBe(Date.UTC(2028, 1, 29));
    expect(parseTimestamp('2000-02-29T00:00:00Z')).toBe(Date.UTC(2000, 1, 29));
    expect(parseTimestamp('1900-02-29T00:00:00Z')).toBeNull();
  });
});
