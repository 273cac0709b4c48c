import { isStoreId } from '@prewarm/domain';
import type { Keyspace, Level, RedisConnection } from '@prewarm/redis';
import type { Logger } from '@prewarm/telemetry';
import type { AccessScope, RecordRead, Tier } from './access-log.js';
import { type EntryCodec, parseBody } from './entry-codec.js';
import type { Computed, EntryStore } from './entry-store.js';
import type { Leases } from './lease.js';
import { type Body, type MemoryEntry, type MemoryTier, deepFreeze } from './memory-tier.js';
import { type TtlPolicy, isStale } from './ttl.js';

export interface ReadResult<T> {
  value: T;
  /** True when no computation was needed (L4, Redis, or a stale value within grace). */
  hit: boolean;
  tier: Tier;
}

/** What a read past L4 found: the decoded value, or only the stored body (decoded when a reader needs the value). */
export interface Fetched {
  value?: unknown;
  body?: Body;
  hit: boolean;
  tier: Tier;
}

/**
 * Lets a reader take an entry as Redis stores it, without decoding (the HTTP body path); null
 * hands it to the decoder, which also drops and counts a corrupt entry.
 */
export type TakeStored = (level: Level, key: string, raw: Buffer) => Fetched | null;

export interface ReadThroughParts {
  cache: RedisConnection;
  keys: Keyspace;
  memory: MemoryTier;
  entries: EntryStore;
  leases: Leases;
  ttl: Record<Level, TtlPolicy>;
  logger: Logger;
  recordRead: RecordRead;
}

/** The value of an L4 entry or a fetched result, decoding a body-only one. */
function valueOf(found: { value?: unknown; body?: Body | undefined }): unknown {
  return found.value === undefined && found.body ? parseBody(found.body) : found.value;
}

/**
 * Read-through of one entry: L4, then — once for all concurrent readers of the key in this
 * process — Redis, then a computation done once across processes (`Leases.once`). Past its TTL
 * but within grace an entry is served and recomputed in the background.
 */
export class ReadThrough {
  private readonly inflight = new Map<string, Promise<Fetched>>();
  private readonly revalidating = new Set<string>();

  constructor(private readonly parts: ReadThroughParts) {}

  /** The L4 entry of a key when it is fresh. */
  held(level: Level, key: string): MemoryEntry | undefined {
    const entry = this.parts.memory.get(key);
    return entry && !isStale(this.parts.ttl[level], entry.createdAt) ? entry : undefined;
  }

  /**
   * Reads one entry through every tier, computing it at most once across processes on a miss.
   * A fill writes with NX: a concurrent warm-up write (newer data) is never overwritten by a
   * read-path fill that started earlier.
   */
  async read<T>(level: Level, key: string, codec: EntryCodec<T>, scope: AccessScope, compute: () => Promise<Computed<T>>): Promise<ReadResult<T>> {
    const started = performance.now();
    const held = this.held(level, key);
    if (held) {
      if (held.value === undefined) held.value = deepFreeze(valueOf(held)); // kept as a body: decoded once
      this.parts.recordRead(level, scope, true, 'l4', started);
      return { value: held.value as T, hit: true, tier: 'l4' };
    }
    const found = await this.fetch(level, key, codec, compute, undefined, this.joinMarker(scope));
    this.parts.recordRead(level, scope, found.hit, found.tier, started);
    return { value: valueOf(found) as T, hit: found.hit, tier: found.tier };
  }

  /**
   * Past L4: one Redis GET, and at most one computation, shared by every concurrent reader of
   * the key in this process. `takeStored` (from the reader that starts the flight) may take a
   * fresh entry as it is stored.
   */
  fetch<T>(level: Level, key: string, codec: EntryCodec<T>, compute: () => Promise<Computed<T>>, takeStored?: TakeStored, joins?: string): Promise<Fetched> {
    let flight = this.inflight.get(key);
    if (!flight) {
      flight = this.fromRedis(level, key, codec, compute, takeStored, joins).finally(() => this.inflight.delete(key));
      this.inflight.set(key, flight);
    }
    return flight;
  }

  /** The marker a warm-up job holds while it writes the entries of the read's store (one store only). */
  joinMarker(scope: AccessScope): string | undefined {
    return isStoreId(scope.stores) ? this.parts.keys.warming(scope.stores) : undefined;
  }

  private async fromRedis<T>(level: Level, key: string, codec: EntryCodec<T>, compute: () => Promise<Computed<T>>, takeStored?: TakeStored, joins?: string): Promise<Fetched> {
    const raw = await this.parts.cache.getBuffer(key);
    if (raw) {
      const taken = takeStored?.(level, key, raw);
      if (taken) return taken;
      const found = this.parts.entries.decodeOrDrop(level, key, raw, codec);
      if (found) {
        if (!isStale(this.parts.ttl[level], found.header.createdAt)) return { value: found.value, hit: true, tier: 'redis' };
        // Stale but within grace: serve it, recompute in the background.
        this.revalidate(level, key, codec, compute);
        return { value: found.value, hit: true, tier: 'stale' };
      }
    }
    return this.computeOnce(level, key, codec, compute, joins);
  }

  /** Computes under the cross-process lease, or waits for the process that holds it. */
  private computeOnce<T>(level: Level, key: string, codec: EntryCodec<T>, compute: () => Promise<Computed<T>>, joins?: string): Promise<Fetched> {
    const { entries } = this.parts;
    return this.parts.leases.once<Fetched>(this.parts.keys.lease(key), {
      key,
      joins,
      compute: async () => {
        const computed = await compute();
        await entries.write(level, key, codec, computed, 'fill');
        return { value: computed.value, hit: false, tier: 'compute' };
      },
      poll: (pipeline) => {
        pipeline.getBuffer(key);
        return ([reply]) => {
          const raw = reply?.[1] as Buffer | null | undefined;
          const found = raw ? entries.decodeOrDrop(level, key, raw, codec) : null;
          return found ? { value: found.value, hit: false, tier: 'compute' } : null;
        };
      },
    });
  }

  private revalidate<T>(level: Level, key: string, codec: EntryCodec<T>, compute: () => Promise<Computed<T>>): void {
    if (this.revalidating.has(key)) return;
    this.revalidating.add(key);
    const { leases, keys, entries, logger } = this.parts;
    void (async () => {
      const leaseKey = keys.lease(key);
      const token = await leases.acquire(leaseKey);
      if (!token) return; // someone else refreshes it
      try {
        await entries.write(level, key, codec, await compute(), 'replace');
      } finally {
        await leases.release(leaseKey, token);
      }
    })()
      .catch((err) => logger.warn({ err, key }, 'background revalidation failed'))
      .finally(() => this.revalidating.delete(key));
  }
}
