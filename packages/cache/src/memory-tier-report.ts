import { type Keyspace, type RedisConnection, scanKeys } from '@prewarm/redis';
import type { MemoryTier } from './memory-tier.js';

/** L4 of every live process, summed. */
export interface MemoryTierTotals {
  processes: number;
  entries: number;
  bytes: number;
}

const REPORT_EVERY_MS = 5000;
const REPORT_EXPIRES_MS = 15_000;

/**
 * L4 lives in each process: each one reports its size on the state Redis every 5 s, in a hash
 * that expires if the process dies, and `stats` sums the reports.
 */
export class MemoryTierReport {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly state: RedisConnection,
    private readonly keys: Keyspace,
    private readonly memory: MemoryTier,
    /** This process's id (the invalidation bus origin). */
    private readonly origin: string,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.publish().catch(() => {}), REPORT_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Publishes this process's L4 size (nothing while it holds no entry). */
  async publish(): Promise<void> {
    const key = this.keys.memoryTierReport(this.origin);
    if (!this.memory.enabled || this.memory.entries === 0) return;
    await this.state
      .pipeline()
      .hset(key, 'entries', this.memory.entries, 'bytes', this.memory.bytes, 'hits', this.memory.hits)
      .pexpire(key, REPORT_EXPIRES_MS)
      .exec();
  }

  /** The sum of every process's report, this one's refreshed first. */
  async totals(): Promise<MemoryTierTotals> {
    await this.publish();
    let processes = 0;
    let entries = 0;
    let bytes = 0;
    for await (const keys of scanKeys(this.state, this.keys.memoryTierPattern)) {
      for (const key of keys) {
        const r = await this.state.hgetall(key);
        if (!r.entries) continue;
        processes++;
        entries += Number(r.entries);
        bytes += Number(r.bytes ?? 0);
      }
    }
    return { processes, entries, bytes };
  }
}
