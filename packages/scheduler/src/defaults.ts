/**
 * The scheduler's own default. The schedules themselves (cron expressions and zone) are
 * configuration: `@prewarm/config` declares their defaults (`PREWARM_SCHEDULE_*`) and
 * `prewarm scheduler` passes them to `startScheduler`.
 */

/** How long a slot claim is kept in the state Redis: a day, long after every replica has ticked for the slot. */
export const DEFAULT_CLAIM_TTL_SECONDS = 86_400;

/** How long a claim not settled yet protects its slot: then another replica may take the slot over. */
export const DEFAULT_CLAIM_LEASE_SECONDS = 30;
