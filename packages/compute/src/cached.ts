import { createHash } from 'node:crypto';
import type { BodyResult, HierarchicalCache, ReadResult } from '@prewarm/cache';
import {
  type DailyMetrics,
  type DateRange,
  type Diagnosis,
  type DiagnosisThresholds,
  DEFAULT_THRESHOLDS,
  diagnoseFromDaily,
  eachDate,
  previousRange,
} from '@prewarm/domain';
import type { ComputeOptions, SourceComputer } from './compute.js';
import type { StoreSelection } from './request.js';

/** A short digest of the thresholds: part of every L3 key, so readers with other rules never share. */
export function thresholdsVariant(thresholds: DiagnosisThresholds): string {
  return createHash('sha1').update(JSON.stringify(thresholds)).digest('base64url').slice(0, 8);
}

/**
 * The read path of dashboards: L3 diagnosis from L2 store-days from the source, each level
 * read through the cache (hit, or compute once and write back).
 */
export class CachedComputer {
  private readonly variant: string;
  private readonly bypassing = new Map<string, Promise<unknown>>();

  constructor(
    readonly computer: SourceComputer,
    readonly cache: HierarchicalCache,
    private readonly thresholds: DiagnosisThresholds = DEFAULT_THRESHOLDS,
  ) {
    this.variant = thresholdsVariant(thresholds);
  }

  /** Daily metrics of one store over a range (L2). */
  async dailyMetrics(storeId: string, range: DateRange, options: ComputeOptions = {}): Promise<ReadResult<DailyMetrics[]>> {
    const [store] = await this.computer.resolve([storeId]);
    return this.cache.breaker.run(
      () =>
        this.cache.dailyMetrics(storeId, eachDate(range.from, range.to), async (missing) => {
          const { days, watermark } = await this.computer.dailyMetricsOf([store!], { from: missing[0]!, to: missing[missing.length - 1]! }, options);
          return { value: new Map(days.get(storeId)!.map((d) => [d.date, d])), watermark };
        }),
      () =>
        this.bypass(`m\n${storeId}\n${range.from}\n${range.to}`, async () => {
          const { days } = await this.computer.dailyMetricsOf([store!], range, options);
          return days.get(storeId)!;
        }),
    );
  }

  /** The diagnosis of a store set over a period (L3, computed from L2 on a miss). */
  async diagnosis(selection: StoreSelection, period: DateRange, options: ComputeOptions = {}): Promise<ReadResult<Diagnosis>> {
    return this.cache.breaker.run(
      () => this.cache.diagnosis(selection, period, this.variant, () => this.computeDiagnosis(selection, period, options)),
      () => this.bypassDiagnosis(selection, period, options),
    );
  }

  /** The diagnosis as a ready-to-send JSON body (the stored gzip on a hit: no decode). */
  async diagnosisBody(selection: StoreSelection, period: DateRange, options: ComputeOptions = {}): Promise<BodyResult> {
    await this.computer.assertKnown(selection); // unknown stores are a NotFoundError, hit or miss
    return this.cache.breaker.run(
      () => this.cache.diagnosisBody(selection, period, this.variant, () => this.computeDiagnosis(selection, period, options)),
      async () => {
        const { value, hit, tier } = await this.bypassDiagnosis(selection, period, options);
        return { body: { bytes: Buffer.from(JSON.stringify(value)), encoding: 'identity' as const }, hit, tier };
      },
    );
  }

  private bypassDiagnosis(selection: StoreSelection, period: DateRange, options: ComputeOptions): Promise<ReadResult<Diagnosis>> {
    const key = `d\n${selection === 'all' ? 'all' : selection.join(',')}\n${period.from}\n${period.to}`;
    return this.bypass(key, () => this.computer.diagnosis(selection, period, this.thresholds, options));
  }

  /**
   * A read while the cache is failing: computed from the source, once for all concurrent
   * readers of the same request in this process, written nowhere.
   */
  private bypass<T>(key: string, compute: () => Promise<T>): Promise<ReadResult<T>> {
    let flight = this.bypassing.get(key) as Promise<ReadResult<T>> | undefined;
    if (!flight) {
      flight = compute()
        .then((value) => ({ value, hit: false, tier: 'bypass' as const }))
        .finally(() => this.bypassing.delete(key));
      this.bypassing.set(key, flight);
    }
    return flight;
  }

  /**
   * Recomputes a diagnosis from L2 (missing days from the source) and overwrites its L3 entry.
   * `l2Writes` counts the L2 days this computation wrote (this process's writes only).
   */
  async refreshDiagnosis(selection: StoreSelection, period: DateRange, options: ComputeOptions = {}): Promise<{ rawBytes: number; storedBytes: number; watermark: number; l2Writes: number }> {
    // Under the entry's compute lease when it is free: a reader that misses it meanwhile waits
    // for this write instead of computing the same diagnosis (an all-stores one reads every store).
    return this.cache.computingDiagnosis(selection, period, this.variant, async () => {
      const computed = await this.computeDiagnosis(selection, period, options, true);
      const written = await this.cache.writeDiagnosis(selection, period, this.variant, computed);
      return { ...written, watermark: computed.watermark, l2Writes: computed.l2Writes };
    });
  }

  /** `warming`: a warm-up's computation, which reads its days from Redis even when L4 holds them (and so rewrites what Redis lost). */
  private async computeDiagnosis(selection: StoreSelection, period: DateRange, options: ComputeOptions, warming = false): Promise<{ value: Diagnosis; watermark: number; l2Writes: number }> {
    const stores = await this.computer.resolve(selection);
    {
      const dates = eachDate(previousRange(period).from, period.to);
      let watermark = -1;
      const { days, written } = await this.cache.dailyMetricsMany(
        stores.map((s) => s.store_id),
        dates,
        async (needs) => {
          const missingDates = [...needs.values()].flat().sort();
          const range = { from: missingDates[0]!, to: missingDates[missingDates.length - 1]! };
          const wanted = stores.filter((s) => needs.has(s.store_id));
          const computed = await this.computer.dailyMetricsOf(wanted, range, options, selection === 'all' && wanted.length === stores.length);
          watermark = computed.watermark;
          return { value: new Map([...computed.days].map(([id, list]) => [id, new Map(list.map((d) => [d.date, d]))])), watermark };
        },
        { skipMemory: warming },
      );
      return { value: diagnoseFromDaily(stores, period, days, this.thresholds), watermark, l2Writes: written };
    }
  }
}

