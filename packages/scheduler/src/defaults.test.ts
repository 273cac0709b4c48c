import { describe, expect, it } from 'vitest';
import { DEFAULT_FULL_CRON, DEFAULT_INCREMENTAL_CRON, DEFAULT_SCHEDULE_TIMEZONE, defaultSchedules } from './defaults.js';
import { validateSchedules } from './validate.js';

describe('defaults', () => {
  it('are the nightly full run and the 15-minute incremental run, in Asia/Shanghai', () => {
    expect(defaultSchedules()).toEqual([
      { name: 'full', cron: '0 2 * * *', timezone: 'Asia/Shanghai' },
      { name: 'incremental', cron: '*/15 * * * *', timezone: 'Asia/Shanghai' },
    ]);
    expect([DEFAULT_FULL_CRON, DEFAULT_INCREMENTAL_CRON, DEFAULT_SCHEDULE_TIMEZONE]).toEqual(['0 2 * * *', '*/15 * * * *', 'Asia/Shanghai']);
  });

  it('pass validation', () => {
    expect(() => validateSchedules(defaultSchedules())).not.toThrow();
    expect(() => validateSchedules(defaultSchedules('Europe/Berlin'))).not.toThrow();
  });
});
