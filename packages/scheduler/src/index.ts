export { ScheduleConfigError } from './errors.js';
export { type EnqueueResult, type ScheduledSlot, type Scheduler, type SchedulerOptions, startScheduler } from './scheduler.js';
export { type RunKind, slotJobId } from './slot.js';
export { type Schedule } from './validate.js';
