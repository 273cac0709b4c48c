import type { Keyspace, RedisConnection } from '@prewarm/redis';

/**
 * Per-store source watermarks (greatest `updated_at` seen, epoch ms) on the state Redis:
 * what incremental runs compare against. Never written to the source.
 */
export class Watermarks {
  constructor(
    private readonly state: RedisConnection,
    private readonly keys: Keyspace,
  ) {}

  async all(): Promise<Map<string, number>> {
    const raw = await this.state.hgetall(this.keys.watermarks);
    return new Map(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  async set(values: ReadonlyMap<string, number>): Promise<void> {
    if (values.size === 0) return;
    await this.state.hset(this.keys.watermarks, Object.fromEntries([...values].map(([k, v]) => [k, String(v)])));
  }
}
