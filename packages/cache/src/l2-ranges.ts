import type { DailyMetrics } from '@prewarm/domain';
import type { Keyspace, RedisConnection } from '@prewarm/redis';
import type { RecordRead } from './access-log.js';
import type { EntryCodec } from './entry-codec.js';
import type { Computed, EntryStore } from './entry-store.js';
import type { Leases, PipelineReplies } from './lease.js';
import type { MemoryTier } from './memory-tier.js';
import type { ReadResult } from './read-through.js';
import type { ChainableCommander } from 'ioredis';

/** The L2 days computed for a store, with the watermark they reflect. */
export type ComputedDays = Computed<Map<string, DailyMetrics>>;

export interface ReadManyOptions {
  /**
   * Read Redis even for days this process's L4 holds: a warm-up must see what Redis lacks (a
   * flushed or restarted cache Redis empties Redis, not the L4 of a worker that stayed up).
   */
  skipMemory?: boolean;
}

/** Days of one store being read, by index into the dates asked for; holes are still missing. */
type Days = (DailyMetrics | undefined)[];

export interface L2RangeParts {
  cache: RedisConnection;
  keys: Keyspace;
  memory: MemoryTier;
  entries: EntryStore;
  leases: Leases;
  codec: EntryCodec<DailyMetrics>;
  recordRead: RecordRead;
}

/**
 * L2 read as ranges, the batched engine under dashboards and L3 computations: a store's days
 * come from L4 or one pipelined round trip, and the missing days are computed together — for
 * one store once across processes (the lease of the range), for many stores in one call.
 */
export class L2Ranges {
  constructor(private readonly parts: L2RangeParts) {}

  /** Daily metrics of one store for the given dates (in order). */
  async read(storeId: string, dates: readonly string[], computeMissing: (missing: string[]) => Promise<ComputedDays>): Promise<ReadResult<DailyMetrics[]>> {
    const started = performance.now();
    const values: Days = new Array(dates.length);
    let missing = this.fromMemory(storeId, dates, values);
    const fromRedis = missing.length > 0;
    if (fromRedis) missing = await this.fetch(storeId, dates, missing, values);
    const computed = missing.length > 0;
    if (computed) await this.computeOnce(storeId, dates, missing, values, computeMissing);
    const tier = computed ? 'compute' : fromRedis ? 'redis' : 'l4';
    this.parts.recordRead('l2', { stores: storeId, from: dates[0] ?? '', to: dates[dates.length - 1] ?? '' }, !computed, tier, started);
    return { value: values as DailyMetrics[], hit: !computed, tier };
  }

  /**
   * L2 for many stores at once (the inside of an L3 computation): one pipelined round trip per
   * store, then ONE call computes every missing store-day together — a single pass over the
   * source instead of one per store — and the results are written in one pipeline.
   */
  async readMany(
    storeIds: readonly string[],
    dates: readonly string[],
    computeMissing: (needs: Map<string, string[]>) => Promise<Computed<Map<string, Map<string, DailyMetrics>>>>,
    options: ReadManyOptions = {},
  ): Promise<{ days: Map<string, DailyMetrics[]>; hit: boolean; written: number }> {
    const started = performance.now();
    const values = new Map<string, Days>();
    const needs = new Map<string, number[]>();
    await Promise.all(
      storeIds.map(async (storeId) => {
        const into: Days = new Array(dates.length);
        values.set(storeId, into);
        const wanted = options.skipMemory ? dates.map((_, i) => i) : this.fromMemory(storeId, dates, into);
        const still = wanted.length > 0 ? await this.fetch(storeId, dates, wanted, into) : [];
        if (still.length > 0) needs.set(storeId, still);
      }),
    );
    let written = 0;
    if (needs.size > 0) {
      const computed = await computeMissing(new Map([...needs].map(([id, idx]) => [id, idx.map((i) => dates[i]!)])));
      written = await this.fill(dates, needs, values, computed);
    }
    const scope = { stores: storeIds.length === 1 ? storeIds[0]! : `${storeIds.length} stores`, from: dates[0] ?? '', to: dates[dates.length - 1] ?? '' };
    this.parts.recordRead('l2', scope, needs.size === 0, needs.size === 0 ? 'redis' : 'compute', started);
    return { days: new Map([...values].map(([id, v]) => [id, v as DailyMetrics[]])), hit: needs.size === 0, written };
  }

  /** Fills `into` from L4; returns the indexes L4 does not hold. */
  private fromMemory(storeId: string, dates: readonly string[], into: Days): number[] {
    const missing: number[] = [];
    dates.forEach((date, i) => {
      const held = this.parts.memory.get(this.parts.keys.l2(storeId, date));
      if (held) into[i] = held.value as DailyMetrics;
      else missing.push(i);
    });
    return missing;
  }

  /** One pipeline of GETs for the given indexes; returns the indexes still missing. */
  private async fetch(storeId: string, dates: readonly string[], wanted: number[], into: Days): Promise<number[]> {
    const pipeline = this.parts.cache.pipeline();
    const read = this.queueGets(pipeline, storeId, dates, wanted, into);
    return read((await pipeline.exec()) ?? []);
  }

  /**
   * Queues one MGET of the wanted days (one store: one slot); the reader of its reply fills
   * `into` and returns the indexes still missing (corrupt days dropped). One MGET instead of a
   * GET per day: an all-stores diagnosis of 30 days reads 6,000 days, and a reply per command
   * cost more than the decoding.
   */
  private queueGets(pipeline: ChainableCommander, storeId: string, dates: readonly string[], wanted: readonly number[], into: Days): (replies: PipelineReplies) => number[] {
    const { keys, entries, codec } = this.parts;
    const wantedKeys = wanted.map((i) => keys.l2(storeId, dates[i]!));
    pipeline.mgetBuffer(wantedKeys);
    return (replies) => {
      const [err, values] = replies[0] ?? [null, null];
      if (err) throw err;
      const raws = (values ?? []) as (Buffer | null)[];
      const still: number[] = [];
      wanted.forEach((i, n) => {
        const raw = raws[n];
        const found = raw ? entries.decodeOrDrop('l2', wantedKeys[n]!, raw, codec) : null;
        if (found) into[i] = found.value;
        else still.push(i);
      });
      return still;
    };
  }

  /** Computes a store's missing days under the lease of the range, or waits for the process computing them. */
  private async computeOnce(storeId: string, dates: readonly string[], missing: number[], into: Days, computeMissing: (missing: string[]) => Promise<ComputedDays>): Promise<void> {
    const { keys, leases } = this.parts;
    const range = keys.l2Range(storeId, dates[missing[0]!]!, dates[missing[missing.length - 1]!]!);
    let still = missing;
    await leases.once(keys.lease(range), {
      key: range,
      joins: keys.warming(storeId),
      compute: async () => {
        const computed = await computeMissing(still.map((i) => dates[i]!));
        // One write per day, as a single entry is written: its L4 copy keeps its body.
        await Promise.all(
          still.map((i) => {
            const day = computed.value.get(dates[i]!);
            if (!day) throw new Error(`computeMissing returned no metrics for ${storeId} ${dates[i]}`);
            into[i] = day;
            return this.parts.entries.write('l2', keys.l2(storeId, dates[i]!), this.parts.codec, { value: day, watermark: computed.watermark }, 'fill');
          }),
        );
        return true;
      },
      poll: (pipeline) => {
        const read = this.queueGets(pipeline, storeId, dates, still, into);
        return (replies) => {
          still = read(replies);
          return still.length === 0 ? true : null;
        };
      },
    });
  }

  /** Puts computed days where they were missing and writes them (`fill`) in one pipeline; returns the entries written. */
  private async fill(
    dates: readonly string[],
    needs: ReadonlyMap<string, readonly number[]>,
    values: ReadonlyMap<string, Days>,
    computed: Computed<Map<string, Map<string, DailyMetrics>>>,
  ): Promise<number> {
    const writes: { key: string; value: DailyMetrics; watermark: number }[] = [];
    for (const [storeId, idx] of needs) {
      const got = computed.value.get(storeId);
      const into = values.get(storeId)!;
      for (const i of idx) {
        const day = got?.get(dates[i]!);
        if (!day) throw new Error(`computeMissing returned no metrics for ${storeId} ${dates[i]}`);
        into[i] = day;
        writes.push({ key: this.parts.keys.l2(storeId, dates[i]!), value: day, watermark: computed.watermark });
      }
    }
    return (await this.parts.entries.writeMany('l2', this.parts.codec, writes, 'fill')).entries;
  }
}
