import { type Order, type OrderRecord, localDayHour, validateOrder } from '@prewarm/domain';
import type { BusinessWindow } from './business-window.js';
import type { StoreCatalog } from './store-catalog.js';
import type { SkipListener } from './types.js';

/** One orders row as a driver hands it over, columns in ORDER_COLUMNS order. */
export type OrderTuple = readonly unknown[];

/** Exact filters applied after validation (the database only narrows by index ranges). */
export interface DecodeFilter {
  /** Keep orders whose business date, in their store's zone, lies in the window's days. */
  window?: BusinessWindow;
  /** Keep orders whose updated_at is strictly greater (epoch ms). */
  updatedAfterMs?: number;
}

/**
 * Turns driver rows into validated orders. Every row goes through the domain's validateOrder,
 * so one validator decides for SQLite, PostgreSQL and CSV alike; rejected rows go to the skip
 * listener with their order id, never to the caller. Valid rows outside the filter are
 * dropped silently: they are fine, just not asked for.
 */
export class OrderDecoder {
  private readonly known: ReadonlySet<string>;

  constructor(
    private readonly catalog: StoreCatalog,
    private readonly filter: DecodeFilter = {},
    private readonly onSkip?: SkipListener,
  ) {
    this.known = new Set(catalog.byId.keys());
  }

  decode(row: OrderTuple): Order | null {
    const record: OrderRecord = {
      order_id: row[0],
      store_id: row[1],
      channel: row[2],
      status: row[3],
      ordered_at: row[4],
      items: row[5],
      gross_cents: row[6],
      discount_cents: row[7],
      packaging_cents: row[8],
      delivery_cents: row[9],
      commission_cents: row[10],
      cost_cents: row[11],
      updated_at: row[12],
    };
    const result = validateOrder(record, this.known);
    if (!result.ok) {
      this.onSkip?.({ orderId: result.orderId, reason: this.explain(record.store_id, result.reason) });
      return null;
    }
    const order = result.order;
    const { window, updatedAfterMs } = this.filter;
    if (updatedAfterMs !== undefined && !(order.updatedAt > updatedAfterMs)) return null;
    if (window !== undefined) {
      const zone = this.catalog.byId.get(order.storeId)!.timezone;
      const { day } = localDayHour(zone, order.orderedAt);
      if (day < window.firstDay || day > window.lastDay) return null;
    }
    return order;
  }

  /** An order of a store that exists but is invalid says so, rather than "unknown store". */
  private explain(storeId: unknown, reason: string): string {
    if (typeof storeId !== 'string') return reason;
    const why = this.catalog.invalid.get(storeId);
    const quoted = JSON.stringify(storeId);
    return why !== undefined && reason.includes(quoted) ? `invalid store ${quoted} (${why})` : reason;
  }
}
