import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HierarchicalCache, cacheOptionsFrom, defaultLevelCodecs } from '@prewarm/cache';
import type { Config } from '@prewarm/config';
import { PrewarmQueues, QUEUES, backoffStrategy, processorFor } from '@prewarm/queue';
import { Keyspace, checkEvictionPolicy, openRedis } from '@prewarm/redis';
import { HEARTBEAT_MS, Heartbeats, RunRecords, WarmCosts } from '@prewarm/runs';
import { type OrderSource, openSource } from '@prewarm/source';
import { closeAll } from '@prewarm/telemetry';
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { WorkerContext } from './context.js';
import { handlers } from './jobs/index.js';

export interface RunningWorker {
  workerId: string;
  context: WorkerContext;
  /**
   * Stops taking jobs, lets running ones finish (BullMQ close), then closes every connection.
   * Every step runs even when one fails; the failures are thrown together. Idempotent.
   */
  close(): Promise<void>;
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
  const connections = [...new Set([bull, producer, state, cacheRedis])];
  const eviction = await checkEvictionPolicy(state, 'queue/state');
  if (eviction) log.warn(eviction);
  const cache = await HierarchicalCache.create({ cache: cacheRedis, state, ...cacheOptionsFrom(config.cache), codecs: defaultLevelCodecs(), logger: log });
  let source: OrderSource;
  try {
    source = await openSource(config.source.url);
  } catch (err) {
    await cache.close();
    for (const r of connections) r.disconnect();
    throw err;
  }
  const keys = new Keyspace(config.cache.prefix);
  const queues = new PrewarmQueues(producer, config.queue.prefix);
  const heartbeats = new Heartbeats(state, keys);
  // Lock renewals run on this event loop: how long it ever stalls is the number that matters.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const context: WorkerContext = {
    config,
    logger: log,
    source,
    cache,
    queues,
    runs: new RunRecords(state, keys),
    warmCosts: new WarmCosts(state, keys),
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
  const beat = () => heartbeats.beat(workerId).catch(() => {});
  await beat();
  const timer = setInterval(() => void beat(), HEARTBEAT_MS);
  timer.unref();
  log.info({ concurrency: config.queue.concurrency }, 'worker started');

  let closing: Promise<void> | undefined;
  return {
    workerId,
    context,
    close: () =>
      (closing ??= closeAll('worker', [
        ['heartbeat timer', () => clearInterval(timer)],
        ['event-loop monitor', () => loopDelay.disable()],
        ['BullMQ workers', () => Promise.all(workers.map((w) => w.close()))],
        ['heartbeat', () => heartbeats.stop(workerId)],
        ['queues', () => queues.close()],
        ['cache', () => cache.close()],
        ['source', () => source.close()],
        ['Redis connections', () => connections.forEach((r) => r.disconnect())],
      ]).finally(() => log.info('worker stopped'))),
  };
}
