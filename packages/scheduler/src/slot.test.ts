import { describe, expect, it } from 'vitest';
import { cronGranularity, slotId, slotJobId, slotTime } from './slot.js';

describe('slotId', () => {
  const nightly = '0 2 * * *';
  // 02:00 in Asia/Shanghai (UTC+8) is 18:00 UTC the day before.
  const at = new Date('2026-11-26T18:00:00.000Z');

  it('names the scheduled instant in UTC', () => {
    expect(slotId('full', at, nightly)).toBe('full:2026-11-26T18:00:00.000Z');
  });

  it('is stable for the same scheduled time, whichever replica computes it a little late', () => {
    const late = new Date(at.getTime() + 450);
    const muchLater = new Date(at.getTime() + 59_999);
    expect(slotId('full', late, nightly)).toBe(slotId('full', at, nightly));
    expect(slotId('full', muchLater, nightly)).toBe(slotId('full', at, nightly));
    expect(slotId('full', new Date(at.getTime() + 60_000), nightly)).not.toBe(slotId('full', at, nightly));
  });

  it('rounds to the second for 6-field expressions', () => {
    const everySecond = '*/1 * * * * *';
    const t = new Date('2026-11-27T03:04:05.000Z');
    expect(slotId('incremental', new Date(t.getTime() + 300), everySecond)).toBe('incremental:2026-11-27T03:04:05.000Z');
    expect(slotId('incremental', new Date(t.getTime() + 1_000), everySecond)).toBe('incremental:2026-11-27T03:04:06.000Z');
  });

  it('differs across kinds for the same time', () => {
    expect(slotId('full', at, nightly)).not.toBe(slotId('incremental', at, nightly));
  });

  it('refuses an invalid date', () => {
    expect(() => slotId('full', new Date(Number.NaN), nightly)).toThrow(TypeError);
  });
});

describe('cronGranularity', () => {
  it.each([
    ['0 2 * * *', 'minute'],
    ['*/15 * * * *', 'minute'],
    ['  */15   * * * *  ', 'minute'],
    ['@daily', 'minute'],
    ['*/1 * * * * *', 'second'],
    ['30 0 2 * * *', 'second'],
  ])('%s → %s', (cron, granularity) => {
    expect(cronGranularity(cron)).toBe(granularity);
  });

  it('slotTime keeps a minute cron on the minute', () => {
    expect(slotTime(new Date('2026-11-27T03:04:05.678Z'), '*/15 * * * *').toISOString()).toBe('2026-11-27T03:04:00.000Z');
  });
});

describe('slotJobId', () => {
  it('gives BullMQ a colon-free job id, distinct per slot', () => {
    const a = slotJobId('full:2026-11-26T18:00:00.000Z');
    expect(a).toBe('full-2026-11-26T18-00-00.000Z');
    expect(a).not.toContain(':');
    expect(slotJobId('incremental:2026-11-26T18:00:00.000Z')).not.toBe(a);
  });
});
