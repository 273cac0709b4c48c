import type { DailyMetrics, DateRange, Diagnosis, Order } from '@prewarm/domain';
import { type BodyResult, type CacheCoreOptions, CacheCore, type Computed, type ReadResult } from './cache.js';
import type { EntryCodec } from './entry-codec.js';
import { type StoreSet, monthOf } from '@prewarm/redis';
import { sleep } from './lease.js';
import { type CacheStats, readStats } from './stats.js';

export interface LevelCodecs {
  l1: EntryCodec<Order[]>;
  l2: EntryCodec<DailyMetrics>;
  l3: EntryCodec<Diagnosis>;
}

export interface HierarchicalCacheOptions extends CacheCoreOptions {
  codecs: LevelCodecs;
}

/** The L2 days computed for a store, with the watermark they reflect. */
export type ComputedDays = Computed<Map<string, DailyMetrics>>;

/**
 * prewarm's four-level cache (DESIGN §6):
 * - L1 raw orders per store and business month,
 * - L2 daily metrics per store and business date (read as ranges, one round trip per store),
 * - L3 diagnosis per canonical store set and range, keyed by its members' generations,
 * - L4 the in-process tier in front of all three.
 */
export class HierarchicalCache {
  readonly core: CacheCore;
  private readonly codecs: LevelCodecs;

  private constructor(options: HierarchicalCacheOptions) {
    this.core = new CacheCore(options);
    this.codecs = options.codecs;
  }

  static async create(options: HierarchicalCacheOptions): Promise<HierarchicalCache> {
    const cache = new HierarchicalCache(options);
    await cache.core.start();
    return cache;
  }

  get keys() {
    return this.core.keys;
  }

  /** L1: the orders of a store in a business month (`YYYY-MM`). */
  rawOrders(storeId: string, month: string, compute: () => Promise<Computed<Order[]>>): Promise<ReadResult<Order[]>> {
    const scope = { stores: storeId, from: `${month}-01`, to: `${month}-31` };
    return this.core.read('l1', this.keys.l1(storeId, month), this.codecs.l1, scope, compute);
  }

  /**
   * L1 as stored, with the watermark it reflects, or null: no computing, no access-log entry,
   * not kept in L4 (for runs finding where changed orders were).
   */
  async storedRawOrders(storeId: string, month: string): Promise<{ orders: Order[]; watermark: number } | null> {
    const found = await this.core.getEntry('l1', this.keys.l1(storeId, month), this.codecs.l1, { remember: false });
    return found ? { orders: found.value, watermark: found.header.watermark } : null;
  }

  /**
   * L3: the diagnosis of a canonical store set over a range. `variant` names anything else the
   * value depends on (the finding thresholds), so differently configured readers never share.
   */
  async diagnosis(set: StoreSet, range: DateRange, variant: string, compute: () => Promise<Computed<Diagnosis>>): Promise<ReadResult<Diagnosis>> {
    const key = await this.diagnosisKey(set, range, variant);
    const scope = { stores: set === 'all' ? 'all' : set.join(','), from: range.from, to: range.to };
    return this.core.read('l3', key, this.codecs.l3, scope, compute);
  }

  /**
   * L2: daily metrics of one store for the given dates (in order). Hits come from L4 or one
   * pipelined round trip; the missing dates are computed together, once across processes.
   */
  async dailyMetrics(storeId: string, dates: readonly string[], computeMissing: (missing: string[]) => Promise<ComputedDays>): Promise<ReadResult<DailyMetrics[]>> {
    const started = performance.now();
    const core = this.core;
    const values = new Array<DailyMetrics | undefined>(dates.length);
    let fromRedis = false;
    let missing: number[] = [];
    dates.forEach((date, i) => {
      const m = core.memory.get(this.keys.l2(storeId, date));
      if (m) values[i] = m.value as DailyMetrics;
      else missing.push(i);
    });
    if (missing.length > 0) {
      fromRedis = true;
      missing = await this.fetchDays(storeId, dates, missing, values);
    }
    let computed = false;
    if (missing.length > 0) {
      computed = true;
      await this.computeDays(storeId, dates, missing, values, computeMissing);
    }
    const hit = !computed;
    const tier = computed ? 'compute' : fromRedis ? 'redis' : 'l4';
    core.log('l2', { stores: storeId, from: dates[0] ?? '', to: dates[dates.length - 1] ?? '' }, hit, tier, started);
    return { value: values as DailyMetrics[], hit, tier };
  }

  /**
   * L2 for many stores at once (the inside of an L3 computation): one pipelined round trip per
   * store, then ONE call computes every missing store-day together — a single pass over the
   * source instead of one per store — and the results are written in one pipeline.
   */
  async dailyMetricsMany(
    storeIds: readonly string[],
    dates: readonly string[],
    computeMissing: (needs: Map<string, string[]>) => Promise<Computed<Map<string, Map<string, DailyMetrics>>>>,
  ): Promise<{ days: Map<string, DailyMetrics[]>; hit: boolean; written: number }> {
    const started = performance.now();
    const values = new Map<string, (DailyMetrics | undefined)[]>();
    const needs = new Map<string, number[]>();
    let written = 0;
    await Promise.all(
      storeIds.map(async (storeId) => {
        const into = new Array<DailyMetrics | undefined>(dates.length);
        values.set(storeId, into);
        const wanted: number[] = [];
        dates.forEach((date, i) => {
          const m = this.core.memory.get(this.keys.l2(storeId, date));
          if (m) into[i] = m.value as DailyMetrics;
          else wanted.push(i);
        });
        const still = wanted.length > 0 ? await this.fetchDays(storeId, dates, wanted, into) : [];
        if (still.length > 0) needs.set(storeId, still);
      }),
    );
    if (needs.size > 0) {
      const computed = await computeMissing(new Map([...needs].map(([id, idx]) => [id, idx.map((i) => dates[i]!)])));
      const writes: { key: string; value: DailyMetrics; watermark: number }[] = [];
      for (const [storeId, idx] of needs) {
        const got = computed.value.get(storeId);
        const into = values.get(storeId)!;
        for (const i of idx) {
          const day = got?.get(dates[i]!);
          if (!day) throw new Error(`computeMissing returned no metrics for ${storeId} ${dates[i]}`);
          into[i] = day;
          writes.push({ key: this.keys.l2(storeId, dates[i]!), value: day, watermark: computed.watermark });
        }
      }
      written = (await this.core.writeMany('l2', this.codecs.l2, writes, 'fill')).entries;
    }
    const scope = { stores: storeIds.length === 1 ? storeIds[0]! : `${storeIds.length} stores`, from: dates[0] ?? '', to: dates[dates.length - 1] ?? '' };
    this.core.log('l2', scope, needs.size === 0, needs.size === 0 ? 'redis' : 'compute', started);
    return { days: new Map([...values].map(([id, v]) => [id, v as DailyMetrics[]])), hit: needs.size === 0, written };
  }

  /** One pipeline of GETs for the given indexes; returns the indexes still missing. */
  private async fetchDays(storeId: string, dates: readonly string[], wanted: number[], into: (DailyMetrics | undefined)[]): Promise<number[]> {
    const pipeline = this.core.cache.pipeline();
    for (const i of wanted) pipeline.getBuffer(this.keys.l2(storeId, dates[i]!));
    const replies = (await pipeline.exec()) ?? [];
    const still: number[] = [];
    wanted.forEach((i, n) => {
      const [err, raw] = replies[n] ?? [null, null];
      if (err) throw err;
      const found = raw ? this.core.decodeOrDrop('l2', this.keys.l2(storeId, dates[i]!), raw as Buffer, this.codecs.l2) : null;
      if (found) into[i] = found.value;
      else still.push(i);
    });
    return still;
  }

  private async computeDays(
    storeId: string,
    dates: readonly string[],
    missing: number[],
    into: (DailyMetrics | undefined)[],
    computeMissing: (missing: string[]) => Promise<ComputedDays>,
  ): Promise<void> {
    const core = this.core;
    const leaseKey = core.keys.lease(this.keys.l2(storeId, `${dates[missing[0]!]}..${dates[missing[missing.length - 1]!]}`));
    const deadline = Date.now() + core.leases.options.waitMs;
    let pause = core.leases.options.pollMs;
    while (missing.length > 0) {
      const token = Date.now() < deadline ? await core.leases.acquire(leaseKey) : 'expired';
      if (token) {
        try {
          const wanted = missing.map((i) => dates[i]!);
          const computed = await computeMissing(wanted);
          await Promise.all(
            missing.map(async (i) => {
              const day = computed.value.get(dates[i]!);
              if (!day) throw new Error(`computeMissing returned no metrics for ${storeId} ${dates[i]}`);
              into[i] = day;
              await core.write('l2', this.keys.l2(storeId, dates[i]!), this.codecs.l2, { value: day, watermark: computed.watermark }, 'fill');
            }),
          );
          return;
        } finally {
          if (token !== 'expired') await core.leases.release(leaseKey, token).catch(() => {});
        }
      }
      await sleep(pause);
      pause = Math.min(pause * 2, core.leases.options.pollMs * 8);
      missing = await this.fetchDays(storeId, dates, missing, into);
    }
  }

  /** Warm-up writes: overwrite and invalidate every process's L4 copy. */
  async writeRawOrders(storeId: string, month: string, value: Computed<Order[]>) {
    return this.core.write('l1', this.keys.l1(storeId, monthOf(`${month}-01`)), this.codecs.l1, value, 'replace');
  }

  async writeDailyMetrics(storeId: string, day: DailyMetrics, watermark: number) {
    return this.core.write('l2', this.keys.l2(storeId, day.date), this.codecs.l2, { value: day, watermark }, 'replace');
  }

  async writeDiagnosis(set: StoreSet, range: DateRange, variant: string, value: Computed<Diagnosis>) {
    return this.core.write('l3', await this.diagnosisKey(set, range, variant), this.codecs.l3, value, 'replace');
  }

  /** L3 as a ready-to-send JSON body (`Content-Encoding` given): no decode on a hit. */
  async diagnosisBody(set: StoreSet, range: DateRange, variant: string, compute: () => Promise<Computed<Diagnosis>>): Promise<BodyResult> {
    const key = await this.diagnosisKey(set, range, variant);
    const scope = { stores: set === 'all' ? 'all' : set.join(','), from: range.from, to: range.to };
    return this.core.readBody('l3', key, this.codecs.l3, scope, compute);
  }

  /** The L3 key under the current generations of the set's members. */
  async diagnosisKey(set: StoreSet, range: DateRange, variant: string): Promise<string> {
    await this.core.generations.ensureFresh();
    return this.keys.l3(set, range, `${this.core.generations.signature(set)}.${variant}`);
  }

  /**
   * Warm-up write of one store's data in two pipelines: its L1 month chunks and L2 days.
   * Overwrites (newer data wins) and invalidates every process's L4 copies.
   */
  async writeStoreData(storeId: string, data: { chunks: ReadonlyMap<string, Order[]>; days: readonly DailyMetrics[]; watermark: number }) {
    const l1 = await this.core.writeMany('l1', this.codecs.l1, [...data.chunks].map(([month, orders]) => ({ key: this.keys.l1(storeId, month), value: orders, watermark: data.watermark })), 'replace');
    const l2 = await this.core.writeMany('l2', this.codecs.l2, data.days.map((d) => ({ key: this.keys.l2(storeId, d.date), value: d, watermark: data.watermark })), 'replace');
    return { l1: data.chunks.size, l2: data.days.length, rawBytes: l1.rawBytes + l2.rawBytes, storedBytes: l1.storedBytes + l2.storedBytes };
  }

  /** Deletes given L1 chunks and L2 days of a store (incremental invalidation); returns how many existed. */
  async dropStoreEntries(storeId: string, months: Iterable<string>, dates: Iterable<string>): Promise<number> {
    const keys = [...[...months].map((m) => this.keys.l1(storeId, m)), ...[...dates].map((d) => this.keys.l2(storeId, d))];
    if (keys.length === 0) return 0;
    const deleted = await this.core.cache.unlink(...keys);
    await this.core.invalidateKeys(keys);
    return deleted;
  }

  /** The stores' data changed: every L3 entry that includes one of them becomes unreachable. */
  markStoresChanged(storeIds: readonly string[]): Promise<void> {
    return this.core.markStoresChanged(storeIds);
  }

  /** Source data replaced outside a run (seed, import): drop the stores' entries everywhere. */
  forgetStores(storeIds: readonly string[] | 'all'): Promise<number> {
    return this.core.forgetStores(storeIds);
  }

  stats(): Promise<CacheStats> {
    return readStats(this.core);
  }

  close(): Promise<void> {
    return this.core.close();
  }
}
