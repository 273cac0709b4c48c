import { setTimeout as sleep } from 'node:timers/promises';
import { localToday } from '@prewarm/domain';
import { Keyspace, type RedisConnection, openRedisRole } from '@prewarm/redis';
import { Heartbeats, RunRecords, type RunSummary, newRunId, runSummary } from '@prewarm/runs';
import { PrewarmQueues, QUEUES } from '@prewarm/queue';
import { closeAll } from '@prewarm/telemetry';
import { type RunningWorker, startWorker } from '@prewarm/worker';
import { QueueEvents } from 'bullmq';
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { CliError, EXIT } from '../errors.js';
import { businessDate } from './parsers.js';

interface RunOptions {
  incremental?: boolean;
  json?: boolean;
  policy: 'default' | 'seed';
  end?: string;
}

export function registerRun(program: Command, ctx: CommandContext): void {
  program
    .command('run')
    .description('run one warm-up to completion (starts an embedded worker when none is alive)')
    .option('--incremental', 'only what changed since the last run (updated_at watermarks)')
    .option('--json', 'print the run summary as JSON')
    .option('--policy <policy>', 'order of the stores: default (demand per warm cost) or seed (80/20)', 'default')
    .option('--end <date>', 'last business date to warm (default: today)', businessDate('--end'))
    .action(async (opts: RunOptions) => {
      if (opts.policy !== 'default' && opts.policy !== 'seed') throw new CliError(`--policy must be default or seed, got ${JSON.stringify(opts.policy)}`);
      const config = ctx.config;
      // The run may outlive a failover or restart of the queue/state Redis: wait through it.
      const producer = await openRedisRole(config.redis, 'queue/state', { persistent: true, blocking: true });
      const queues = new PrewarmQueues(producer, config.queue.prefix, (err, queue) => ctx.logger.warn({ queue, err: err.message }, 'queue connection error'));
      const keys = new Keyspace(config.cache.prefix);
      const runs = new RunRecords(producer, keys);
      let embedded: RunningWorker | undefined;
      let events: QueueEvents | undefined;
      let listener: RedisConnection | undefined;
      try {
        // A blocking reader of its own: BullMQ wants it to wait through reconnects.
        listener = await openRedisRole(config.redis, 'queue/state', { blocking: true, persistent: true });
        events = new QueueEvents(QUEUES.runs, { connection: listener, prefix: config.queue.prefix });
        events.on('error', (err) => ctx.logger.warn({ err: err.message }, 'queue events connection error'));
        if ((await new Heartbeats(producer, keys).alive()) === 0) {
          if (!opts.json) ctx.warn('no worker is alive: starting one in this process');
          embedded = await startWorker(config, ctx.logger);
        }
        await events.waitUntilReady();
        const runId = newRunId('cli');
        const job = await queues.add('run', { runId, incremental: opts.incremental === true, policy: opts.policy, end: opts.end ?? localToday() }, { jobId: runId });
        const watcher = watchProgress(runs, runId, opts.json ? () => {} : ctx.warn, !opts.json && process.stderr.isTTY === true);
        try {
          // The job's events, or the run record when an event was lost (a failover can drop
          // the last writes of the events stream): whichever says first that the run is over.
          const polling = new AbortController();
          await Promise.race([jobFinished(events, job.id ?? runId, polling.signal), recordFinished(runs, runId, polling.signal)]).finally(() => polling.abort());
        } finally {
          await watcher.stop();
        }
        const record = await runs.get(runId);
        if (!record) throw new CliError(`run ${runId} left no record`, EXIT.failure);
        const summary = runSummary(record);
        ctx.out(opts.json ? JSON.stringify(summary) : describe(summary));
        if (record.status !== 'completed') throw new CliError(`run ${runId} ${record.status}: ${record.error ?? 'see the worker log'}`, EXIT.failure);
      } finally {
        // The run's outcome is decided: what does not close cleanly is a warning, not a failure.
        // The embedded worker's own close is bounded (PREWARM_SHUTDOWN_GRACE_MS); every other
        // step gets 5 s — a connection that never finishes closing (seen after a failover: the
        // queue events' blocking reader) is left behind rather than holding the command.
        await embedded?.close().catch((err: Error) => ctx.warn(`warning: ${err.message}`));
        await closeAll(
          'run',
          [
            ['queue events', () => events?.close()],
            ['queue events connection', () => listener?.disconnect()],
            ['queues', () => queues.close()],
            ['Redis connection', () => producer.disconnect()],
          ],
          { stepMs: 5000 },
        ).catch((err: Error) => ctx.warn(`warning: ${err.message}`));
      }
    });
}

/**
 * Resolves when the queue events say the job completed or failed for good, or when aborted;
 * never rejects. Not BullMQ's `job.waitUntilFinished`: it asks Redis whether the job is already
 * finished inside an async promise executor, so a command failing there (a cluster failing over
 * right after the run was added) was an unhandled rejection that killed `prewarm run` with no
 * message. A job finished before these listeners are on is found by `recordFinished`.
 */
function jobFinished(events: QueueEvents, jobId: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onEvent = (args: { jobId: string }): void => {
      if (args.jobId === jobId) settle();
    };
    const settle = (): void => {
      events.off('completed', onEvent);
      events.off('failed', onEvent);
      signal.removeEventListener('abort', settle);
      resolve();
    };
    events.on('completed', onEvent);
    events.on('failed', onEvent);
    if (signal.aborted) settle();
    else signal.addEventListener('abort', settle);
  });
}

/** Resolves when the run's record says it is over (completed or failed), or when aborted; polls once a second. */
async function recordFinished(runs: RunRecords, runId: string, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    await sleep(1000, undefined, { signal }).catch(() => {});
    const record = signal.aborted ? null : await runs.get(runId).catch(() => null);
    if (record && record.status !== 'running') return;
  }
}

/**
 * Live progress on stderr (stdout keeps the summary): a bar per phase, redrawn, on a terminal;
 * a plain line per change elsewhere (logs, CI).
 */
function watchProgress(runs: RunRecords, runId: string, say: (line: string) => void, tty: boolean): { stop(): Promise<void> } {
  let last = '';
  let drawn = 0;
  const render = async (): Promise<void> => {
    const [r, done] = await Promise.all([runs.get(runId), runs.progress(runId)]).catch(() => [null, {}] as const);
    if (!r) return;
    const rows = r.phases.map((p) => ({ name: p.name, jobs: p.jobs, done: Math.min(done[p.name] ?? 0, p.jobs), started: p.startedAt !== null, ms: p.durationMs }));
    if (tty) {
      const lines = rows.map((p) => {
        const share = p.jobs > 0 ? p.done / p.jobs : p.ms !== null ? 1 : 0;
        const bar = '█'.repeat(Math.round(share * 24)).padEnd(24, '░');
        return `${p.name.padEnd(8)} ${bar} ${String(p.done).padStart(4)}/${String(p.jobs).padEnd(4)} ${p.ms !== null ? `${p.ms} ms` : p.started ? '…' : ''}`;
      });
      process.stderr.write(`${drawn > 0 ? `\x1b[${drawn}A` : ''}${lines.map((l) => `\r\x1b[K${l}`).join('\n')}\n`);
      drawn = lines.length;
    } else {
      const current = rows.filter((p) => p.started).at(-1);
      const line = current ? `phase ${current.name}: ${current.done}/${current.jobs} job(s)${current.ms !== null ? ` in ${current.ms} ms` : ''}` : '';
      if (line && line !== last) say((last = line));
    }
  };
  const timer = setInterval(() => void render(), tty ? 150 : 500);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await render();
    },
  };
}

function describe(s: RunSummary): string {
  const phases = s.phases.map((p) => `${p.name} ${p.jobs} job(s) ${p.durationMs ?? '-'} ms`).join(', ');
  return [
    `run ${s.runId} ${s.status} in ${(s.durationMs / 1000).toFixed(1)} s${s.incremental ? ' (incremental)' : ''}`,
    `phases: ${phases}`,
    `stores: ${s.stores.hot.length} hot, ${s.stores.cold.length} cold, ${s.stores.changed.length} changed, ${s.stores.failed.length} failed`,
    `entries: L1 ${s.entries.l1}, L2 ${s.entries.l2}, L3 ${s.entries.l3}; bytes ${s.bytes.raw} serialized → ${s.bytes.stored} stored; ${s.skippedRows} skipped rows`,
  ].join('\n');
}
