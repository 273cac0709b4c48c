import { randomBytes } from 'node:crypto';
import type { RedisConnection } from '@prewarm/redis';
import { type Logger, silentLogger } from '@prewarm/telemetry';
import type { ChainableCommander } from 'ioredis';

export interface LeaseOptions {
  /** How long a lease holds if its owner dies without releasing it. */
  leaseMs: number;
  /** How long a waiter waits for the owner's value before computing itself. */
  waitMs: number;
  /** First poll interval of a waiter; doubles up to 8×. */
  pollMs: number;
}

export const DEFAULT_LEASE: LeaseOptions = Object.freeze({ leaseMs: 30_000, waitMs: 30_000, pollMs: 10 });

const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Replies of a pipeline, in the order its commands were queued. */
export type PipelineReplies = readonly [error: Error | null, reply: unknown][];

/** What computing once across processes needs to know of the work a lease guards. */
export interface LeasedWork<T> {
  /** The guarded key, for the log. */
  key: string;
  /** Computes and writes the result: under the lease, or without it once the wait is over. */
  compute(): Promise<T>;
  /**
   * One poll of a waiter: queues on `pipeline` the reads that find the holder's result, and
   * returns how to read their replies — the result, or null while it has not landed.
   */
  poll(pipeline: ChainableCommander): (replies: PipelineReplies) => T | null;
  /**
   * A key held while another party (a warm-up job) computes and writes this result: while it
   * exists a miss waits for that write instead of taking the lease and computing it again.
   */
  joins?: string;
}

/**
 * Cross-process single flight: the first process to miss takes a lease (`SET NX PX`) and
 * computes; the others wait for the value. Release is safe — a Lua compare-and-delete, so an
 * owner whose lease expired never deletes a successor's lease.
 */
export class Leases {
  constructor(
    private readonly redis: RedisConnection,
    readonly options: LeaseOptions = DEFAULT_LEASE,
    private readonly logger: Logger = silentLogger,
  ) {}

  /** A token when the lease is ours, null when another process holds it. */
  async acquire(leaseKey: string, leaseMs = this.options.leaseMs): Promise<string | null> {
    const token = randomBytes(12).toString('base64url');
    const ok = await this.redis.set(leaseKey, token, 'PX', leaseMs, 'NX');
    return ok === 'OK' ? token : null;
  }

  async release(leaseKey: string, token: string): Promise<boolean> {
    return (await this.redis.eval(RELEASE_SCRIPT, 1, leaseKey, token)) === 1;
  }

  /**
   * Runs `work` once across processes: computes under the lease, or waits for the process that
   * holds it. A waiter polls the result and the lease in one round trip (10 ms, doubling to
   * 80 ms by default) and takes the result when it lands; when the lease goes away first (the
   * owner gave up or died) it tries to take the lease itself; past `waitMs` it computes without.
   */
  /**
   * Waits for the result of work another party announced with `marker` (a warm-up job writing
   * the entry): polls the result, then the marker (it may live in another Redis Cluster slot);
   * takes the result when it lands. Null at once when nobody holds the marker, and when the
   * marker goes away (or the wait is over) before the result came: the caller computes as usual.
   */
  private async join<T>(marker: string, work: LeasedWork<T>, deadline: number): Promise<T | null> {
    if ((await this.redis.exists(marker)) === 0) return null;
    let pause = this.options.pollMs;
    while (Date.now() < deadline) {
      await sleep(pause);
      pause = Math.min(pause * 2, this.options.pollMs * 8);
      const pipeline = this.redis.pipeline();
      const read = work.poll(pipeline);
      const result = read((await pipeline.exec()) ?? []);
      if (result !== null) return result;
      if ((await this.redis.exists(marker)) === 0) return null;
    }
    return null;
  }

  async once<T>(leaseKey: string, work: LeasedWork<T>): Promise<T> {
    const deadline = Date.now() + this.options.waitMs;
    if (work.joins !== undefined) {
      const joined = await this.join(work.joins, work, deadline);
      if (joined !== null) return joined;
    }
    let pause = this.options.pollMs;
    for (;;) {
      const token = await this.acquire(leaseKey);
      if (token) {
        try {
          return await work.compute();
        } finally {
          await this.release(leaseKey, token).catch(() => {});
        }
      }
      while (Date.now() < deadline) {
        await sleep(pause);
        pause = Math.min(pause * 2, this.options.pollMs * 8);
        const pipeline = this.redis.pipeline();
        const read = work.poll(pipeline);
        pipeline.exists(leaseKey);
        const replies = (await pipeline.exec()) ?? [];
        const result = read(replies.slice(0, -1));
        if (result !== null) return result;
        if (!replies.at(-1)?.[1]) break; // the owner gave up or died: try to take the lease
      }
      if (Date.now() >= deadline) {
        this.logger.warn({ key: work.key }, 'lease wait timed out; computing without the lease');
        return work.compute();
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
