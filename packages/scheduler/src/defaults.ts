/**
 * The package's default schedules and the names of the environment variables that set them.
 * This package reads no environment: `@prewarm/config` reads the variables and declares the
 * same defaults itself (packages/config/src/schema.ts), and `prewarm scheduler` passes the
 * configured schedules to `startScheduler`. These constants are for other callers and tests;
 * keep them equal to the configuration's defaults.
 */

/** Nightly full warm-up run: 02:00 every day. */
export const DEFAULT_FULL_CRON = '0 2 * * *';
/** Incremental warm-up run: every 15 minutes. */
export const DEFAULT_INCREMENTAL_CRON = '*/15 * * * *';
/** The zone the cron expressions are read in (the business's zone, not the server's). */
export const DEFAULT_SCHEDULE_TIMEZONE = 'Asia/Shanghai';

export const SCHEDULE_ENV = Object.freeze({
  full: 'PREWARM_SCHEDULE_FULL',
  incremental: 'PREWARM_SCHEDULE_INCREMENTAL',
  timezone: 'PREWARM_SCHEDULE_TIMEZONE',
} as const);

/** How long a slot claim is kept in the state Redis: a day, long after every replica has ticked for the slot. */
export const DEFAULT_CLAIM_TTL_SECONDS = 86_400;

/** The two default schedules, read in `timezone`. */
export function defaultSchedules(timezone: string = DEFAULT_SCHEDULE_TIMEZONE): { name: 'full' | 'incremental'; cron: string; timezone: string }[] {
  return [
    { name: 'full', cron: DEFAULT_FULL_CRON, timezone },
    { name: 'incremental', cron: DEFAULT_INCREMENTAL_CRON, timezone },
  ];
}
