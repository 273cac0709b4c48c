import { localToday } from '@prewarm/domain';
import { type RedisConnection, openRedisRole } from '@prewarm/redis';
import { PrewarmQueues } from '@prewarm/queue';
import { ScheduleConfigError, slotJobId, startScheduler } from '@prewarm/scheduler';
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { runUntilSignal } from '../signals.js';
import { CliError, EXIT } from '../errors.js';

export function registerScheduler(program: Command, ctx: CommandContext): void {
  program
    .command('scheduler')
    .description('enqueue the nightly full run and the periodic incremental run (node-cron; replicas never double-enqueue a slot)')
    .action(() => runUntilSignal(() => start(ctx), stop));
}

type RunningScheduler = { scheduler: ReturnType<typeof startScheduler>; queues: PrewarmQueues; state: RedisConnection };

async function start(ctx: CommandContext): Promise<RunningScheduler> {
  const config = ctx.config;
  const state = await openRedisRole(config.redis, 'queue/state', { persistent: true });
  const queues = new PrewarmQueues(state, config.queue.prefix, (err, queue) => ctx.logger.warn({ queue, err: err.message }, 'queue connection error'));
  const runs = queues.byName.runs;
  let scheduler;
  try {
    scheduler = startScheduler({
      state,
      prefix: config.cache.prefix,
      logger: ctx.logger,
      schedules: [
        { name: 'full', cron: config.schedule.full, timezone: config.schedule.timezone },
        { name: 'incremental', cron: config.schedule.incremental, timezone: config.schedule.timezone },
      ],
      enqueue: async ({ kind, slot }) => {
        // A slot that arrives while a run is going is skipped: the next slot covers it.
        if ((await runs.getActiveCount()) + (await runs.getWaitingCount()) + (await runs.getWaitingChildrenCount()) > 0) {
          return { enqueued: false, reason: 'run in progress' };
        }
        const runId = slotJobId(slot);
        await queues.add('run', { runId, incremental: kind === 'incremental', policy: 'default', end: localToday(), slot }, { jobId: runId });
        return { enqueued: true };
      },
    });
  } catch (err) {
    await queues.close();
    state.disconnect();
    if (err instanceof ScheduleConfigError) throw new CliError(err.message, EXIT.usage, { cause: err });
    throw err;
  }
  ctx.logger.info({ full: config.schedule.full, incremental: config.schedule.incremental, timezone: config.schedule.timezone }, 'scheduler started');
  return { scheduler, queues, state };
}

async function stop({ scheduler, queues, state }: RunningScheduler): Promise<void> {
  await scheduler.stop();
  await queues.close();
  state.disconnect();
}
