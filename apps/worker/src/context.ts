import type { HierarchicalCache } from '@prewarm/cache';
import type { Config } from '@prewarm/config';
import type { PrewarmQueues } from '@prewarm/queue';
import type { OrderSource } from '@prewarm/source';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RunRecords } from './run-records.js';

/** What every processor gets from the worker's composition root. */
export interface WorkerContext {
  config: Config;
  logger: Logger;
  source: OrderSource;
  cache: HierarchicalCache;
  queues: PrewarmQueues;
  runs: RunRecords;
  state: Redis;
  /** Identifies this worker process (heartbeats, analyzer consumer name). */
  workerId: string;
  /** Worst event-loop delay seen since the worker started, ms. */
  eventLoopDelayMaxMs(): number;
}
