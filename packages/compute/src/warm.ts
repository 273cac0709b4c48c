import type { HierarchicalCache } from '@prewarm/cache';
import {
  type DateRange,
  type DiagnosisThresholds,
  type Order,
  type Store,
  DailyMetricsBuilder,
  DEFAULT_THRESHOLDS,
  diagnoseFromDaily,
  eachDate,
  formatDayNumber,
  localDayHour,
  monthOf,
  previousRange,
} from '@prewarm/domain';
import type { OrderSource } from '@prewarm/source';
import { thresholdsVariant } from './cached.js';
import type { ComputeOptions, SourceComputer } from './compute.js';

export interface WarmStoreResult {
  storeId: string;
  l1: number;
  l2: number;
  l3: number;
  rawBytes: number;
  storedBytes: number;
  orders: number;
  watermark: number;
  durationMs: number;
}

/** What `warmStore` warms; `rawOnly`: the L1 chunks alone (its days were warmed by `warmDays`). */
export type WarmStoreOptions = { storeId: string; range: DateRange; diagnosisRanges: readonly DateRange[]; thresholds?: DiagnosisThresholds; rawOnly?: boolean } & ComputeOptions;

/**
 * Warms one store from one pass over its orders: L1 chunks (whole business months), L2 days
 * of `range`, and its own L3 diagnosis for each of `diagnosisRanges` (computed from those days)
 * — or, with `rawOnly`, the L1 chunks alone.
 */
export async function warmStore(computer: SourceComputer, cache: HierarchicalCache, source: OrderSource, options: WarmStoreOptions): Promise<WarmStoreResult> {
  const [store] = await computer.resolve([options.storeId]);
  if (options.rawOnly) return warmResolvedStore(store!, cache, source, options);
  // Readers that miss this store's entries meanwhile wait for these writes (`warming`).
  return cache.warming(store!.store_id, () => warmResolvedStore(store!, cache, source, options));
}

async function warmResolvedStore(store: Store, cache: HierarchicalCache, source: OrderSource, options: WarmStoreOptions): Promise<WarmStoreResult> {
  const started = performance.now();
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  // Read whole months for L1, and the previous periods the diagnoses compare with.
  const earliest = [options.range.from, ...options.diagnosisRanges.map((r) => previousRange(r).from)].sort()[0]!;
  const read: DateRange = { from: `${monthOf(earliest)}-01`, to: options.range.to };
  const builder = new DailyMetricsBuilder(new Map([[store.store_id, store]]), read);
  const chunks = new Map<string, Order[]>();
  let watermark = -1;
  let orders = 0;
  for await (const batch of source.streamOrders({ stores: [store.store_id], range: read }, options.onSkip)) {
    for (const order of batch) {
      if (!builder.add(order)) continue;
      orders++;
      if (order.updatedAt > watermark) watermark = order.updatedAt;
      const month = monthOf(formatDayNumber(localDayHour(store.timezone, order.orderedAt).day));
      let chunk = chunks.get(month);
      if (!chunk) chunks.set(month, (chunk = []));
      chunk.push(order);
    }
  }
  const allDays = builder.daily(store.store_id);
  const days = options.rawOnly ? [] : allDays.filter((d) => d.date >= options.range.from && d.date <= options.range.to);
  const written = await cache.writeStoreData(store.store_id, { chunks, days, watermark });
  const daily = new Map([[store.store_id, allDays]]);
  let l3Raw = 0;
  let l3Stored = 0;
  const variant = thresholdsVariant(thresholds);
  const diagnosisRanges = options.rawOnly ? [] : options.diagnosisRanges;
  for (const range of diagnosisRanges) {
    const value = diagnoseFromDaily([store], range, daily, thresholds);
    const w = await cache.writeDiagnosis([store.store_id], range, variant, { value, watermark });
    l3Raw += w.rawBytes;
    l3Stored += w.storedBytes;
  }
  return {
    storeId: store.store_id,
    l1: written.l1,
    l2: written.l2,
    l3: diagnosisRanges.length,
    rawBytes: written.rawBytes + l3Raw,
    storedBytes: written.storedBytes + l3Stored,
    orders,
    watermark,
    durationMs: performance.now() - started,
  };
}

/** Stores whose entries `warmDays` writes at once. */
const WRITE_CONCURRENCY = 16;

export interface WarmDaysResult {
  l2: number;
  l3: number;
  rawBytes: number;
  storedBytes: number;
}

/**
 * Warms what dashboards read of a batch of stores — each store's own L3 diagnosis for each of
 * `diagnosisRanges`, from its L2 days of `range` read through the cache (the missing ones
 * computed in ONE pass over the batch's orders and written) — under their `warming` markers (a
 * read that misses them meanwhile waits for these writes). No L1: the raw orders of a store are
 * warmed apart (`warmStore` with `rawOnly`), after what dashboards read.
 */
export async function warmDays(
  computer: SourceComputer,
  cache: HierarchicalCache,
  options: { storeIds: readonly string[]; range: DateRange; diagnosisRanges: readonly DateRange[]; thresholds?: DiagnosisThresholds } & ComputeOptions,
): Promise<WarmDaysResult> {
  const stores = await computer.resolve([...options.storeIds]);
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const variant = thresholdsVariant(thresholds);
  return cache.warmingMany(
    stores.map((s) => s.store_id),
    async () => {
      const earliest = [options.range.from, ...options.diagnosisRanges.map((r) => previousRange(r).from)].sort()[0]!;
      // Through the cache: after the global pass the days are there, and only the missing ones
      // (dropped by a change, evicted) are read from the source — all of them in one pass, a
      // large batch with one sequential read (rows of other stores skipped).
      const dates = eachDate(earliest, options.range.to);
      const everyStore = stores.length * 4 >= (await computer.stores()).size;
      let watermark = -1;
      const { days: byStore, written } = await cache.dailyMetricsMany(
        stores.map((s) => s.store_id),
        dates,
        async (needs) => {
          const missing = [...needs.values()].flat().sort();
          const wanted = stores.filter((s) => needs.has(s.store_id));
          const computed = await computer.dailyMetricsOf(wanted, { from: missing[0]!, to: missing[missing.length - 1]! }, options, everyStore);
          watermark = computed.watermark;
          return { value: new Map([...computed.days].map(([id, list]) => [id, new Map(list.map((d) => [d.date, d]))])), watermark };
        },
        { skipMemory: true }, // what Redis lacks, whatever this worker's L4 holds
      );
      const result: WarmDaysResult = { l2: written, l3: 0, rawBytes: 0, storedBytes: 0 };
      const writeStore = async (store: Store) => {
        const daily = new Map([[store.store_id, byStore.get(store.store_id) ?? []]]);
        const writes = await Promise.all(
          options.diagnosisRanges.map((range) => cache.writeDiagnosis([store.store_id], range, variant, { value: diagnoseFromDaily([store], range, daily, thresholds), watermark })),
        );
        result.l3 += options.diagnosisRanges.length;
        for (const w of writes) {
          result.rawBytes += w.rawBytes;
          result.storedBytes += w.storedBytes;
        }
      };
      // In the plan's order, WRITE_CONCURRENCY stores at a time: their writes share round trips.
      for (let i = 0; i < stores.length; i += WRITE_CONCURRENCY) await Promise.all(stores.slice(i, i + WRITE_CONCURRENCY).map(writeStore));
      return result;
    },
  );
}

export interface ChangeReport {
  /** Stores whose source watermark moved since the last run (or that have none yet). */
  changed: string[];
  /** L1 chunks and L2 days dropped because an order in them changed. */
  droppedEntries: number;
  /** The new watermarks, to record once the run has rewritten what it must. */
  watermarks: Map<string, number>;
  /** Orders per store around the window (the day fingerprints' counts): what warming each store reads. */
  rows: Map<string, number>;
}

/**
 * The incremental step of every run: compares each store's greatest `updated_at` with the
 * watermark recorded by the last run; for each store that moved, finds the business days and
 * months of the orders changed since (status or amount changes, late arrivals) — where they
 * are now and, from the cached L1 chunks, where they were (an order moved to another day) —
 * drops exactly those L1 chunks and L2 days, and bumps the store's generation so no L3 entry including it is
 * served again. A store with no recorded watermark is treated as wholly changed: its entries
 * in `window` are dropped.
 */
export async function detectChanges(
  source: OrderSource,
  cache: HierarchicalCache,
  computer: SourceComputer,
  /** The business dates runs keep warm: where a store without a watermark may have entries. */
  window: DateRange,
  options: ComputeOptions = {},
): Promise<ChangeReport> {
  // The fingerprints cover every UTC day that holds a business date of the window, in any zone.
  const fromMs = Date.UTC(...ymd(window.from)) - DAY_MS;
  const toMs = Date.UTC(...ymd(window.to)) + 2 * DAY_MS;
  const [previous, current, stores, seenPrints, prints] = await Promise.all([
    cache.watermarks.all(),
    source.maxUpdatedAt(),
    computer.stores(),
    cache.fingerprints.all(),
    source.fingerprints(fromMs, toMs),
  ]);
  /** What to drop, per store: business dates and months. */
  const drops = new Map<string, { dates: Set<string>; months: Set<string> }>();
  const dropsOf = (storeId: string) => {
    let d = drops.get(storeId);
    if (!d) drops.set(storeId, (d = { dates: new Set(), months: new Set() }));
    return d;
  };
  for (const [storeId, max] of current) {
    const store = stores.get(storeId);
    if (!store) continue;
    const before = previous.get(storeId);
    if (before !== undefined && before >= max) continue;
    const { dates, months } = dropsOf(storeId);
    if (before === undefined) {
      // Never recorded: whatever reads cached of it is of unknown age; drop its window.
      for (const date of eachDate(window.from, window.to)) {
        dates.add(date);
        months.add(monthOf(date));
      }
      continue;
    }
    const changedIds = new Set<string>();
    for await (const batch of source.streamChangedSince(before, [storeId], options.onSkip)) {
      for (const order of batch) {
        const date = formatDayNumber(localDayHour(store.timezone, order.orderedAt).day);
        dates.add(date);
        months.add(monthOf(date));
        changedIds.add(order.orderId);
      }
    }
    if (changedIds.size > 0) await addPreviousDays(cache, storeId, store.timezone, window, before, changedIds, dates, months);
  }
  // Changes updated_at cannot announce: a row deleted, moved to another day or store, or
  // committed late with an older updated_at changes its day's fingerprint. Every store-day whose
  // fingerprint differs from the last run's is dropped. (No fingerprints yet: the first run
  // with them records them; the watermarks above still apply.)
  if (seenPrints.size > 0) {
    for (const storeId of new Set([...prints.keys(), ...seenPrints.keys()])) {
      const store = stores.get(storeId);
      if (!store) continue;
      const now = prints.get(storeId) ?? new Map<number, string>();
      const then = seenPrints.get(storeId) ?? new Map<number, string>();
      for (const day of new Set([...now.keys(), ...then.keys()])) {
        if (now.get(day) === then.get(day)) continue;
        const { dates, months } = dropsOf(storeId);
        // A UTC day holds parts of at most two business dates of the store's zone.
        for (const ms of [day * DAY_MS, (day + 1) * DAY_MS - 1]) {
          const date = formatDayNumber(localDayHour(store.timezone, ms).day);
          dates.add(date);
          months.add(monthOf(date));
        }
      }
    }
  }
  let droppedEntries = 0;
  for (const [storeId, { dates, months }] of drops) droppedEntries += await cache.dropStoreEntries(storeId, months, dates);
  const changed = [...drops.keys()].sort();
  if (changed.length > 0) await cache.markStoresChanged(changed);
  // Recorded once the drops are done: a change after the fingerprints were read shows in the
  // next run's (entries computed meanwhile may include it; dropping them again is only work).
  await cache.fingerprints.replace(prints);
  return { changed, droppedEntries, watermarks: current, rows: rowsOf(prints) };
}

const DAY_MS = 86_400_000;

/** Orders per store: the sum of the count that leads each day fingerprint. */
function rowsOf(prints: ReadonlyMap<string, ReadonlyMap<number, string>>): Map<string, number> {
  const rows = new Map<string, number>();
  for (const [storeId, days] of prints) {
    let total = 0;
    for (const print of days.values()) total += Number.parseInt(print, 10) || 0;
    rows.set(storeId, total);
  }
  return rows;
}

/** `YYYY-MM-DD` as the arguments of `Date.UTC`. */
function ymd(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return [y, m - 1, d];
}

/**
 * Adds where changed orders were when the cache last saw them: an order whose `ordered_at`
 * moved still counts on its old day in L2 and its old month in L1, and the source no longer
 * knows that day. The window's L1 chunks written up to the last run (watermark ≤ `before`)
 * hold the orders as they were then; hot and cold-phase stores have them. Where a store has no
 * such chunk, its old days cannot be found: they are left, and corrected by the next full run
 * or their L2 TTL — dropping every day of the window instead would turn each late order of
 * such a store into a rewrite of its whole window.
 */
async function addPreviousDays(
  cache: HierarchicalCache,
  storeId: string,
  timezone: string,
  window: DateRange,
  before: number,
  changedIds: ReadonlySet<string>,
  dates: Set<string>,
  months: Set<string>,
): Promise<void> {
  const windowMonths = [...new Set(eachDate(window.from, window.to).map(monthOf))];
  const chunks = await Promise.all(windowMonths.map((month) => cache.storedRawOrders(storeId, month)));
  for (const chunk of chunks) {
    if (!chunk || chunk.watermark > before) continue; // absent, or written after the changes began
    for (const order of chunk.orders) {
      if (!changedIds.has(order.orderId)) continue;
      const date = formatDayNumber(localDayHour(timezone, order.orderedAt).day);
      dates.add(date);
      months.add(monthOf(date));
    }
  }
}

/** Records the watermarks a run has made the cache consistent with. */
export async function recordWatermarks(cache: HierarchicalCache, values: ReadonlyMap<string, number>): Promise<void> {
  await cache.watermarks.set(values);
}
