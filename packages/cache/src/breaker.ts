import { type RedisConnection, isRedisFailure } from '@prewarm/redis';

export interface BreakerOptions {
  /** How long the circuit stays open after a failure before one read tries the cache again. */
  openMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = Object.freeze({ openMs: 5000 });

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * A circuit breaker in front of the cache Redis. Closed: reads go through the cache. A read that
 * fails because Redis is not usable (`isRedisFailure`), or finds its connection not ready, opens
 * it: for `openMs` every read bypasses the cache at once (computed from the source) instead of
 * paying a timeout. Then one read at a time tries the cache (half-open); its success closes the
 * circuit, its failure opens it again. The cache is an accelerator: with the source up, reads
 * answer correctly whatever the cache does.
 */
export class CacheBreaker {
  private openedAt: number | null = null;
  private trial = false;
  /** Times the circuit opened (for metrics and tests). */
  opened = 0;

  constructor(
    private readonly connections: readonly RedisConnection[],
    private readonly options: BreakerOptions = DEFAULT_BREAKER,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.options.openMs ? 'half-open' : 'open';
  }

  /**
   * Runs `cached` when the circuit lets a read through, else (or when it fails with a Redis
   * failure) `bypass`. Any other error of `cached` is the read's own and is thrown.
   */
  async run<T>(cached: () => Promise<T>, bypass: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.trial)) return bypass();
    if (!this.ready()) {
      this.trip();
      return bypass();
    }
    if (state === 'half-open') this.trial = true;
    try {
      const value = await cached();
      this.openedAt = null;
      return value;
    } catch (err) {
      if (!isRedisFailure(err)) throw err;
      this.trip();
      return bypass();
    } finally {
      if (state === 'half-open') this.trial = false;
    }
  }

  /** Every connection of the cache path is connected (a reconnecting one would make a read wait). */
  private ready(): boolean {
    return this.connections.every((c) => c.status === 'ready');
  }

  private trip(): void {
    if (this.openedAt === null || this.state === 'half-open') this.opened++;
    this.openedAt = this.now();
  }
}
