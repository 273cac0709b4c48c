/**
 * A tiny hand-made source, written with the raw driver and the contract §4 DDL, so the
 * expected numbers of the CLI tests can be checked by hand.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export const SQLITE_DDL = `
CREATE TABLE stores (
  store_id  TEXT PRIMARY KEY,
  name      TEXT NOT NULL,
  city      TEXT,
  timezone  TEXT NOT NULL DEFAULT 'Asia/Shanghai'
);
CREATE TABLE orders (
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
);`;

export interface FixtureOrder {
  id: string;
  store: string;
  at: string;
  status?: string;
  channel?: string;
  gross?: number;
  discount?: number;
  packaging?: number;
  delivery?: number;
  commission?: number;
  cost?: number;
  items?: number;
}

export const FIXTURE_STORES = [
  ['A1', '一号店', '上海', 'Asia/Shanghai'],
  ['B2', 'Second Store', 'Los Angeles', 'America/Los_Angeles'],
  ['C3', 'Empty', null, 'Asia/Shanghai'],
] as const;

/** Orders of 2026-11-01..02 plus a previous period (2026-10-30..31) with known totals. */
export const FIXTURE_ORDERS: FixtureOrder[] = [
  // A1, 2026-11-01 (Shanghai): two completed, one refunded, one cancelled.
  { id: 'a-1', store: 'A1', at: '2026-11-01T00:00:00+08:00', gross: 10000, discount: 1000, packaging: 100, delivery: 500, commission: 1500, cost: 4000 },
  { id: 'a-2', store: 'A1', at: '2026-11-01T15:59:59Z', channel: 'eleme', gross: 5000, discount: 3000, commission: 800, cost: 3000 }, // 23:59:59 local, loss order
  { id: 'a-3', store: 'A1', at: '2026-11-01T12:00:00+08:00', status: 'refunded', gross: 9999 },
  { id: 'a-4', store: 'A1', at: '2026-11-01T12:30:00+08:00', status: 'cancelled', gross: 9999 },
  // 2026-11-01T16:00:00Z is 2026-11-02 00:00 in Shanghai.
  { id: 'a-5', store: 'A1', at: '2026-11-01T16:00:00Z', gross: 2000, cost: 1000 },
  // Previous period for A1.
  { id: 'a-0', store: 'A1', at: '2026-10-31T10:00:00+08:00', gross: 20000, cost: 5000 },
  // B2 in Los Angeles: 2026-11-02T05:00:00Z is 2026-11-01 21:00 local (PST, -08:00 after that morning's fall-back).
  { id: 'b-1', store: 'B2', at: '2026-11-02T05:00:00Z', channel: 'pickup', gross: 3000, cost: 1000 },
  // Bad rows: skipped and reported, never counted.
  { id: 'bad-status', store: 'A1', at: '2026-11-01T10:00:00+08:00', status: 'lost' },
  { id: 'bad-amount', store: 'A1', at: '2026-11-01T10:00:00+08:00', gross: -5 },
];

export function writeFixtureDb(orders: readonly FixtureOrder[] = FIXTURE_ORDERS): string {
  const path = join(mkdtempSync(join(tmpdir(), 'prewarm-fixture-')), 'orders.db');
  const db = new Database(path);
  db.exec(SQLITE_DDL);
  const store = db.prepare('INSERT INTO stores VALUES (?, ?, ?, ?)');
  for (const s of FIXTURE_STORES) store.run(...s);
  const order = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const o of orders) {
    order.run(o.id, o.store, o.channel ?? 'meituan', o.status ?? 'completed', o.at, o.items ?? 1, o.gross ?? 1000, o.discount ?? 0, o.packaging ?? 0, o.delivery ?? 0, o.commission ?? 0, o.cost ?? 0, o.at);
  }
  db.close();
  return path;
}
