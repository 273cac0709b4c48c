/**
 * The scheduler against a real Redis: slot claims across replicas, the skip policy, config
 * errors and shutdown. Every-second cron expressions keep the tests short; they count ticks,
 * never durations.
 */
import {
  type EnqueueResult,
  type ScheduledSlot,
  type Scheduler,
  ScheduleConfigError,
  startScheduler,
} from '@prewarm/scheduler';
import { Keyspace } from '@prewarm/redis';
import { Redis } from 'ioredis';
import { getTasks } from 'node-cron';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startTestRedis, type TestRedis } from '../helpers/redis.js';
import { EVERY_SECOND, countBy, recordingLogger, uniquePrefix, waitUntil } from './harness.js';

let redis: TestRedis;
const cleanup: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
afterAll(async () => {
  await redis.stop();
});

function connection(): Redis {
  const client = new Redis(redis.url);
  cleanup.push(() => client.disconnect());
  return client;
}

/** A client for a port nobody listens on: every command fails at once. */
async function unreachable(): Promise<Redis> {
  const client = new Redis({ host: '127.0.0.1', port: await freePort(), lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => {}); // the failed commands report it
  cleanup.push(() => client.disconnect());
  return client;
}

function track(scheduler: Scheduler): Scheduler {
  cleanup.push(() => scheduler.stop());
  return scheduler;
}

interface Call extends ScheduledSlot {
  replica: string;
}

describe('two replicas on the same prefix', () => {
  it('enqueue each slot exactly once in total, whichever replica wins it', async () => {
    const prefix = uniquePrefix();
    const calls: Call[] = [];
    const { logger, records } = recordingLogger();
    const schedules = [
      { name: 'full', cron: EVERY_SECOND, timezone: 'UTC' },
      { name: 'incremental', cron: EVERY_SECOND, timezone: 'Asia/Shanghai' },
    ] as const;
    const replicas = ['replica-a', 'replica-b'].map((replicaId) =>
      track(
        startScheduler({
          state: connection(),
          prefix,
          schedules: [...schedules],
          replicaId,
          logger,
          enqueue: async (slot): Promise<EnqueueResult> => {
            calls.push({ ...slot, replica: replicaId });
            return { enqueued: true };
          },
        }),
      ),
    );

    // A slot is contested when both replicas ticked for it (won or lost the claim).
    const ticksOf = (replica: string) =>
      new Set(records.filter((r) => r.replicaId === replica && (r.outcome === 'claimed' || r.outcome === 'claimed-elsewhere')).map((r) => String(r.slot)));
    const contested = () => {
      const b = ticksOf('replica-b');
      return [...ticksOf('replica-a')].filter((slot) => b.has(slot));
    };
    const contestedOf = (kind: string) => contested().filter((slot) => slot.startsWith(`${kind}:`)).length;
    await waitUntil('3 slots of each kind contested by both replicas', () => contestedOf('full') >= 3 && contestedOf('incremental') >= 3);
    await Promise.all(replicas.map((r) => r.stop()));

    const counts = countBy(calls.map((c) => c.slot));
    expect(counts.size).toBeGreaterThanOrEqual(2);
    expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
    // Every contested slot was enqueued once, by the replica that holds its claim.
    const state = connection();
    for (const slot of contested()) {
      expect(counts.get(slot), slot).toBe(1);
      const winner = calls.find((c) => c.slot === slot)!.replica;
      expect(await state.get(new Keyspace(prefix).slot(slot))).toBe(`done:enqueued:${winner}`);
      const ttl = await state.ttl(new Keyspace(prefix).slot(slot));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(86_400);
    }
    // Both kinds ticked, and the same second gave each kind its own slot.
    expect(new Set(calls.map((c) => c.kind))).toEqual(new Set(['full', 'incremental']));
    for (const call of calls) {
      expect(call.slot).toBe(`${call.kind}:${call.scheduledAt.toISOString()}`);
      expect(call.scheduledAt.getUTCMilliseconds()).toBe(0);
    }
  });
});

describe('skip policy', () => {
  it('logs a slot rejected by enqueue ("run in progress") and does not retry it', async () => {
    const { logger, records } = recordingLogger();
    const slots: string[] = [];
    const scheduler = track(
      startScheduler({
        state: connection(),
        prefix: uniquePrefix(),
        schedules: [{ name: 'incremental', cron: EVERY_SECOND, timezone: 'UTC' }],
        logger,
        enqueue: async ({ slot }) => {
          slots.push(slot);
          return slots.length === 1 ? { enqueued: false, reason: 'run in progress' } : { enqueued: true };
        },
      }),
    );
    await waitUntil('3 enqueue calls', () => slots.length >= 3);
    await scheduler.stop();

    const rejected = slots[0]!;
    expect(slots.filter((s) => s === rejected)).toHaveLength(1);
    expect(new Set(slots).size).toBe(slots.length);
    const outcomes = records.filter((r) => r.slot === rejected && r.outcome !== 'claimed');
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ level: 'info', outcome: 'rejected', reason: 'run in progress', schedule: 'incremental' });
    // The scheduler carried on: the next slots were enqueued.
    expect(records.filter((r) => r.outcome === 'enqueued').map((r) => r.slot)).toEqual(slots.slice(1));
  });

  it('logs an enqueue that throws, does not retry it and keeps ticking', async () => {
    const { logger, records } = recordingLogger();
    const slots: string[] = [];
    const scheduler = track(
      startScheduler({
        state: connection(),
        prefix: uniquePrefix(),
        schedules: [{ name: 'full', cron: EVERY_SECOND, timezone: 'UTC' }],
        logger,
        enqueue: async ({ slot }) => {
          slots.push(slot);
          if (slots.length === 1) throw new Error('queue unavailable');
          return { enqueued: true };
        },
      }),
    );
    await waitUntil('3 enqueue calls', () => slots.length >= 3);
    await scheduler.stop();

    expect(new Set(slots).size).toBe(slots.length);
    const failed = records.filter((r) => r.outcome === 'enqueue-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: 'error', slot: slots[0] });
    expect((failed[0]!.err as Error).message).toBe('queue unavailable');
  });

  it('does not enqueue when the claim cannot be made (state Redis unreachable)', async () => {
    const { logger, records } = recordingLogger();
    let enqueued = 0;
    const scheduler = track(
      startScheduler({
        state: await unreachable(),
        prefix: uniquePrefix(),
        schedules: [{ name: 'full', cron: EVERY_SECOND, timezone: 'UTC' }],
        logger,
        enqueue: async () => {
          enqueued++;
          return { enqueued: true };
        },
      }),
    );
    await waitUntil('2 failed claims', () => records.filter((r) => r.outcome === 'claim-failed').length >= 2);
    await scheduler.stop();
    expect(enqueued).toBe(0);
    expect(records.filter((r) => r.outcome === 'claim-failed').every((r) => r.level === 'error')).toBe(true);
  });
});

describe('configuration errors', () => {
  const valid = { name: 'full', cron: '0 2 * * *', timezone: 'Asia/Shanghai' } as const;
  const start = (schedule: { name: string; cron: string; timezone: string }) => () =>
    startScheduler({
      state: connection(),
      prefix: 'pw',
      // The second schedule is the bad one: the first must not have been started either.
      schedules: [valid, schedule as never],
      enqueue: async () => ({ enqueued: true }),
    });

  it.each([
    [{ name: 'incremental', cron: '*/15 * * *', timezone: 'UTC' }, 'cron', /^schedule "incremental": invalid cron expression "\*\/15 \* \* \*": expected 5 or 6 fields but got 4$/],
    [{ name: 'incremental', cron: '0 25 * * *', timezone: 'UTC' }, 'cron', /^schedule "incremental": invalid cron expression "0 25 \* \* \*": "25" is not a valid hour$/],
    [{ name: 'incremental', cron: '*/15 * * * *', timezone: 'Asia/Shangai' }, 'timezone', /^schedule "incremental": unknown time zone "Asia\/Shangai"/],
    [{ name: 'incremental', cron: '*/15 * * * *', timezone: '' }, 'timezone', /^schedule "incremental": unknown time zone ""/],
    [{ name: 'hourly', cron: '0 * * * *', timezone: 'UTC' }, 'name', /^schedule "hourly": unknown schedule name/],
  ])('rejects %o with a clear error naming the schedule', (schedule, field, message) => {
    const before = getTasks().size;
    let error: unknown;
    try {
      start(schedule)();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ScheduleConfigError);
    expect((error as ScheduleConfigError).message).toMatch(message);
    expect((error as ScheduleConfigError).field).toBe(field);
    expect((error as ScheduleConfigError).schedule).toBe(schedule.name);
    expect((error as ScheduleConfigError).code).toBe('E_SCHEDULE_CONFIG');
    expect(getTasks().size).toBe(before);
  });
});

describe('stop()', () => {
  it('stops ticking: no enqueue after stop, while a scheduler left running keeps ticking', async () => {
    const counts = { stopped: 0, control: 0 };
    const make = (which: keyof typeof counts) =>
      track(
        startScheduler({
          state: connection(),
          prefix: uniquePrefix(),
          schedules: [{ name: 'incremental', cron: EVERY_SECOND, timezone: 'UTC' }],
          enqueue: async () => {
            counts[which]++;
            return { enqueued: true };
          },
        }),
      );
    const tasksBefore = getTasks().size;
    const stopped = make('stopped');
    make('control');
    expect(getTasks().size).toBe(tasksBefore + 2);

    await waitUntil('2 ticks before stop', () => counts.stopped >= 2);
    await stopped.stop();
    const atStop = counts.stopped;
    const controlAtStop = counts.control;
    await waitUntil('3 more ticks of the control scheduler', () => counts.control >= controlAtStop + 3);
    expect(counts.stopped).toBe(atStop);
    expect(getTasks().size).toBe(tasksBefore + 1); // its task was destroyed, not just paused
    await stopped.stop(); // idempotent
  });

  it('waits for a tick in flight to finish', async () => {
    const { logger, records } = recordingLogger();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slots: string[] = [];
    const scheduler = track(
      startScheduler({
        state: connection(),
        prefix: uniquePrefix(),
        schedules: [{ name: 'full', cron: EVERY_SECOND, timezone: 'UTC' }],
        logger,
        enqueue: async ({ slot }) => {
          slots.push(slot);
          await released;
          return { enqueued: true };
        },
      }),
    );
    await waitUntil('an enqueue in flight', () => slots.length >= 1);
    let stopDone = false;
    const stopping = scheduler.stop().then(() => (stopDone = true));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(stopDone).toBe(false);
    release();
    await stopping;
    expect(stopDone).toBe(true);
    const order = records.filter((r) => r.outcome === 'enqueued' || r.msg === 'scheduler stopped').map((r) => r.msg);
    expect(order.at(-1)).toBe('scheduler stopped');
    expect(records.find((r) => r.outcome === 'enqueued')?.slot).toBe(slots[0]);
    // Anything else that was already ticking also finished before stop() returned.
    expect(records.filter((r) => r.outcome === 'enqueued')).toHaveLength(slots.length);
  });
});
