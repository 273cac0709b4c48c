import type { Cluster, Redis } from 'ioredis';
import type { Keyspace, Level } from './keys.js';
import type { Logger } from './logger.js';

/** One cache read, as the hot-store analyzer will see it. */
export interface AccessEvent {
  level: Level;
  /** `all`, or comma-separated store ids. */
  stores: string;
  from: string;
  to: string;
  hit: boolean;
  /** Where the answer came from: l4, redis, stale, compute. */
  tier: 'l4' | 'redis' | 'stale' | 'compute';
  latencyUs: number;
  at: number;
}

export interface AccessLogOptions {
  /** Approximate length the stream is trimmed to (`XADD … MAXLEN ~`). */
  maxLen: number;
  /** Events buffered at most; beyond that new events are dropped and counted. */
  maxBuffered: number;
  /** Flush when this many events wait… */
  batchSize: number;
  /** …or after this long. */
  flushIntervalMs: number;
}

export const DEFAULT_ACCESS_LOG: AccessLogOptions = Object.freeze({
  maxLen: 100_000,
  maxBuffered: 10_000,
  batchSize: 500,
  flushIntervalMs: 100,
});

/**
 * Appends every cache read to a Redis stream on the state Redis, with hit/miss counters per
 * level. `record` only pushes to an in-memory buffer — it never waits on Redis — and a timer
 * flushes batches through one pipeline. When Redis is slow the buffer is bounded: events past
 * `maxBuffered` are dropped and counted, never queued without end.
 */
export class AccessLog {
  private buffer: AccessEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private flushing: Promise<void> | undefined;
  dropped = 0;
  written = 0;

  constructor(
    private readonly state: Redis | Cluster,
    private readonly keys: Keyspace,
    private readonly logger: Logger,
    readonly options: AccessLogOptions = DEFAULT_ACCESS_LOG,
  ) {}

  record(event: AccessEvent): void {
    if (this.buffer.length >= this.options.maxBuffered) {
      this.dropped++;
      return;
    }
    this.buffer.push(event);
    if (this.buffer.length >= this.options.batchSize) {
      // Never on the reader's turn: building 500 XADDs would land on this one request.
      if (!this.immediate) this.immediate = setImmediate(() => {
        this.immediate = undefined;
        void this.flush();
      });
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Resolves once everything recorded before the call is on Redis (or was dropped and counted). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.flushing || this.buffer.length > 0) {
      if (this.flushing) {
        await this.flushing;
        continue;
      }
      const batch = this.buffer;
      this.buffer = [];
      this.flushing = this.write(batch).finally(() => (this.flushing = undefined));
    }
  }

  private async write(batch: AccessEvent[]): Promise<void> {
    const counters = new Map<string, number>();
    const pipeline = this.state.pipeline();
    for (const e of batch) {
      pipeline.xadd(
        this.keys.accessStream,
        'MAXLEN',
        '~',
        this.options.maxLen,
        '*',
        'l', e.level,
        's', e.stores,
        'f', e.from,
        't', e.to,
        'h', e.hit ? '1' : '0',
        'src', e.tier,
        'us', String(Math.round(e.latencyUs)),
        'at', String(e.at),
      );
      const field = `${e.level}:${e.hit ? 'hits' : 'misses'}`;
      counters.set(field, (counters.get(field) ?? 0) + 1);
      if (e.tier === 'l4') counters.set('l4:hits', (counters.get('l4:hits') ?? 0) + 1);
    }
    for (const [field, n] of counters) pipeline.hincrby(this.keys.stats, field, n);
    try {
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.slice(0, batch.length).filter(([err]) => err).length;
      if (replies.length === 0 || failed > 0) {
        const lost = replies.length === 0 ? batch.length : failed;
        this.dropped += lost;
        this.written += batch.length - lost;
        this.logger.warn({ err: replies.find(([err]) => err)?.[0], events: lost }, 'access log events dropped');
      } else this.written += batch.length;
    } catch (err) {
      this.dropped += batch.length;
      this.logger.warn({ err, events: batch.length }, 'access log batch dropped');
    }
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
