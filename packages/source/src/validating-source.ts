import { setImmediate as nextTick } from 'node:timers/promises';
import { type Order, type Store, compareCodeUnits } from '@prewarm/domain';
import { businessWindow } from './business-window.js';
import { type DecodeFilter, OrderDecoder, type OrderTuple } from './order-decoder.js';
import { type StoreCatalog, type StoreTuple, buildStoreCatalog } from './store-catalog.js';
import { type OrderQuery, type OrderSource, type SkipListener, SourceError } from './types.js';

export const DEFAULT_BATCH_SIZE = 5000;

/** What a driver must read; everything else (validation, exact filters, batching) is shared. */
export interface RowSelection {
  /** `'all'` scans every order; otherwise the orders of these store ids, store by store. */
  storeIds: 'all' | readonly string[];
  /** An index range on one time column; without it, every order of the stores. */
  time?: TimeBound;
}

/**
 * `ordered_at` in [startMs, endMs), or `updated_at` ≥ fromMs (epoch ms). Drivers may select
 * more (whole seconds), never less; rows whose time the database cannot evaluate are selected
 * too, so that they are reported as skipped rather than silently lost.
 */
export type TimeBound = { column: 'ordered_at'; startMs: number; endMs: number } | { column: 'updated_at'; fromMs: number };

/**
 * The shared half of every OrderSource: drivers hand over raw rows (columns in ORDER_COLUMNS
 * order) selected by index ranges; this class validates each row, applies the exact
 * business-date / watermark filters, reports skipped rows and re-batches the survivors.
 */
export abstract class ValidatingOrderSource implements OrderSource {
  abstract readonly kind: 'sqlite' | 'postgres';

  /** Every row of the stores table: store_id, name, city, timezone. */
  protected abstract readStoreRows(): Promise<StoreTuple[]>;
  /** The distinct store ids that have orders, whether or not the store is known (index-only). */
  protected abstract readOrderStoreIds(): Promise<string[]>;
  /** Raw order rows, in chunks of about `chunkSize`. */
  protected abstract readOrderRows(selection: RowSelection, chunkSize: number): AsyncIterable<readonly OrderTuple[]>;

  abstract maxUpdatedAt(): Promise<Map<string, number>>;
  abstract fingerprints(fromMs: number, toMs: number): Promise<Map<string, Map<number, string>>>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;

  async listStores(onInvalid?: (storeId: string, reason: string) => void): Promise<Store[]> {
    const catalog = await this.catalog();
    if (onInvalid) for (const [id, reason] of catalog.invalid) onInvalid(id, reason);
    return catalog.stores;
  }

  async *streamOrders(query: OrderQuery, onSkip?: SkipListener): AsyncIterable<Order[]> {
    const batchSize = checkBatchSize(query.batchSize);
    const window = query.range ? businessWindow(query.range) : undefined;
    const catalog = await this.catalog();
    const storeIds = await this.storeIdsFor(query.stores, catalog, window !== undefined);
    const selection: RowSelection = { storeIds };
    if (window) selection.time = { column: 'ordered_at', startMs: window.startMs, endMs: window.endMs };
    yield* this.decode(selection, window ? { window } : {}, catalog, batchSize, onSkip);
  }

  async *streamChangedSince(
    sinceMs: number,
    stores: 'all' | readonly string[],
    onSkip?: SkipListener,
    batchSize?: number,
  ): AsyncIterable<Order[]> {
    if (!Number.isFinite(sinceMs)) throw new SourceError(`sinceMs must be a finite number, got ${sinceMs}`);
    const size = checkBatchSize(batchSize);
    const catalog = await this.catalog();
    const storeIds = await this.storeIdsFor(stores, catalog, true);
    yield* this.decode({ storeIds, time: { column: 'updated_at', fromMs: sinceMs } }, { updatedAfterMs: sinceMs }, catalog, size, onSkip);
  }

  private async catalog(): Promise<StoreCatalog> {
    return buildStoreCatalog(await this.readStoreRows());
  }

  /**
   * Explicit ids: the valid ones among them (unknown ids match nothing). `'all'`: with an
   * index range to use, every store id that has orders, so each store is one index range and
   * orders of unknown stores are still read (and reported); without one, a plain scan.
   */
  private async storeIdsFor(stores: 'all' | readonly string[], catalog: StoreCatalog, indexed: boolean): Promise<'all' | string[]> {
    if (stores === 'all') return indexed ? await this.readOrderStoreIds() : 'all';
    return [...new Set(stores)].filter((id) => catalog.byId.has(id)).sort(compareCodeUnits);
  }

  private async *decode(
    selection: RowSelection,
    filter: DecodeFilter,
    catalog: StoreCatalog,
    batchSize: number,
    onSkip: SkipListener | undefined,
  ): AsyncIterable<Order[]> {
    if (Array.isArray(selection.storeIds) && selection.storeIds.length === 0) return;
    const decoder = new OrderDecoder(catalog, filter, onSkip);
    let batch: Order[] = [];
    for await (const rows of this.readOrderRows(selection, batchSize)) {
      for (const row of rows) {
        const order = decoder.decode(row);
        if (order === null) continue;
        batch.push(order);
        if (batch.length === batchSize) {
          yield batch;
          batch = [];
        }
      }
      await nextTick(); // let the event loop breathe (lock renewals, progress) between chunks
    }
    if (batch.length > 0) yield batch;
  }
}

function checkBatchSize(size: number | undefined): number {
  if (size === undefined) return DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(size) || size < 1) throw new SourceError(`batchSize must be a positive integer, got ${size}`);
  return size;
}
