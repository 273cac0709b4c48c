import type { SkippedRow } from '@prewarm/domain';
import { type SkippedStore, readOrdersCsv, readStoresCsv } from './csv.js';
import { ImportRejectedError } from './errors.js';
import { type OrderRow, SourceError, type SourceWriter } from './types.js';

export interface ImportCsvOptions {
  /** Path of the orders CSV. */
  orders: string;
  /** Path of a stores CSV, written (upserted) before the orders. */
  stores?: string;
  /** Store ids already valid in the destination (e.g. from `OrderSource.listStores()`). */
  existingStores?: Iterable<string>;
  /** Write nothing at all if any row (store or order) is bad. */
  strict?: boolean;
  batchSize?: number;
  onSkip?: (row: SkippedRow) => void;
  onSkipStore?: (row: SkippedStore) => void;
  /** Called after each written batch with the number of orders written so far. */
  onProgress?: (ordersWritten: number) => void;
}

export interface ImportCsvResult {
  stores: number;
  orders: number;
  skippedStores: number;
  /** Store ids whose rows (store or orders) were written: their cached entries are stale now. */
  touchedStores: string[];
  skippedOrders: number;
}

/**
 * `prewarm import`: stores first, then orders, each bad row reported (with its line) and
 * skipped. With `strict`, a first streaming pass validates everything and a second one writes
 * only if nothing was bad — memory stays bounded by one batch, and a rejected import throws an
 * ImportRejectedError having written nothing.
 */
export async function importCsv(writer: SourceWriter, options: ImportCsvOptions): Promise<ImportCsvResult> {
  let skippedStores = 0;
  let skippedOrders = 0;
  const stores = options.stores
    ? await readStoresCsv(options.stores, {
        onSkip: (row) => {
          skippedStores++;
          options.onSkipStore?.(row);
        },
      })
    : [];
  const knownStores = new Set([...(options.existingStores ?? []), ...stores.map((s) => s.store_id)]);
  const base = { knownStores, ...(options.batchSize ? { batchSize: options.batchSize } : {}) };

  if (options.strict) {
    const onSkip = (row: SkippedRow): void => {
      skippedOrders++;
      options.onSkip?.(row);
    };
    for await (const batch of readOrdersCsv(options.orders, { ...base, onSkip })) void batch;
    if (skippedStores + skippedOrders > 0) {
      throw new ImportRejectedError(
        `import rejected (--strict): ${describeBad(skippedStores, skippedOrders)}; nothing was written`,
        skippedStores,
        skippedOrders,
      );
    }
  }

  if (stores.length > 0) await writer.writeStores(stores);
  const onSkip = options.strict
    ? (row: SkippedRow): never => {
        throw new SourceError(`${options.orders} changed during the import (line ${row.line}: ${row.reason}); no orders were written`);
      }
    : (row: SkippedRow): void => {
        skippedOrders++;
        options.onSkip?.(row);
      };
  const touched = new Set(stores.map((s) => s.store_id));
  const orders = await writer.writeOrders(progress(readOrdersCsv(options.orders, { ...base, onSkip }), options.onProgress, touched));
  return { stores: stores.length, orders, skippedStores, skippedOrders, touchedStores: [...touched].sort() };
}

async function* progress(batches: AsyncIterable<OrderRow[]>, report: ((n: number) => void) | undefined, touched: Set<string>): AsyncGenerator<OrderRow[]> {
  let written = 0;
  for await (const batch of batches) {
    for (const row of batch) touched.add(row.store_id);
    yield batch;
    written += batch.length;
    report?.(written);
  }
}

function describeBad(stores: number, orders: number): string {
  const parts: string[] = [];
  if (stores > 0) parts.push(`${stores} bad store row${stores === 1 ? '' : 's'}`);
  if (orders > 0) parts.push(`${orders} bad order row${orders === 1 ? '' : 's'}`);
  return parts.join(' and ');
}
