import { isValidTimeZone } from '@prewarm/domain';
import { validate, validateDetailed } from 'node-cron';
import { ScheduleConfigError } from './errors.js';
import { RUN_KINDS, type RunKind } from './slot.js';

export interface Schedule {
  name: RunKind;
  /** 5 fields (minute granularity) or 6 fields (seconds first), read in `timezone`. */
  cron: string;
  /** IANA zone name, e.g. `Asia/Shanghai`. */
  timezone: string;
}

const FIELD_LABELS: Record<string, string> = {
  second: 'second',
  minute: 'minute',
  hour: 'hour',
  dayOfMonth: 'day of month',
  month: 'month',
  dayOfWeek: 'day of week',
};

/** Throws a `ScheduleConfigError` naming the schedule for the first thing wrong with it. */
export function validateSchedule(schedule: Schedule): void {
  const name = String(schedule.name);
  if (!(RUN_KINDS as readonly string[]).includes(name)) {
    throw new ScheduleConfigError(name, 'name', `schedule "${name}": unknown schedule name (expected ${RUN_KINDS.map((k) => `"${k}"`).join(' or ')})`);
  }
  const problem = cronProblem(schedule.cron);
  if (problem !== null) {
    throw new ScheduleConfigError(name, 'cron', `schedule "${name}": invalid cron expression "${schedule.cron}": ${problem}`);
  }
  if (!isValidTimeZone(schedule.timezone)) {
    throw new ScheduleConfigError(
      name,
      'timezone',
      `schedule "${name}": unknown time zone "${schedule.timezone}" (expected an IANA name such as "Asia/Shanghai")`,
    );
  }
}

/** Validates every schedule up front, before any task is started. */
export function validateSchedules(schedules: readonly Schedule[]): void {
  for (const schedule of schedules) validateSchedule(schedule);
}

/** Why node-cron would refuse the expression, or null when it accepts it. */
function cronProblem(expression: unknown): string | null {
  if (typeof expression !== 'string' || expression.trim() === '') return 'empty expression';
  let detailed;
  try {
    detailed = validateDetailed(expression);
  } catch (err) {
    return (err as Error).message;
  }
  const first = detailed.errors[0];
  if (first) {
    const label = FIELD_LABELS[first.field];
    return label && first.value !== undefined && !first.message.includes('impossible')
      ? `"${first.value}" is not a valid ${label}`
      : first.message;
  }
  return validate(expression) ? null : 'rejected by node-cron';
}
