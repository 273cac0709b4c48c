import { randomBytes } from 'node:crypto';
import { HierarchicalCache, type HierarchicalCacheOptions, defaultLevelCodecs } from '@prewarm/cache';
import { Keyspace } from '@prewarm/redis';
import { type DailyMetrics, emptyTotals, withRatios } from '@prewarm/domain';
import { Redis } from 'ioredis';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';

/** One Redis for a test file, a fresh key prefix per cache, everything closed at the end. */
export class CacheHarness {
  private redis!: TestRedis;
  private readonly clients: Redis[] = [];
  private readonly caches: HierarchicalCache[] = [];

  async start(): Promise<void> {
    this.redis = await startTestRedis();
  }

  get url(): string {
    return this.redis.url;
  }

  client(): Redis {
    const c = new Redis(this.redis.url);
    this.clients.push(c);
    return c;
  }

  static prefix(): string {
    return `t${randomBytes(4).toString('hex')}`;
  }

  /** A cache with its own connections; `prefix` shares a keyspace between several caches. */
  async cache(options: Partial<HierarchicalCacheOptions> & { prefix?: string } = {}): Promise<HierarchicalCache> {
    const cache = await HierarchicalCache.create({
      cache: this.client(),
      state: this.client(),
      keyspace: new Keyspace(options.prefix ?? CacheHarness.prefix()),
      codecs: defaultLevelCodecs(),
      ...options,
    });
    this.caches.push(cache);
    return cache;
  }

  async stop(): Promise<void> {
    for (const c of this.caches) await c.close();
    for (const c of this.clients) c.disconnect();
    await this.redis?.stop();
  }
}

/** A daily-metrics value with a recognizable number of orders. */
export function day(storeId: string, date: string, orders: number): DailyMetrics {
  return { store_id: storeId, date, ...withRatios({ ...emptyTotals(), orders }) };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds (or fails after `timeoutMs`). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(10);
  }
}
