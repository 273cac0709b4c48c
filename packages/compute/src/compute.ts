import {
  type DailyMetrics,
  type DateRange,
  type Diagnosis,
  type DiagnosisThresholds,
  type SkippedRow,
  type Store,
  DailyMetricsBuilder,
  compareCodeUnits,
  diagnoseFromDaily,
  previousRange,
} from '@prewarm/domain';
import type { OrderSource } from '@prewarm/source';
import { NotFoundError } from './errors.js';
import type { StoreSelection } from './request.js';

export interface ComputeOptions {
  /** Receives every source row that was skipped because it breaks the §4 rules. */
  onSkip?: (row: SkippedRow) => void;
}

/** Daily metrics per store, and the greatest `updated_at` among the orders read (-1 when none). */
export interface ComputedDaily {
  days: Map<string, DailyMetrics[]>;
  watermark: number;
}

/**
 * Computes prewarm's payloads straight from the source: the path of a cache miss.
 * Holds the store list for the life of the object (stores change rarely; make a new one to refresh).
 */
export class SourceComputer {
  private storesPromise: Promise<Map<string, Store>> | undefined;

  constructor(private readonly source: OrderSource) {}

  /** Every valid store, by id. */
  async stores(): Promise<Map<string, Store>> {
    this.storesPromise ??= this.source.listStores().then((list) => new Map(list.map((s) => [s.store_id, s])));
    return this.storesPromise;
  }

  /** The stores of a selection, sorted by id; an unknown id is a NotFoundError. */
  async resolve(selection: StoreSelection): Promise<Store[]> {
    const all = await this.stores();
    if (selection === 'all') return [...all.values()].sort((a, b) => compareCodeUnits(a.store_id, b.store_id));
    assertKnown(all, selection);
    return selection.map((id) => all.get(id)!);
  }

  /** `resolve` without the list (the hot path of a cache hit): an unknown id is a NotFoundError. */
  async assertKnown(selection: StoreSelection): Promise<void> {
    if (selection !== 'all') assertKnown(await this.stores(), selection);
  }

  /** Daily metrics of the given stores over `range`, one element per date, empty days included. */
  async dailyMetricsOf(stores: readonly Store[], range: DateRange, options: ComputeOptions = {}, everyStore = false): Promise<ComputedDaily> {
    const builder = new DailyMetricsBuilder(new Map(stores.map((s) => [s.store_id, s])), range);
    const query = { stores: everyStore ? ('all' as const) : stores.map((s) => s.store_id), range };
    let watermark = -1;
    for await (const batch of this.source.streamOrders(query, options.onSkip)) {
      for (const order of batch) {
        if (builder.add(order) && order.updatedAt > watermark) watermark = order.updatedAt;
      }
    }
    return { days: new Map(stores.map((s) => [s.store_id, builder.daily(s.store_id)])), watermark };
  }

  /** Daily metrics per store of a selection over `range`. */
  async dailyMetrics(selection: StoreSelection, range: DateRange, options: ComputeOptions = {}): Promise<Map<string, DailyMetrics[]>> {
    const stores = await this.resolve(selection);
    return (await this.dailyMetricsOf(stores, range, options, selection === 'all')).days;
  }

  /** The §5 diagnosis of a store set over a period (reads the previous period too). */
  async diagnosis(
    selection: StoreSelection,
    period: DateRange,
    thresholds?: DiagnosisThresholds,
    options: ComputeOptions = {},
  ): Promise<Diagnosis> {
    const stores = await this.resolve(selection);
    const { days } = await this.dailyMetricsOf(stores, { from: previousRange(period).from, to: period.to }, options, selection === 'all');
    return diagnoseFromDaily(stores, period, days, thresholds);
  }
}

function assertKnown(stores: ReadonlyMap<string, Store>, ids: readonly string[]): void {
  for (const id of ids) {
    if (!stores.has(id)) {
      const missing = ids.filter((i) => !stores.has(i));
      throw new NotFoundError(`unknown store${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
    }
  }
}
