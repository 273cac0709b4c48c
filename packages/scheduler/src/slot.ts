/**
 * Slots: the stable identity of one scheduled time of one kind of run. Every replica derives
 * the same slot from the same scheduled time, whatever its own clock says when it ticks.
 */

export type RunKind = 'full' | 'incremental';
export const RUN_KINDS: readonly RunKind[] = Object.freeze(['full', 'incremental'] as const);

/** The step a cron expression fires on: 6-field expressions have seconds, 5-field ones minutes. */
export type SlotGranularity = 'second' | 'minute';

const STEP_MS: Record<SlotGranularity, number> = { second: 1_000, minute: 60_000 };

/** `second` for a 6-field expression, `minute` for a 5-field one or a nickname (`@daily`). */
export function cronGranularity(cronExpression: string): SlotGranularity {
  return cronExpression.trim().split(/\s+/).length === 6 ? 'second' : 'minute';
}

/** The scheduled time rounded down to the cron's own granularity. */
export function slotTime(scheduledAt: Date, cronExpression: string): Date {
  const ms = scheduledAt.getTime();
  if (!Number.isFinite(ms)) throw new TypeError('slotTime: scheduledAt is not a valid date');
  const step = STEP_MS[cronGranularity(cronExpression)];
  return new Date(Math.floor(ms / step) * step);
}

/**
 * The slot id, e.g. `full:2026-11-26T18:00:00.000Z` (02:00 in Asia/Shanghai). The time is the
 * scheduled instant in UTC, rounded down to the cron's granularity, so ticks a few hundred
 * milliseconds apart on different replicas give the same id.
 */
export function slotId(kind: RunKind, scheduledAt: Date, cronExpression: string): string {
  return `${kind}:${slotTime(scheduledAt, cronExpression).toISOString()}`;
}

/**
 * A BullMQ job id for the slot. BullMQ rejects custom ids containing `:` ("Custom Id cannot
 * contain :"), so the colons become dashes: `full-2026-11-26T18-00-00.000Z`.
 */
export function slotJobId(slot: string): string {
  return slot.replaceAll(':', '-');
}
