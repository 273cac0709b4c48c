import { type Keyspace, LEVELS, type RedisConnection, unlinkMatching } from '@prewarm/redis';
import type { Logger } from '@prewarm/telemetry';
import type { Generations } from './generations.js';
import { InvalidationBus, type InvalidationMessage } from './invalidation-bus.js';
import type { MemoryTier } from './memory-tier.js';

export interface InvalidatorParts {
  /** The cache Redis: entries to delete. */
  cache: RedisConnection;
  /** The state Redis: generations and the invalidation channel. */
  state: RedisConnection;
  keys: Keyspace;
  memory: MemoryTier;
  generations: Generations;
  logger: Logger;
}

/**
 * Everything that makes cached data unreachable, here and in every other process: store
 * generations (L3), deleted or rewritten entries (L1/L2, every L4), and the invalidation bus
 * that carries both — and applies what other processes publish.
 */
export class Invalidator {
  private readonly bus: InvalidationBus;

  constructor(private readonly parts: InvalidatorParts) {
    this.bus = new InvalidationBus(parts.state, parts.keys.invalidationChannel, { onMessage: (m) => this.apply(m), onResync: () => this.resync() }, parts.logger);
  }

  /** This process on the bus: it ignores the echo of its own messages. */
  get origin(): string {
    return this.bus.origin;
  }

  /** Subscribes to the other processes' invalidations. */
  start(): Promise<void> {
    return this.bus.start();
  }

  close(): Promise<void> {
    return this.bus.close();
  }

  /** Entries rewritten here: every other process drops its L4 copy. */
  announceRewritten(keys: string[]): Promise<void> {
    return this.bus.publish({ keys });
  }

  /** Bumps the generations of stores whose data was rewritten: every L3 entry including one becomes unreachable. */
  async markStoresChanged(storeIds: readonly string[]): Promise<void> {
    if (storeIds.length === 0) return;
    const generations = await this.parts.generations.bump(storeIds);
    await this.bus.publish({ generations });
  }

  /**
   * Forgets what the cache holds for stores whose source data was replaced outside a warm-up
   * run (`seed`, `import`): deletes their L1/L2 entries (SCAN + UNLINK, never KEYS), bumps their
   * generations (their L3 entries become unreachable) and empties every process's L4 of them.
   * `all` deletes every entry of this keyspace. Returns the number of entries deleted.
   */
  async forgetStores(storeIds: readonly string[] | 'all'): Promise<number> {
    const { cache, keys, memory, generations } = this.parts;
    const patterns = storeIds === 'all' ? LEVELS.map((l) => keys.pattern(l)) : storeIds.flatMap((id) => keys.storePatterns(id));
    let deleted = 0;
    for (const pattern of patterns) deleted += await unlinkMatching(cache, pattern, (k) => keys.levelOf(k) !== null);
    const bumped = await generations.bump(storeIds === 'all' ? [] : storeIds);
    memory.clear();
    await this.bus.publish({ generations: bumped, flush: true });
    return deleted;
  }

  /** Deletes entries (incremental invalidation) and drops them from every L4; returns how many existed. */
  async dropEntries(keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const deleted = await this.parts.cache.unlink(...keys);
    this.parts.memory.delete(keys);
    await this.bus.publish({ keys });
    return deleted;
  }

  private apply(m: InvalidationMessage): void {
    if (m.flush) this.parts.memory.clear();
    if (m.keys) this.parts.memory.delete(m.keys);
    if (m.generations) this.parts.generations.apply(m.generations);
  }

  /** The subscriber reconnected: messages may have been lost, so start over from Redis. */
  private resync(): void {
    this.parts.memory.clear();
    void this.parts.generations.reload().catch((err) => this.parts.logger.warn({ err }, 'reloading generations failed'));
  }
}
