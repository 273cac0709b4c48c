import type { DateRange, Order, SkippedRow, Store } from '@prewarm/domain';

/** Which orders to read. Store ids of unknown stores simply match nothing. */
export interface OrderQuery {
  /** `'all'` reads every store; orders of store ids missing from `stores` are then reported as skipped. */
  stores: 'all' | readonly string[];
  /**
   * Business dates, inclusive, in each store's own time zone. Rows are selected by a widened
   * UTC window (offsets span −12 h … +14 h) and then filtered exactly by business date.
   */
  range?: DateRange;
  /** Rows per yielded batch (default 5000). */
  batchSize?: number;
}

/** Receives every row that breaks the §4 rules; the row is never part of a batch. */
export type SkipListener = (row: SkippedRow) => void;

/**
 * Read-only access to the source database (contract §4). Rows are streamed in batches so
 * memory stays bounded for millions of rows; invalid rows are reported, never yielded.
 */
export interface OrderSource {
  readonly kind: 'sqlite' | 'postgres';
  /** Every valid store, sorted by store_id; a store with an invalid id, name or zone is left out and reported to `onInvalid`. */
  listStores(onInvalid?: (storeId: string, reason: string) => void): Promise<Store[]>;
  /** Valid orders matching the query, in batches. */
  streamOrders(query: OrderQuery, onSkip?: SkipListener): AsyncIterable<Order[]>;
  /** The greatest `updated_at` (epoch ms) per store that has orders. */
  maxUpdatedAt(): Promise<Map<string, number>>;
  /**
   * A fingerprint of every store's rows per UTC day whose `ordered_at` lies in
   * [`fromMs`, `toMs`): store → UTC day number (epoch ms / 86 400 000) → a string that changes
   * when a row of that day is added, deleted, moved in or out, or changes a stored value —
   * whatever its `updated_at` says. One grouped read; what incremental runs reconcile.
   */
  fingerprints(fromMs: number, toMs: number): Promise<Map<string, Map<number, string>>>;
  /** Valid orders of the given stores (or all) whose `updated_at` is greater than `sinceMs`. */
  streamChangedSince(sinceMs: number, stores: 'all' | readonly string[], onSkip?: SkipListener, batchSize?: number): AsyncIterable<Order[]>;
  /** Checks that the source answers and holds the two tables; throws a SourceError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Input rows for the writers used by `seed` and `import` (which own their data). */
export interface StoreRow {
  store_id: string;
  name: string;
  city: string | null;
  timezone: string;
}

/** An order row as written: times as ISO 8601 text with offset, amounts as integers. */
export interface OrderRow {
  order_id: string;
  store_id: string;
  channel: string;
  status: string;
  ordered_at: string;
  items: number;
  gross_cents: number;
  discount_cents: number;
  packaging_cents: number;
  delivery_cents: number;
  commission_cents: number;
  cost_cents: number;
  updated_at: string;
}

/**
 * Write access for `seed` and `import` only. The warm-up path never gets one of these.
 * Writers create the tables and the indexes the readers rely on when they are missing.
 */
export interface SourceWriter {
  /** Drops and recreates both tables (seed). Returns how many orders were there before. */
  reset(): Promise<number>;
  /** Creates the tables and indexes when missing. */
  ensureSchema(): Promise<void>;
  /** Upserts stores. */
  writeStores(stores: readonly StoreRow[]): Promise<void>;
  /** Upserts orders by order_id (a later row replaces an earlier one), streamed in batches, in one transaction. */
  writeOrders(batches: AsyncIterable<readonly OrderRow[]> | Iterable<readonly OrderRow[]>): Promise<number>;
  close(): Promise<void>;
}

export class SourceError extends Error {
  static readonly code: string = 'E_SOURCE';
  /** The code of the error's class (subclasses override the static `code`). */
  get code(): string {
    return (this.constructor as typeof SourceError).code;
  }
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SourceError';
  }
}
