import { parseConfig } from '@prewarm/config';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLAIM_TTL_SECONDS } from './defaults.js';
import { validateSchedules } from './validate.js';

/** The schedules `prewarm scheduler` starts with when nothing is configured. */
function configuredSchedules(env: Record<string, string> = {}) {
  const { schedule } = parseConfig(env);
  return [
    { name: 'full' as const, cron: schedule.full, timezone: schedule.timezone },
    { name: 'incremental' as const, cron: schedule.incremental, timezone: schedule.timezone },
  ];
}

describe('default schedules (from the configuration)', () => {
  it('are the nightly full run and the 15-minute incremental run, in Asia/Shanghai; a claim lasts a day', () => {
    expect(configuredSchedules()).toEqual([
      { name: 'full', cron: '0 2 * * *', timezone: 'Asia/Shanghai' },
      { name: 'incremental', cron: '*/15 * * * *', timezone: 'Asia/Shanghai' },
    ]);
    expect(DEFAULT_CLAIM_TTL_SECONDS).toBe(86_400);
  });

  it('pass validation, in another zone too', () => {
    expect(() => validateSchedules(configuredSchedules())).not.toThrow();
    expect(() => validateSchedules(configuredSchedules({ PREWARM_SCHEDULE_TIMEZONE: 'Europe/Berlin' }))).not.toThrow();
  });
});
