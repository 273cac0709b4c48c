import type { HierarchicalCache } from '@prewarm/cache';
import type { Config } from '@prewarm/config';
import type { PrewarmQueues } from '@prewarm/queue';
import type { Keyspace, RedisConnection } from '@prewarm/redis';
import type { RunRecords } from '@prewarm/runs';
import type { OrderSource } from '@prewarm/source';
import type { Logger } from 'pino';

/** What every job handler gets from the worker's composition root. */
export interface WorkerContext {
  config: Config;
  logger: Logger;
  source: OrderSource;
  cache: HierarchicalCache;
  queues: PrewarmQueues;
  runs: RunRecords;
  /** Every Redis key name (the cache's keyspace). */
  keys: Keyspace;
  /** The queue/state Redis (noeviction). */
  state: RedisConnection;
  /** Identifies this worker process (heartbeats, analyzer consumer name). */
  workerId: string;
  /** Worst event-loop delay seen since the worker started, ms. */
  eventLoopDelayMaxMs(): number;
}
