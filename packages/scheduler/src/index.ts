export {
  DEFAULT_CLAIM_TTL_SECONDS,
  DEFAULT_FULL_CRON,
  DEFAULT_INCREMENTAL_CRON,
  DEFAULT_SCHEDULE_TIMEZONE,
  SCHEDULE_ENV,
  defaultSchedules,
} from './defaults.js';
export { ScheduleConfigError } from './errors.js';
export {
  type EnqueueResult,
  LATE_TICK_TOLERANCE_MS,
  type ScheduledSlot,
  type Scheduler,
  type SchedulerOptions,
  startScheduler,
} from './scheduler.js';
export { RUN_KINDS, type RunKind, type SlotGranularity, cronGranularity, slotId, slotJobId, slotTime } from './slot.js';
export { type Schedule, validateSchedule, validateSchedules } from './validate.js';
