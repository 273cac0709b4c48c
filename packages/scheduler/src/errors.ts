/** A schedule that cannot run: bad kind, cron expression or time zone. Raised before any task starts. */
export class ScheduleConfigError extends Error {
  static readonly code = 'E_SCHEDULE_CONFIG';
  readonly code = ScheduleConfigError.code;
  constructor(
    /** The schedule's name (`full`, `incremental`, or what the caller passed). */
    readonly schedule: string,
    readonly field: 'name' | 'cron' | 'timezone',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ScheduleConfigError';
  }
}
