import { type Job, Queue } from 'bullmq';
import type { RedisConnection } from '@prewarm/redis';
import { JOBS, type JobName, type PayloadInput, QUEUES, type QueueName, parsePayload } from './catalog.js';


export interface AddOptions {
  jobId?: string;
  /** Makes the job a child: the parent waits for it. */
  parent?: { id: string; queue: string };
  /** A failed child does not block its parent (it is reported instead). */
  ignoreDependencyOnFailure?: boolean;
  priority?: number;
}

/**
 * The producer side: one Queue per queue name, created once. `add` validates the payload
 * against the catalog before anything reaches Redis.
 */
export class PrewarmQueues {
  readonly byName: Record<QueueName, Queue>;

  constructor(
    connection: RedisConnection,
    /** BullMQ's key prefix (`PREWARM_QUEUE_PREFIX`): a hash tag, so each queue lives in one cluster slot. */
    readonly prefix: string,
    /**
     * Connection errors BullMQ reports on a queue (Redis restarting, a cluster failing over);
     * commands in flight fail on their own. Without a listener BullMQ prints them to stderr.
     */
    onError: (err: Error, queue: QueueName) => void = () => {},
  ) {
    this.byName = {
      runs: new Queue(QUEUES.runs, { connection, prefix }),
      warm: new Queue(QUEUES.warm, { connection, prefix }),
    };
    for (const [name, queue] of Object.entries(this.byName)) queue.on('error', (err) => onError(err, name as QueueName));
  }

  async add<N extends JobName>(name: N, payload: PayloadInput<N>, options: AddOptions = {}): Promise<Job> {
    const spec = JOBS[name];
    const data = parsePayload(name, payload);
    return this.byName[spec.queue].add(name, data, {
      attempts: spec.attempts,
      backoff: spec.attempts > 1 ? { type: 'jitter', delay: spec.backoffMs } : undefined,
      ...spec.retention,
      ...(options.jobId ? { jobId: options.jobId } : {}),
      ...(options.parent ? { parent: options.parent } : {}),
      ...(options.ignoreDependencyOnFailure ? { ignoreDependencyOnFailure: true } : {}),
      ...(options.priority ? { priority: options.priority } : {}),
    });
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.byName).map((q) => q.close()));
  }
}
