import { type OrderRecord, StoreSchema, validateOrder } from '@prewarm/domain';
import { describeIssues } from './store-catalog.js';
import { type OrderRow, SourceError, type StoreRow } from './types.js';

/**
 * Writers keep the source clean: every row they are given passes the same domain validators
 * as rows read, or the whole write fails (callers such as `import` filter bad rows first).
 */
export function checkStoreRow(row: StoreRow): void {
  const parsed = StoreSchema.safeParse(row);
  if (!parsed.success) {
    throw new SourceError(`store ${JSON.stringify(row.store_id)} rejected: ${describeIssues(parsed.error.issues)}`);
  }
}

export function checkOrderRow(row: OrderRow, knownStores: ReadonlySet<string>): void {
  const result = validateOrder(row as unknown as OrderRecord, knownStores);
  if (!result.ok) throw new SourceError(`order ${JSON.stringify(result.orderId)} rejected: ${result.reason}`);
}
