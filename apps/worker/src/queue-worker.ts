import { type Job, type Processor, type Queue, Worker, type WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';

/** How long jobs may wait, untouched by a worker with free slots, before its BullMQ Worker is replaced. */
export const STUCK_AFTER_MS = 15_000;

/**
 * One queue's BullMQ Worker in this process, watched. A failover of the queue Redis in the
 * middle of a fetch can leave a BullMQ Worker's fetch loop parked for good (seen with Sentinel
 * on a loaded machine: jobs waiting with their marker set, the worker idle and silent). When
 * jobs have waited for `STUCK_AFTER_MS` while this worker had free slots and started nothing,
 * the BullMQ Worker is replaced by a new one; the old one is closed (it finishes the jobs it
 * holds) and not awaited unless the process stops.
 */
export class QueueWorker {
  private current: Worker;
  private readonly retired: Worker[] = [];
  private active = 0;
  private lastStart = Date.now();
  private waitingSince: number | null = null;
  /** BullMQ Workers replaced so far (a gauge for logs and tests). */
  replacements = 0;

  constructor(
    private readonly queue: Queue,
    private readonly processor: Processor,
    private readonly options: WorkerOptions & { concurrency: number },
    private readonly log: Logger,
    private readonly stuckAfterMs = STUCK_AFTER_MS,
  ) {
    this.current = this.start();
  }

  get name(): string {
    return this.queue.name;
  }

  private start(): Worker {
    const processor: Processor = async (job: Job, token?: string) => {
      this.active++;
      this.lastStart = Date.now();
      try {
        return await this.processor(job, token);
      } finally {
        this.active--;
      }
    };
    const worker = new Worker(this.queue.name, processor, this.options);
    worker.on('failed', (job, err) => this.log.warn({ queue: this.name, jobId: job?.id, job: job?.name, runId: job?.data?.runId, store: job?.data?.storeId, err: err.message }, 'job failed'));
    worker.on('error', (err) => this.log.error({ queue: this.name, err: err.message }, 'worker error'));
    return worker;
  }

  /** One look at the queue; replaces a stuck BullMQ Worker. Redis errors are left to the next look. */
  async check(now = Date.now()): Promise<void> {
    if (this.active >= this.options.concurrency) {
      this.waitingSince = null;
      return;
    }
    const counts = await this.queue.getJobCounts('wait', 'prioritized');
    if ((counts.wait ?? 0) + (counts.prioritized ?? 0) === 0 || (await this.queue.isPaused())) {
      this.waitingSince = null;
      return;
    }
    this.waitingSince ??= now;
    if (now - this.waitingSince < this.stuckAfterMs || now - this.lastStart < this.stuckAfterMs) return;
    this.log.warn({ queue: this.name, waitingMs: now - this.waitingSince }, 'jobs wait while this worker has free slots and starts none: replacing its BullMQ worker');
    const stuck = this.current;
    this.retired.push(stuck);
    void stuck.close().catch(() => {});
    this.current = this.start();
    this.replacements++;
    this.waitingSince = null;
    this.lastStart = now;
  }

  /** Stops taking jobs and waits for the running ones, in the current and any replaced Worker. */
  close(): Promise<void> {
    return Promise.all([this.current, ...this.retired].map((w) => w.close())).then(() => {});
  }
}
