import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HierarchicalCache, cacheOptionsFrom, defaultLevelCodecs } from '@prewarm/cache';
import type { Config } from '@prewarm/config';
import { PrewarmQueues, backoffStrategy, processorFor } from '@prewarm/queue';
import { type RedisConnection, checkRedisRole, openRedisRole } from '@prewarm/redis';
import { HEARTBEAT_MS, Heartbeats, RunRecords } from '@prewarm/runs';
import { type OrderSource, openSource } from '@prewarm/source';
import { StartupScope, closeAll, within } from '@prewarm/telemetry';
import type { Logger } from 'pino';
import type { WorkerContext } from './context.js';
import { handlers } from './jobs/index.js';
import { QueueWorker } from './queue-worker.js';

/** How often each queue is looked at for a stuck BullMQ Worker (`QueueWorker.check`). */
const WATCH_MS = 5000;

/** Longest wait for one closing step after the grace (a connection that does not close). */
const CLOSE_STEP_MS = 3000;

export interface RunningWorker {
  workerId: string;
  context: WorkerContext;
  /**
   * Stops taking jobs, lets running ones finish (BullMQ close) for at most
   * `PREWARM_SHUTDOWN_GRACE_MS`, then closes every connection. Jobs still running then are left
   * to their locks: another worker takes them over once the locks expire, as after a crash.
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
  const scope = new StartupScope();
  const disconnect = (r: RedisConnection) => r.disconnect();
  let bull: RedisConnection, producer: RedisConnection, state: RedisConnection, cacheRedis: RedisConnection;
  let cache: HierarchicalCache;
  let source: OrderSource;
  try {
    bull = await scope.open('BullMQ connection', () => openRedisRole(config.redis, 'queue/state', { persistent: true, blocking: true }), disconnect);
    // A worker waits through a failover or a restart of the queue/state Redis: its commands are
    // held and retried on reconnect rather than failing the job in hand.
    producer = await scope.open('producer connection', () => openRedisRole(config.redis, 'queue/state', { persistent: true, blocking: true }), disconnect);
    state = await scope.open('state connection', () => openRedisRole(config.redis, 'queue/state', { persistent: true, blocking: true }), disconnect);
    cacheRedis = config.redis.shared ? state : await scope.open('cache connection', () => openRedisRole(config.redis, 'cache', { persistent: true }), disconnect);
    for (const warning of await checkRedisRole(state, 'queue/state')) log.warn(warning);
    if (!config.redis.shared) for (const warning of await checkRedisRole(cacheRedis, 'cache')) log.warn(warning);
    const options = { cache: cacheRedis, state, ...cacheOptionsFrom(config.cache), codecs: defaultLevelCodecs(), logger: log };
    cache = await scope.open('cache', () => HierarchicalCache.create(options), (c) => c.close());
    source = await openSource(config.source.url);
  } catch (err) {
    await scope.abandon();
    throw err;
  }
  const connections = [...new Set([bull, producer, state, cacheRedis])];
  const keys = cache.keys;
  const queues = new PrewarmQueues(producer, config.queue.prefix, (err, queue) => log.warn({ queue, err: err.message }, 'queue connection error'));
  const heartbeats = new Heartbeats(state, keys);
  // Lock renewals run on this event loop: how long it ever stalls is the number that matters.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const context: WorkerContext = {
    config,
    logger: log,
    source,
    cache,
    keys,
    queues,
    runs: new RunRecords(state, keys),
    state,
    workerId,
    eventLoopDelayMaxMs: () => Math.round(loopDelay.max / 1e6),
  };
  const processor = processorFor(handlers(context));
  const common = { name: workerId, connection: bull, prefix: config.queue.prefix, settings: { backoffStrategy }, lockDuration: config.queue.lockMs, stalledInterval: config.queue.lockMs };
  const workers = [
    new QueueWorker(queues.byName.runs, processor, { ...common, concurrency: 2 }, log, producer),
    new QueueWorker(queues.byName.warm, processor, { ...common, concurrency: config.queue.concurrency }, log, producer),
  ];
  const watch = setInterval(() => workers.forEach((w) => void w.check().catch(() => {})), WATCH_MS);
  watch.unref();
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
        ['stuck-worker watch', () => clearInterval(watch)],
        ['event-loop monitor', () => loopDelay.disable()],
        [
          'BullMQ workers',
          () => {
            const graceMs = config.queue.shutdownGraceMs;
            const late = `running jobs did not finish within ${graceMs} ms (PREWARM_SHUTDOWN_GRACE_MS); closing anyway: another worker takes them over once their locks expire`;
            return within(Promise.all(workers.map((w) => w.close())), graceMs, late).catch((err: Error) => {
              log.warn(err.message);
              throw err;
            });
          },
        ],
        ['heartbeat', () => heartbeats.stop(workerId).catch(() => {})], // it expires by itself
        ['queues', () => queues.close()],
        ['cache', () => cache.close()],
        // A source query that hangs (the job left behind above) must not hold the stop.
        ['source', () => within(source.close(), CLOSE_STEP_MS, `the source did not close within ${CLOSE_STEP_MS} ms`)],
        ['Redis connections', () => connections.forEach((r) => r.disconnect())],
      ]).finally(() => log.info('worker stopped'))),
  };
}
