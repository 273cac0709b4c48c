import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HierarchicalCache, cacheOptionsFrom, defaultLevelCodecs, openRedis } from '@prewarm/cache';
import type { Config } from '@prewarm/config';
import { PrewarmQueues, QUEUES, backoffStrategy, processorFor } from '@prewarm/queue';
import { type OrderSource, openSource } from '@prewarm/source';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { WorkerContext } from './context.js';
import { handlers } from './processors.js';
import { RunRecords } from './run-records.js';

export interface RunningWorker {
  workerId: string;
  context: WorkerContext;
  /** Stops taking jobs, lets running ones finish (BullMQ close), then closes every connection. Idempotent. */
  close(): Promise<void>;
}

const HEARTBEAT_MS = 5000;

/** Heartbeat key of one worker process; a worker is alive while its key exists. */
export function heartbeatKey(prefix: string, workerId: string): string {
  return `${prefix}:{state}:worker:${workerId}`;
}

/** Whether any worker process has sent a heartbeat recently (SCAN, never KEYS). */
export async function workerAlive(state: Redis, prefix: string): Promise<boolean> {
  let cursor = '0';
  do {
    const [next, keys] = await state.scan(cursor, 'MATCH', heartbeatKey(prefix, '*'), 'COUNT', 1000);
    if (keys.length > 0) return true;
    cursor = next;
  } while (cursor !== '0');
  return false;
}

/**
 * The worker's composition root: connections (BullMQ's with `maxRetriesPerRequest: null`),
 * the cache, the source, one BullMQ Worker per queue, the heartbeat.
 */
export async function startWorker(config: Config, logger: Logger, options: { workerId?: string } = {}): Promise<RunningWorker> {
  const workerId = options.workerId ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
  const log = logger.child({ component: 'worker', workerId });
  if (config.redis.shared) log.warn('queue/state and cache share one Redis: fine for development; in production give the cache its own instance (maxmemory + allkeys-lru)');
  const bull = await openRedis(config.redis.queueUrl, { variable: 'PREWARM_QUEUE_REDIS_URL', role: 'queue/state', persistent: true, blocking: true });
  const producer = await openRedis(config.redis.queueUrl, { variable: 'PREWARM_QUEUE_REDIS_URL', role: 'queue/state' });
  const state = await openRedis(config.redis.queueUrl, { variable: 'PREWARM_QUEUE_REDIS_URL', role: 'queue/state', persistent: true });
  const cacheRedis = config.redis.shared ? state : await openRedis(config.redis.cacheUrl, { variable: 'PREWARM_CACHE_REDIS_URL', role: 'cache', persistent: true });
  const c = config.cache;
  const cache = await HierarchicalCache.create({ cache: cacheRedis, state, ...cacheOptionsFrom(c), codecs: defaultLevelCodecs(), logger: log });
  let source: OrderSource;
  try {
    source = await openSource(config.source.url);
  } catch (err) {
    await cache.close();
    for (const r of new Set([bull, producer, state, cacheRedis])) r.disconnect();
    throw err;
  }
  const queues = new PrewarmQueues(producer, config.queue.prefix);
  // Lock renewals run on this event loop: how long it ever stalls is the number that matters.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const context: WorkerContext = {
    config,
    logger: log,
    source,
    cache,
    queues,
    runs: new RunRecords(state, c.prefix),
    state,
    workerId,
    eventLoopDelayMaxMs: () => Math.round(loopDelay.max / 1e6),
  };
  const processor = processorFor(handlers(context));
  const common = { connection: bull, prefix: config.queue.prefix, settings: { backoffStrategy }, lockDuration: config.queue.lockMs, stalledInterval: config.queue.lockMs };
  const workers = [
    new Worker(QUEUES.runs, processor, { ...common, concurrency: 2 }),
    new Worker(QUEUES.warm, processor, { ...common, concurrency: config.queue.concurrency }),
  ];
  for (const w of workers) {
    w.on('failed', (job, err) => log.warn({ queue: w.name, jobId: job?.id, job: job?.name, runId: job?.data?.runId, store: job?.data?.storeId, err: err.message }, 'job failed'));
    w.on('error', (err) => log.error({ queue: w.name, err: err.message }, 'worker error'));
  }
  const beat = async () => void (await state.set(heartbeatKey(c.prefix, workerId), String(Date.now()), 'PX', HEARTBEAT_MS * 3).catch(() => {}));
  await beat();
  const timer = setInterval(() => void beat(), HEARTBEAT_MS);
  timer.unref();
  log.info({ concurrency: config.queue.concurrency }, 'worker started');

  let closing: Promise<void> | undefined;
  return {
    workerId,
    context,
    close: () =>
      (closing ??= (async () => {
        clearInterval(timer);
        loopDelay.disable();
        await Promise.all(workers.map((w) => w.close()));
        await state.del(heartbeatKey(c.prefix, workerId)).catch(() => {});
        await queues.close();
        await cache.close();
        await source.close();
        for (const r of new Set([bull, producer, state, cacheRedis])) r.disconnect();
        log.info('worker stopped');
      })()),
  };
}
