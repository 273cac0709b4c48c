import type { RedisConnection } from '@prewarm/redis';
import { type Job, type Processor, type Queue, Worker, type WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';

/** How long jobs may wait, untouched by a worker with free slots, before its BullMQ Worker is replaced. */
export const STUCK_AFTER_MS = 15_000;

/** Longest wait for one look at the queue: a look that does not answer is skipped, not waited for. */
export const CHECK_TIMEOUT_MS = 10_000;

/**
 * BullMQ orders its delayed set by the time a job is due, times 0x1000 (the low 12 bits order
 * jobs due in the same millisecond): a score at most `now * 0x1000 + 0xfff` is due by `now`.
 */
const DELAYED_SCORE_FACTOR = 0x1000;

/**
 * One queue's BullMQ Worker in this process, watched. A failover of the queue Redis in the
 * middle of a fetch can leave a BullMQ Worker's fetch loop parked for good (seen with Sentinel
 * on a loaded machine: jobs waiting with their marker set, the worker idle and silent; on a
 * cluster, BullMQ waiting for a `connect()` that never settled — see `@prewarm/redis`). When
 * jobs have waited for `STUCK_AFTER_MS` while this worker had free slots and started nothing,
 * the BullMQ Worker is replaced by a new one; the old one is closed (it finishes the jobs it
 * holds) and not awaited unless the process stops.
 *
 * "Waiting" counts the jobs a fetch would take: waiting, prioritized, and delayed jobs whose
 * time has come — a parked fetch loop also never promotes those (a retry after a failed attempt,
 * which is how a failover usually leaves a job), so they would wait forever unseen.
 */
export class QueueWorker {
  private current: Worker;
  private readonly retired: Worker[] = [];
  private active = 0;
  private lastStart = Date.now();
  private waitingSince: number | null = null;
  private checking = false;
  /** BullMQ Workers replaced so far (a gauge for logs and tests). */
  replacements = 0;

  constructor(
    private readonly queue: Queue,
    private readonly processor: Processor,
    private readonly options: WorkerOptions & { concurrency: number },
    private readonly log: Logger,
    /** The queue's Redis connection, for the delayed jobs already due (BullMQ has no getter for those). */
    private readonly redis: RedisConnection,
    private readonly stuckAfterMs = STUCK_AFTER_MS,
    private readonly checkTimeoutMs = CHECK_TIMEOUT_MS,
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

  /**
   * One look at the queue; replaces a stuck BullMQ Worker. Redis errors are left to the next
   * look, and so is a look that gets no answer within `checkTimeoutMs` (commands held through a
   * failover): looks never pile up behind one that hangs.
   */
  async check(now = Date.now()): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), this.checkTimeoutMs);
        timer.unref();
      });
      const toTake = await Promise.race([this.jobsToTake(now), timeout]);
      if (toTake !== null) this.decide(toTake, now);
    } finally {
      clearTimeout(timer);
      this.checking = false;
    }
  }

  /** Jobs a fetch would take now (waiting, prioritized, delayed ones already due); 0 when the queue is paused or every slot is busy. */
  private async jobsToTake(now: number): Promise<number> {
    if (this.active >= this.options.concurrency) return 0;
    const counts = await this.queue.getJobCounts('wait', 'prioritized');
    let toTake = (counts.wait ?? 0) + (counts.prioritized ?? 0);
    if (toTake === 0) toTake = await this.redis.zcount(this.queue.toKey('delayed'), 0, now * DELAYED_SCORE_FACTOR + (DELAYED_SCORE_FACTOR - 1));
    return toTake > 0 && !(await this.queue.isPaused()) ? toTake : 0;
  }

  private decide(toTake: number, now: number): void {
    if (toTake === 0 || this.active >= this.options.concurrency) {
      this.waitingSince = null;
      return;
    }
    this.waitingSince ??= now;
    if (now - this.waitingSince < this.stuckAfterMs || now - this.lastStart < this.stuckAfterMs) return;
    this.log.warn({ queue: this.name, waitingMs: now - this.waitingSince, jobs: toTake }, 'jobs wait while this worker has free slots and starts none: replacing its BullMQ worker');
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
