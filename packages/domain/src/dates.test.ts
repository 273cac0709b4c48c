import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, eachDate, formatDayNumber, isBusinessDate, parseBusinessDate, previousRange, localToday, monthOf } from './dates.js';

describe('parseBusinessDate', () => {
  it('gives day numbers counted from 1970-01-01', () => {
    expect(parseBusinessDate('1970-01-01')).toBe(0);
    expect(parseBusinessDate('1970-01-02')).toBe(1);
    expect(parseBusinessDate('1969-12-31')).toBe(-1);
    expect(parseBusinessDate('2026-11-02')).toBe(Date.UTC(2026, 10, 2) / 86_400_000);
  });

  it('accepts 29 February in leap years (2028, 2000)', () => {
    expect(parseBusinessDate('2028-02-29')).toBe(Date.UTC(2028, 1, 29) / 86_400_000);
    expect(parseBusinessDate('2000-02-29')).not.toBeNull();
  });

  it.each([
    ['month 13', '2026-13-01'],
    ['month 0', '2026-00-01'],
    ['29 February in a non-leap year', '2026-02-29'],
    ['29 February in a century non-leap year', '1900-02-29'],
    ['31 April', '2026-04-31'],
    ['day 0', '2026-11-00'],
    ['day 32', '2026-01-32'],
    ['single-digit month', '2026-1-01'],
    ['no separators', '20261101'],
    ['a timestamp', '2026-11-01T00:00:00Z'],
    ['empty', ''],
    ['garbage', 'today'],
  ])('rejects %s (%j)', (_label, text) => {
    expect(parseBusinessDate(text)).toBeNull();
    expect(isBusinessDate(text)).toBe(false);
  });

  it('isBusinessDate accepts real dates', () => {
    expect(isBusinessDate('2026-11-01')).toBe(true);
  });
});

describe('formatDayNumber', () => {
  it('round-trips with parseBusinessDate', () => {
    for (const date of ['1970-01-01', '1969-12-31', '2026-03-08', '2028-02-29', '2026-12-31']) {
      expect(formatDayNumber(parseBusinessDate(date)!)).toBe(date);
    }
  });
});

describe('addDays', () => {
  it('crosses month, year and leap-day boundaries', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-11-01', 0)).toBe('2026-11-01');
  });

  it('throws a RangeError on a malformed date', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
  });
});

describe('daysBetween and eachDate', () => {
  it('counts inclusively', () => {
    expect(daysBetween('2026-11-01', '2026-11-01')).toBe(1);
    expect(daysBetween('2026-11-01', '2026-11-07')).toBe(7);
    expect(daysBetween('2028-02-01', '2028-03-01')).toBe(30);
    expect(daysBetween('2026-02-01', '2026-03-01')).toBe(29);
  });

  it('lists every date of the range in order', () => {
    expect(eachDate('2028-02-27', '2028-03-01')).toEqual(['2028-02-27', '2028-02-28', '2028-02-29', '2028-03-01']);
    expect(eachDate('2026-12-31', '2027-01-01')).toEqual(['2026-12-31', '2027-01-01']);
    expect(eachDate('2026-11-01', '2026-11-01')).toEqual(['2026-11-01']);
    expect(eachDate('2026-11-02', '2026-11-01')).toEqual([]);
  });
});

describe('previousRange', () => {
  it('is the same number of days ending the day before from', () => {
    expect(previousRange({ from: '2026-11-08', to: '2026-11-14' })).toEqual({ from: '2026-11-01', to: '2026-11-07' });
  });

  it('handles a single day', () => {
    expect(previousRange({ from: '2026-11-01', to: '2026-11-01' })).toEqual({ from: '2026-10-31', to: '2026-10-31' });
  });

  it('crosses a month boundary in a non-leap year', () => {
    expect(previousRange({ from: '2026-03-01', to: '2026-03-07' })).toEqual({ from: '2026-02-22', to: '2026-02-28' });
  });

  it('lands on the leap day', () => {
    expect(previousRange({ from: '2028-03-01', to: '2028-03-01' })).toEqual({ from: '2028-02-29', to: '2028-02-29' });
    expect(previousRange({ from: '2028-03-01', to: '2028-03-31' })).toEqual({ from: '2028-01-30', to: '2028-02-29' });
  });

  it('crosses a year boundary', () => {
    expect(previousRange({ from: '2026-01-01', to: '2026-01-31' })).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(previousRange({ from: '2027-01-01', to: '2027-01-03' })).toEqual({ from: '2026-12-29', to: '2026-12-31' });
  });
});

describe('localToday', () => {
  it('is the calendar date of the local time zone', () => {
    const now = new Date(2026, 10, 30, 23, 59, 30); // local wall-clock time
    expect(localToday(now)).toBe('2026-11-30');
    expect(localToday(new Date(2026, 0, 1, 0, 0, 1))).toBe('2026-01-01');
  });
});

describe('monthOf', () => {
  it('is the YYYY-MM of a date', () => {
    expect(monthOf('2026-11-30')).toBe('2026-11');
    expect(monthOf('2027-01-01')).toBe('2027-01');
  });
});
