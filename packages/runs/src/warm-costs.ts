import type { Keyspace, RedisConnection } from '@prewarm/redis';

/** Weight of the newest measurement in the moving average. */
const NEWEST_WEIGHT = 0.3;

/**
 * How long warming each store took, as an exponential moving average over runs (ms), on the
 * state Redis: the cost side of the default ordering (demand per unit of warm cost).
 */
export class WarmCosts {
  constructor(
    private readonly state: RedisConnection,
    private readonly keys: Keyspace,
  ) {}

  /** Folds one measurement into the store's average (the first measurement is taken as is). */
  async record(storeId: string, ms: number): Promise<void> {
    const before = Number((await this.state.hget(this.keys.warmCosts, storeId)) ?? ms);
    await this.state.hset(this.keys.warmCosts, storeId, String(smoothCost(before, ms)));
  }

  /** Every store's average warm time (ms). */
  async all(): Promise<Map<string, number>> {
    const raw = await this.state.hgetall(this.keys.warmCosts);
    return new Map(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }
}

/** The moving average after one more measurement, rounded to whole ms. */
export function smoothCost(before: number, measured: number): number {
  return Math.round((1 - NEWEST_WEIGHT) * before + NEWEST_WEIGHT * measured);
}
