import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_STORE_IDS_SQL, SQLITE_SCHEMA, storeTimeRangeSql } from './sqlite-schema.js';

/** The reader's queries must be answered from the expression indexes, not by scanning orders. */
describe('SQLite query plans', () => {
  let db: Database.Database;
  beforeAll(() => {
    db = new Database(':memory:');
    db.exec(SQLITE_SCHEMA);
  });
  afterAll(() => db.close());

  const plan = (sql: string, params: Record<string, unknown> = {}): string[] =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail);

  it('reads a store-day range through orders_store_ordered_at, in two index ranges', () => {
    const steps = plan(storeTimeRangeSql('ordered_at'), { store: 'S001', from: 0, to: 1 });
    expect(steps).toContain('SEARCH orders USING INDEX orders_store_ordered_at (store_id=? AND <expr>>? AND <expr><?)');
    expect(steps).toContain('SEARCH orders USING INDEX orders_store_ordered_at (store_id=? AND <expr>=?)'); // unparsable times (IS NULL)
    expect(steps.some((s) => s.startsWith('SCAN orders'))).toBe(false);
  });

  it('reads changes since a watermark through orders_store_updated_at', () => {
    const steps = plan(storeTimeRangeSql('updated_at'), { store: 'S001', from: 0 });
    expect(steps).toContain('SEARCH orders USING INDEX orders_store_updated_at (store_id=? AND <expr>>?)');
    expect(steps.some((s) => s.startsWith('SCAN orders'))).toBe(false);
  });

  it('answers the per-store max updated_at from the index alone', () => {
    expect(plan('SELECT max(unixepoch(updated_at)) FROM orders WHERE store_id = @s', { s: 'S001' })).toEqual([
      'SEARCH orders USING COVERING INDEX orders_store_updated_at (store_id=?)',
    ]);
  });

  it('lists the store ids of orders by index seeks (loose index scan)', () => {
    const steps = plan(ORDER_STORE_IDS_SQL);
    expect(steps.filter((s) => s.includes('orders'))).toEqual([
      expect.stringMatching(/^SEARCH orders USING COVERING INDEX orders_store_(ordered|updated)_at$/),
      expect.stringMatching(/^SEARCH orders USING COVERING INDEX orders_store_(ordered|updated)_at \(store_id>\?\)$/),
    ]);
  });
});
