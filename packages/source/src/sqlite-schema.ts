import { ORDER_COLUMNS } from '@prewarm/domain';

/**
 * The §4 tables, plus the two indexes the reader relies on. Times are ISO 8601 text with an
 * offset, so the indexes are on `unixepoch(…)` (which parses such text into UTC seconds, or
 * NULL when it cannot); the reader's queries repeat these exact expressions so SQLite uses
 * them:
 *
 * - `orders_store_ordered_at (store_id, unixepoch(ordered_at))`: per-store business-date
 *   range reads (one index range per store), and the distinct store ids of orders.
 * - `orders_store_updated_at (store_id, unixepoch(updated_at))`: per-store watermarks
 *   (max, answered from the index alone) and changed-since reads.
 */
export const SQLITE_TABLES = `
CREATE TABLE IF NOT EXISTS stores (
  store_id  TEXT PRIMARY KEY,
  name      TEXT NOT NULL,
  city      TEXT,
  timezone  TEXT NOT NULL DEFAULT 'Asia/Shanghai'
);
CREATE TABLE IF NOT EXISTS orders (
  order_id         TEXT PRIMARY KEY,
  store_id         TEXT NOT NULL REFERENCES stores(store_id),
  channel          TEXT NOT NULL,
  status           TEXT NOT NULL,
  ordered_at       TEXT NOT NULL,
  items            INTEGER NOT NULL,
  gross_cents      INTEGER NOT NULL,
  discount_cents   INTEGER NOT NULL,
  packaging_cents  INTEGER NOT NULL,
  delivery_cents   INTEGER NOT NULL,
  commission_cents INTEGER NOT NULL,
  cost_cents       INTEGER NOT NULL,
  updated_at       TEXT NOT NULL
);
`;

/** The secondary indexes; a bulk load into an empty table drops them and builds them after. */
export const SQLITE_INDEXES = `
CREATE INDEX IF NOT EXISTS orders_store_ordered_at ON orders (store_id, unixepoch(ordered_at));
CREATE INDEX IF NOT EXISTS orders_store_updated_at ON orders (store_id, unixepoch(updated_at));
`;

export const DROP_SQLITE_INDEXES = 'DROP INDEX IF EXISTS orders_store_ordered_at; DROP INDEX IF EXISTS orders_store_updated_at;';

export const SQLITE_SCHEMA = SQLITE_TABLES + SQLITE_INDEXES;

export const ORDER_COLUMN_LIST = ORDER_COLUMNS.join(', ');

/** Distinct store ids of orders by a loose index scan: one index seek per store, not per order. */
export const ORDER_STORE_IDS_SQL = `
WITH RECURSIVE ids(store_id) AS (
  SELECT min(store_id) FROM orders
  UNION ALL
  SELECT (SELECT min(store_id) FROM orders WHERE store_id > ids.store_id) FROM ids WHERE ids.store_id IS NOT NULL
)
SELECT store_id FROM ids WHERE store_id IS NOT NULL`;

/**
 * One store's orders whose `column` lies in a range of UTC seconds, and (in a second index
 * range, disjoint from the first) those whose time SQLite cannot parse, so they get reported.
 * Parameters: `@store`, `@from` (inclusive) and, for ordered_at, `@to` (exclusive).
 */
export function storeTimeRangeSql(column: 'ordered_at' | 'updated_at', select = ORDER_COLUMN_LIST): string {
  const upper = column === 'ordered_at' ? ` AND unixepoch(${column}) < @to` : '';
  return (
    `SELECT ${select} FROM orders WHERE store_id = @store AND unixepoch(${column}) >= @from${upper}` +
    ` UNION ALL SELECT ${select} FROM orders WHERE store_id = @store AND unixepoch(${column}) IS NULL`
  );
}
