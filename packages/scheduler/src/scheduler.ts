import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Cluster, Redis } from 'ioredis';
import { type Logger as CronLogger, type ScheduledTask, type TaskContext, schedule as cronSchedule } from 'node-cron';
import { SlotClaims } from './claims.js';
import { DEFAULT_CLAIM_TTL_SECONDS } from './defaults.js';
import { type Logger, silentLogger } from '@prewarm/telemetry';
import { type RunKind, slotId, slotTime } from './slot.js';
import { type Schedule, validateSchedules } from './validate.js';

/** What the scheduler hands to `enqueue`: one scheduled time of one kind of run. */
export interface ScheduledSlot {
  kind: RunKind;
  /** Stable id of the scheduled time, e.g. `full:2026-11-26T18:00:00.000Z`; see `slotId`. */
  slot: string;
  /** The scheduled time (rounded to the cron's granularity), not the time the tick ran. */
  scheduledAt: Date;
}

/** `enqueued: false` with a reason (e.g. `run in progress`) is a skip: logged, never retried. */
export interface EnqueueResult {
  enqueued: boolean;
  reason?: string;
}

export interface SchedulerOptions {
  /** The state Redis (noeviction), where slot claims live. Owned by the caller: not closed by `stop()`. */
  state: Redis | Cluster;
  /** Key prefix, e.g. `pw`; claims are `<prefix>:{state}:slot:<slot>`. */
  prefix: string;
  schedules: readonly Schedule[];
  /** Called once per slot, by the replica that claimed it. */
  enqueue: (slot: ScheduledSlot) => Promise<EnqueueResult>;
  logger?: Logger;
  /** Written into the claims, to tell which replica took a slot. Default `<host>:<pid>:<random>`. */
  replicaId?: string;
  /** Default a day. */
  claimTtlSeconds?: number;
}

export interface Scheduler {
  readonly replicaId: string;
  /** Stops every cron task and waits for ticks already under way. Idempotent. */
  stop(): Promise<void>;
}

/**
 * A tick that runs late (event loop blocked, GC pause) still fires for its scheduled slot if
 * it is at most this late and the next slot has not come yet; node-cron's default is 1 s,
 * which could drop a nightly run. Late firing is safe: the slot id comes from the scheduled time.
 */
export const LATE_TICK_TOLERANCE_MS = 60_000;

/**
 * Starts one cron task per schedule. On every tick, the replica that wins the slot claim on
 * the state Redis calls `enqueue`; the others skip. Schedules are validated before any task
 * starts: a bad one throws a `ScheduleConfigError` naming it.
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  validateSchedules(options.schedules);
  if (typeof options.prefix !== 'string' || options.prefix === '') throw new TypeError('startScheduler: prefix must be a non-empty string');
  const ttl = options.claimTtlSeconds ?? DEFAULT_CLAIM_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new TypeError('startScheduler: claimTtlSeconds must be a positive integer');
  const replicaId = options.replicaId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const log = (options.logger ?? silentLogger).child({ component: 'scheduler', replicaId });
  const claims = new SlotClaims(options.state, options.prefix, replicaId, ttl);
  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  async function tick(schedule: Schedule, firedFor: Date): Promise<void> {
    if (stopping) return;
    const scheduledAt = slotTime(firedFor, schedule.cron);
    const slot = slotId(schedule.name, scheduledAt, schedule.cron);
    const fields = { schedule: schedule.name, slot, scheduledAt: scheduledAt.toISOString() };
    let claimed: boolean;
    try {
      claimed = await claims.claim(slot);
    } catch (err) {
      log.error({ ...fields, outcome: 'claim-failed', err }, 'could not claim the slot; not enqueued');
      return;
    }
    if (!claimed) {
      log.info({ ...fields, outcome: 'claimed-elsewhere' }, 'slot already claimed by another replica; skipped');
      return;
    }
    log.info({ ...fields, outcome: 'claimed' }, 'slot claimed');
    let result: EnqueueResult;
    try {
      result = await options.enqueue({ kind: schedule.name, slot, scheduledAt });
    } catch (err) {
      log.error({ ...fields, outcome: 'enqueue-failed', err }, 'enqueue failed; not retried, the next slot will cover it');
      return;
    }
    if (result?.enqueued === true) log.info({ ...fields, outcome: 'enqueued' }, 'run enqueued');
    else log.info({ ...fields, outcome: 'rejected', reason: result?.reason }, 'run not enqueued; skipped, not retried');
  }

  const cronLog = cronLogger(log);
  const tasks: ScheduledTask[] = options.schedules.map((schedule) => {
    const task = cronSchedule(
      schedule.cron,
      (context: TaskContext) => {
        const running = tick(schedule, context.date);
        inFlight.add(running);
        return running.finally(() => inFlight.delete(running));
      },
      {
        name: `prewarm-${schedule.name}`,
        timezone: schedule.timezone,
        missedExecutionTolerance: LATE_TICK_TOLERANCE_MS,
        logger: cronLog,
      },
    );
    task.on('execution:missed', (context) => {
      const slot = slotId(schedule.name, context.date, schedule.cron);
      log.warn({ schedule: schedule.name, slot, outcome: 'missed' }, 'tick missed (process too busy); this replica skips the slot');
    });
    return task;
  });
  log.info({ schedules: options.schedules.map((s) => ({ name: s.name, cron: s.cron, timezone: s.timezone })) }, 'scheduler started');

  let stopped: Promise<void> | undefined;
  return {
    replicaId,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        for (const task of tasks) {
          await task.stop();
          await task.destroy(); // also drops it from node-cron's global registry
        }
        await Promise.allSettled([...inFlight]);
        log.info({}, 'scheduler stopped');
      })();
      return stopped;
    },
  };
}

/** node-cron's own messages (missed ticks, task failures) go to our logger, not the console. */
function cronLogger(log: Logger): CronLogger {
  const fields = (message: string | Error, err?: Error) => ({ source: 'node-cron', err: message instanceof Error ? message : err });
  const text = (message: string | Error) => (message instanceof Error ? message.message : message);
  return {
    info: (message) => log.info({ source: 'node-cron' }, message),
    warn: (message) => log.warn({ source: 'node-cron' }, message),
    error: (message, err) => log.error(fields(message, err), text(message)),
    debug: (message, err) => log.debug(fields(message, err), text(message)),
  };
}
