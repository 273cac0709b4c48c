import type { DailyMetrics, DateRange, Diagnosis, Order } from '@prewarm/domain';
import type { Keyspace, Level, StoreSet } from '@prewarm/redis';
import type { BodyResult } from './body-reader.js';
import { type BreakerOptions, CacheBreaker, DEFAULT_BREAKER } from './breaker.js';
import { type CacheCoreOptions, CacheCore } from './cache-core.js';
import type { Computed, WrittenBytes } from './entry-store.js';
import { type ComputedDays, L2Ranges, type ReadManyOptions } from './l2-ranges.js';
import type { LevelCodecs } from './level-codecs.js';
import type { ReadResult } from './read-through.js';
import type { CacheStats } from './stats.js';
import { Fingerprints, Watermarks } from './watermarks.js';

export interface HierarchicalCacheOptions extends CacheCoreOptions {
  breaker?: Partial<BreakerOptions>;
  codecs: LevelCodecs;
}

/**
 * prewarm's four-level cache (contract §6):
 * - L1 raw orders per store and business month,
 * - L2 daily metrics per store and business date (read as ranges, one round trip per store),
 * - L3 diagnosis per canonical store set and range, keyed by its members' generations,
 * - L4 the in-process tier in front of all three.
 */
/** How long a warm-up's marker outlives a process that died holding it: readers then compute. */
export const WARMING_MARKER_MS = 10_000;

export class HierarchicalCache {
  /** Per-store source watermarks on the state Redis: what incremental runs compare against. */
  readonly watermarks: Watermarks;
  /** Per store-day source fingerprints of the warm window, as the last run saw them. */
  readonly fingerprints: Fingerprints;
  /** In front of the cache Redis: reads bypass the cache (computed from the source) while it fails. */
  readonly breaker: CacheBreaker;
  private readonly core: CacheCore;
  private readonly codecs: LevelCodecs;
  private readonly l2: L2Ranges;

  private constructor(options: HierarchicalCacheOptions) {
    const core = (this.core = new CacheCore(options));
    this.codecs = options.codecs;
    this.l2 = new L2Ranges({
      cache: core.cache,
      keys: core.keys,
      memory: core.memory,
      entries: core.entries,
      leases: core.leases,
      codec: options.codecs.l2,
      recordRead: core.recordRead,
    });
    this.watermarks = new Watermarks(core.state, core.keys);
    this.fingerprints = new Fingerprints(core.state, core.keys);
    this.breaker = new CacheBreaker([...new Set([core.cache, core.state])], { ...DEFAULT_BREAKER, ...options.breaker });
  }

  /** A started cache; when starting fails, what it opened is closed again (the connections stay the caller's). */
  static async create(options: HierarchicalCacheOptions): Promise<HierarchicalCache> {
    const cache = new HierarchicalCache(options);
    try {
      await cache.core.start();
    } catch (err) {
      await cache.close().catch(() => {});
      throw err;
    }
    return cache;
  }

  get keys(): Keyspace {
    return this.core.keys;
  }

  /** L1: the orders of a store in a business month (`YYYY-MM`). */
  rawOrders(storeId: string, month: string, compute: () => Promise<Computed<Order[]>>): Promise<ReadResult<Order[]>> {
    const scope = { stores: storeId, from: `${month}-01`, to: `${month}-31` };
    return this.core.reads.read('l1', this.keys.l1(storeId, month), this.codecs.l1, scope, compute);
  }

  /**
   * L1 as stored, with the watermark it reflects, or null: no computing, no access-log entry,
   * not kept in L4 (for runs finding where changed orders were).
   */
  async storedRawOrders(storeId: string, month: string): Promise<{ orders: Order[]; watermark: number } | null> {
    const found = await this.core.entries.get('l1', this.keys.l1(storeId, month), this.codecs.l1, { remember: false });
    return found ? { orders: found.value, watermark: found.header.watermark } : null;
  }

  /**
   * L2: daily metrics of one store for the given dates (in order). Hits come from L4 or one
   * pipelined round trip; the missing dates are computed together, once across processes.
   */
  dailyMetrics(storeId: string, dates: readonly string[], computeMissing: (missing: string[]) => Promise<ComputedDays>): Promise<ReadResult<DailyMetrics[]>> {
    return this.l2.read(storeId, dates, computeMissing);
  }

  /**
   * L2 for many stores at once (the inside of an L3 computation): the missing days of every
   * store are computed in one call and written in one pipeline; `written` counts them.
   */
  dailyMetricsMany(
    storeIds: readonly string[],
    dates: readonly string[],
    computeMissing: (needs: Map<string, string[]>) => Promise<Computed<Map<string, Map<string, DailyMetrics>>>>,
    options: ReadManyOptions = {},
  ): Promise<{ days: Map<string, DailyMetrics[]>; hit: boolean; written: number }> {
    return this.l2.readMany(storeIds, dates, computeMissing, options);
  }

  /**
   * L3: the diagnosis of a canonical store set over a range. `variant` names anything else the
   * value depends on (the finding thresholds), so differently configured readers never share.
   */
  async diagnosis(set: StoreSet, range: DateRange, variant: string, compute: () => Promise<Computed<Diagnosis>>): Promise<ReadResult<Diagnosis>> {
    const key = await this.diagnosisKey(set, range, variant);
    return this.core.reads.read('l3', key, this.codecs.l3, diagnosisScope(set, range), compute);
  }

  /** L3 as a ready-to-send JSON body (`Content-Encoding` given): no decode on a hit. */
  async diagnosisBody(set: StoreSet, range: DateRange, variant: string, compute: () => Promise<Computed<Diagnosis>>): Promise<BodyResult> {
    const key = await this.diagnosisKey(set, range, variant);
    return this.core.bodies.read('l3', key, this.codecs.l3, diagnosisScope(set, range), compute);
  }

  /** The L3 key under the current generations of the set's members. */
  async diagnosisKey(set: StoreSet, range: DateRange, variant: string): Promise<string> {
    await this.core.generations.ensureFresh();
    return this.keys.l3(set, range, `${this.core.generations.signature(set)}.${variant}`);
  }

  // Warm-up writes: overwrite, and invalidate every process's L4 copy.

  writeDailyMetrics(storeId: string, day: DailyMetrics, watermark: number): Promise<WrittenBytes> {
    return this.core.entries.write('l2', this.keys.l2(storeId, day.date), this.codecs.l2, { value: day, watermark }, 'replace');
  }

  async writeDiagnosis(set: StoreSet, range: DateRange, variant: string, value: Computed<Diagnosis>): Promise<WrittenBytes> {
    return this.core.entries.write('l3', await this.diagnosisKey(set, range, variant), this.codecs.l3, value, 'replace');
  }

  /** One store's data in two pipelines: its L1 month chunks and L2 days. */
  async writeStoreData(storeId: string, data: { chunks: ReadonlyMap<string, Order[]>; days: readonly DailyMetrics[]; watermark: number }) {
    const { entries } = this.core;
    const l1 = await entries.writeMany('l1', this.codecs.l1, [...data.chunks].map(([month, orders]) => ({ key: this.keys.l1(storeId, month), value: orders, watermark: data.watermark })), 'replace');
    const l2 = await entries.writeMany('l2', this.codecs.l2, data.days.map((d) => ({ key: this.keys.l2(storeId, d.date), value: d, watermark: data.watermark })), 'replace');
    return { l1: data.chunks.size, l2: data.days.length, rawBytes: l1.rawBytes + l2.rawBytes, storedBytes: l1.storedBytes + l2.storedBytes };
  }

  /**
   * Runs a warm-up of one store's entries under its `warming` marker: a read that misses one of
   * them meanwhile waits for this write instead of computing it too (it reads the source once,
   * not twice). The marker lapses after `WARMING_MARKER_MS` if the process dies, and is held by
   * one warm-up at a time (a second one of the same store runs without it).
   */
  async warming<T>(storeId: string, work: () => Promise<T>): Promise<T> {
    const marker = this.keys.warming(storeId);
    const token = await this.core.leases.acquire(marker, WARMING_MARKER_MS).catch(() => null);
    try {
      return await work();
    } finally {
      if (token) await this.core.leases.release(marker, token).catch(() => {});
    }
  }

  /**
   * Runs a warm-up's computation of one L3 entry holding the entry's compute lease when it is
   * free — the lease a reader that misses the entry takes — so such a reader waits for this
   * write instead of computing it too. Taken or not, the work runs (a warm-up writes fresh data).
   */
  async computingDiagnosis<T>(set: StoreSet, range: DateRange, variant: string, work: () => Promise<T>): Promise<T> {
    const lease = this.keys.lease(await this.diagnosisKey(set, range, variant));
    const token = await this.core.leases.acquire(lease).catch(() => null);
    try {
      return await work();
    } finally {
      if (token) await this.core.leases.release(lease, token).catch(() => {});
    }
  }

  /** `warming` for several stores at once (one marker each, taken and released together). */
  async warmingMany<T>(storeIds: readonly string[], work: () => Promise<T>): Promise<T> {
    const markers = storeIds.map((id) => this.keys.warming(id));
    const tokens = await Promise.all(markers.map((m) => this.core.leases.acquire(m, WARMING_MARKER_MS).catch(() => null)));
    try {
      return await work();
    } finally {
      await Promise.all(markers.map((m, i) => (tokens[i] ? this.core.leases.release(m, tokens[i]!).catch(() => {}) : undefined)));
    }
  }

  // Invalidation.

  /** Deletes given L1 chunks and L2 days of a store (incremental invalidation); returns how many existed. */
  dropStoreEntries(storeId: string, months: Iterable<string>, dates: Iterable<string>): Promise<number> {
    const keys = [...[...months].map((m) => this.keys.l1(storeId, m)), ...[...dates].map((d) => this.keys.l2(storeId, d))];
    return this.core.invalidation.dropEntries(keys);
  }

  /** The stores' data changed: every L3 entry that includes one of them becomes unreachable. */
  markStoresChanged(storeIds: readonly string[]): Promise<void> {
    return this.core.invalidation.markStoresChanged(storeIds);
  }

  /** Source data replaced outside a run (seed, import): drop the stores' entries everywhere. */
  forgetStores(storeIds: readonly string[] | 'all'): Promise<number> {
    return this.core.invalidation.forgetStores(storeIds);
  }

  // Observation.

  stats(): Promise<CacheStats> {
    return this.core.stats();
  }

  /** This process's L4: entries held and their estimated bytes. */
  memoryTierStats(): { entries: number; bytes: number } {
    return { entries: this.core.memory.entries, bytes: this.core.memory.bytes };
  }

  /** Entries this process found corrupt (deleted, treated as misses) since it started, by level. */
  get corruptCounts(): Readonly<Record<Level, number>> {
    return this.core.entries.corrupt;
  }

  /** Reads the access log wrote, and dropped (buffer full, or Redis failing), since this process started. */
  accessLogCounts(): { written: number; dropped: number } {
    return { written: this.core.accessLog.written, dropped: this.core.accessLog.dropped };
  }

  /** Resolves once every read recorded so far is on the access stream (or dropped and counted). */
  flushAccessLog(): Promise<void> {
    return this.core.accessLog.flush();
  }

  /** Closes the cache (not the Redis connections): every step runs, then one `CloseError` names each failure. */
  close(): Promise<void> {
    return this.core.close();
  }
}

function diagnosisScope(set: StoreSet, range: DateRange) {
  return { stores: set === 'all' ? 'all' : set.join(','), from: range.from, to: range.to };
}
