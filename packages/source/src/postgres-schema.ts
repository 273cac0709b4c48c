import { ORDER_COLUMNS } from '@prewarm/domain';

/**
 * The §4 tables with `timestamptz` times and `bigint` cents, in the first schema of the
 * connection's search_path. Indexes the reader relies on:
 *
 * - `orders_store_ordered_at (store_id, ordered_at)`: business-date range reads, one index
 *   range per store (`store_id = ANY($1) AND ordered_at >= … AND ordered_at < …`), and the
 *   loose index scan for the distinct store ids of orders.
 * - `orders_store_updated_at (store_id, updated_at)`: per-store watermarks (max) and
 *   changed-since reads.
 */
export const POSTGRES_SCHEMA = `
CREATE TABLE IF NOT EXISTS stores (
  store_id  text PRIMARY KEY,
  name      text NOT NULL,
  city      text,
  timezone  text NOT NULL DEFAULT 'Asia/Shanghai'
);
CREATE TABLE IF NOT EXISTS orders (
  order_id         text PRIMARY KEY,
  store_id         text NOT NULL REFERENCES stores(store_id),
  channel          text NOT NULL,
  status           text NOT NULL,
  ordered_at       timestamptz NOT NULL,
  items            integer NOT NULL,
  gross_cents      bigint NOT NULL,
  discount_cents   bigint NOT NULL,
  packaging_cents  bigint NOT NULL,
  delivery_cents   bigint NOT NULL,
  commission_cents bigint NOT NULL,
  cost_cents       bigint NOT NULL,
  updated_at       timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_store_ordered_at ON orders (store_id, ordered_at);
CREATE INDEX IF NOT EXISTS orders_store_updated_at ON orders (store_id, updated_at);
`;

/** Epoch milliseconds of a timestamptz column, floored, as bigint. */
const epochMs = (column: string): string => `floor(extract(epoch from ${column}) * 1000)::bigint`;

/** The order columns in ORDER_COLUMNS order, times as epoch ms. */
export const ORDER_SELECT_LIST = ORDER_COLUMNS.map((c) => (c === 'ordered_at' || c === 'updated_at' ? epochMs(c) : c)).join(', ');

/** Epoch milliseconds parameter → timestamptz, exactly (no float rounding). */
export const msParam = (n: number): string => `('epoch'::timestamptz + $${n}::bigint * interval '1 millisecond')`;

/** Distinct store ids of orders by a loose index scan: one index probe per store. */
export const ORDER_STORE_IDS_SQL = `
WITH RECURSIVE ids(store_id) AS (
  SELECT min(store_id) FROM orders
  UNION ALL
  SELECT (SELECT min(store_id) FROM orders WHERE store_id > ids.store_id) FROM ids WHERE ids.store_id IS NOT NULL
)
SELECT store_id FROM ids WHERE store_id IS NOT NULL`;

/** Max updated_at per store id of orders, each from the index (epoch ms, floored). */
export const MAX_UPDATED_AT_SQL = `
WITH RECURSIVE ids(store_id) AS (
  SELECT min(store_id) FROM orders
  UNION ALL
  SELECT (SELECT min(store_id) FROM orders WHERE store_id > ids.store_id) FROM ids WHERE ids.store_id IS NOT NULL
)
SELECT ids.store_id, ${epochMs('(SELECT max(o.updated_at) FROM orders o WHERE o.store_id = ids.store_id)')}
FROM ids WHERE ids.store_id IS NOT NULL`;
