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

/**
 * The source's per store-day fingerprints as the last run saw them (state Redis, one hash):
 * what an incremental run reconciles the source against to find changes `updated_at` cannot
 * announce — a moved, deleted or late-committed order.
 */
export class Fingerprints {
  constructor(
    private readonly state: RedisConnection,
    private readonly keys: Keyspace,
  ) {}

  async all(): Promise<Map<string, Map<number, string>>> {
    const out = new Map<string, Map<number, string>>();
    for (const [field, fp] of Object.entries(await this.state.hgetall(this.keys.fingerprints))) {
      const at = field.lastIndexOf(':');
      const store = field.slice(0, at);
      let days = out.get(store);
      if (!days) out.set(store, (days = new Map()));
      days.set(Number(field.slice(at + 1)), fp);
    }
    return out;
  }

  /** Replaces the whole set (days that left the window go with it). */
  async replace(values: ReadonlyMap<string, ReadonlyMap<number, string>>): Promise<void> {
    const fields: string[] = [];
    for (const [store, days] of values) for (const [day, fp] of days) fields.push(`${store}:${day}`, fp);
    const multi = this.state.multi().del(this.keys.fingerprints);
    if (fields.length > 0) multi.hset(this.keys.fingerprints, ...fields);
    await multi.exec();
  }
}
