import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Cluster, Redis } from 'ioredis';
import { type Logger as CronLogger, type ScheduledTask, type TaskContext, schedule as cronSchedule } from 'node-cron';
import { SlotClaims } from './claims.js';
import { DEFAULT_CLAIM_LEASE_SECONDS, DEFAULT_CLAIM_TTL_SECONDS } from './defaults.js';
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
  /** How long a settled claim is kept. Default a day. */
  claimTtlSeconds?: number;
  /**
   * How long a claim not settled yet protects its slot (default 30 s): a replica that dies
   * between its claim and its enqueue loses the slot to another replica after this long.
   */
  claimLeaseSeconds?: number;
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
  const lease = options.claimLeaseSeconds ?? DEFAULT_CLAIM_LEASE_SECONDS;
  if (!Number.isInteger(lease) || lease <= 0) throw new TypeError('startScheduler: claimLeaseSeconds must be a positive integer');
  const claims = new SlotClaims(options.state, options.prefix, replicaId, ttl, lease);
  const inFlight = new Set<Promise<void>>();
  const followUps = new Set<NodeJS.Timeout>();
  let stopping = false;

  function track(work: Promise<void>): Promise<void> {
    inFlight.add(work);
    return work.finally(() => inFlight.delete(work));
  }

  /** Claims the slot (`takeover`: after another replica's lease lapsed) and enqueues its run. */
  async function claimAndEnqueue(schedule: Schedule, slot: string, scheduledAt: Date, takeover: number): Promise<void> {
    const fields = { schedule: schedule.name, slot, scheduledAt: scheduledAt.toISOString() };
    let claimed: boolean;
    try {
      claimed = await claims.claim(slot);
    } catch (err) {
      log.error({ ...fields, outcome: 'claim-failed', err }, 'could not claim the slot; not enqueued');
      return;
    }
    if (!claimed) {
      if (takeover === 0) log.info({ ...fields, outcome: 'claimed-elsewhere' }, 'slot already claimed by another replica; skipped');
      followUp(schedule, slot, scheduledAt, takeover);
      return;
    }
    if (takeover > 0) log.warn({ ...fields, outcome: 'taken-over' }, 'the replica that claimed the slot did not settle it within its lease: this replica enqueues it');
    else log.info({ ...fields, outcome: 'claimed' }, 'slot claimed');
    let result: EnqueueResult;
    try {
      result = await options.enqueue({ kind: schedule.name, slot, scheduledAt });
    } catch (err) {
      // The claim stays a lease: another replica tries once it lapses.
      log.error({ ...fields, outcome: 'enqueue-failed', err }, 'enqueue failed; another replica tries again once the claim lease lapses');
      return;
    }
    const outcome = result?.enqueued === true ? 'enqueued' : 'rejected';
    if (outcome === 'enqueued') log.info({ ...fields, outcome }, 'run enqueued');
    else log.info({ ...fields, outcome, reason: result?.reason }, 'run not enqueued; skipped, not retried');
    await claims.settle(slot, outcome).catch((err) => log.warn({ ...fields, err }, 'could not settle the slot claim; another replica may enqueue it again (the run id makes that a no-op)'));
  }

  /**
   * Looks at a slot claimed by another replica once its lease could have lapsed: a settled
   * claim ends it; a lapsed one is taken over; one still leased is looked at again (3 times).
   */
  function followUp(schedule: Schedule, slot: string, scheduledAt: Date, takeover: number): void {
    if (stopping || takeover >= 3) return;
    const timer = setTimeout(() => {
      followUps.delete(timer);
      if (stopping) return;
      void track(
        (async () => {
          const state = await claims.state(slot).catch(() => null);
          if (state?.kind === 'settled') return;
          await claimAndEnqueue(schedule, slot, scheduledAt, takeover + 1);
        })(),
      );
    }, lease * 1000 + 500);
    timer.unref();
    followUps.add(timer);
  }

  async function tick(schedule: Schedule, firedFor: Date): Promise<void> {
    if (stopping) return;
    const scheduledAt = slotTime(firedFor, schedule.cron);
    await claimAndEnqueue(schedule, slotId(schedule.name, scheduledAt, schedule.cron), scheduledAt, 0);
  }

  const cronLog = cronLogger(log);
  const tasks: ScheduledTask[] = options.schedules.map((schedule) => {
    const task = cronSchedule(
      schedule.cron,
      (context: TaskContext) => track(tick(schedule, context.date)),
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
        for (const timer of followUps) clearTimeout(timer);
        followUps.clear();
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
