import { createHash } from 'node:crypto';
import { addDays, localDayHour, parseBusinessDate, parseTimestamp, validateOrder } from '@prewarm/domain';
import { describe, expect, it } from 'vitest';
import { generateSample } from './sample.js';
import type { OrderRow } from './types.js';

function all(options: Parameters<typeof generateSample>[0]): OrderRow[] {
  const rows: OrderRow[] = [];
  for (const batch of generateSample(options).orderBatches()) rows.push(...batch);
  return rows;
}

const digest = (rows: readonly OrderRow[]): string => createHash('sha256').update(JSON.stringify(rows)).digest('hex');

describe('generateSample', () => {
  const options = { stores: 20, days: 30, orders: 20_000, seed: 7, end: '2026-11-26' };
  const rows = all(options);
  const dataset = generateSample(options);

  it('is deterministic: same seed and end date, same data; the batch size does not matter', () => {
    expect(digest(all({ ...options, batchSize: 777 }))).toBe(digest(rows));
    expect(generateSample(options).stores).toEqual(dataset.stores);
    expect(digest(all({ ...options, seed: 8 }))).not.toBe(digest(rows));
    expect(digest(all({ ...options, seed: '7' }))).toBe(digest(rows)); // numeric text seeds equal the number
    expect(digest(all({ ...options, end: '2026-11-25' }))).not.toBe(digest(rows));
  });

  it('produces exactly the requested counts, unique ids, batches of batchSize', () => {
    expect(rows).toHaveLength(20_000);
    expect(new Set(rows.map((r) => r.order_id)).size).toBe(20_000);
    expect(dataset.stores.map((s) => s.store_id)).toEqual(Array.from({ length: 20 }, (_, i) => `S${String(i + 1).padStart(3, '0')}`));
    const sizes = [...generateSample({ ...options, batchSize: 6000 }).orderBatches()].map((b) => b.length);
    expect(sizes).toEqual([6000, 6000, 6000, 2000]);
    expect(all({ ...options, orders: 0 })).toEqual([]);
  });

  it('writes only valid rows, each on a business date of the range in its store zone', () => {
    const known = new Set(dataset.stores.map((s) => s.store_id));
    const zone = new Map(dataset.stores.map((s) => [s.store_id, s.timezone]));
    const first = parseBusinessDate(addDays('2026-11-26', -29))!;
    const last = parseBusinessDate('2026-11-26')!;
    expect(dataset.from).toBe('2026-10-28');
    for (const row of rows) {
      const result = validateOrder(row as never, known);
      if (!result.ok) throw new Error(`${result.orderId}: ${result.reason}`);
      const { day } = localDayHour(zone.get(row.store_id)!, result.order.orderedAt);
      expect(day >= first && day <= last).toBe(true);
      expect(result.order.updatedAt).toBeGreaterThan(result.order.orderedAt);
    }
  });

  it('writes times with the store’s own offset', () => {
    const shanghai = rows.find((r) => r.store_id === 'S001')!;
    expect(shanghai.ordered_at).toMatch(/^2026-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    const la = rows.filter((r) => r.store_id === 'S020').map((r) => r.ordered_at);
    expect(la.some((t) => t.endsWith('-07:00'))).toBe(true); // PDT until 2026-11-01
    expect(la.some((t) => t.endsWith('-08:00'))).toBe(true); // PST after
    const london = rows.filter((r) => r.store_id === 'S019').map((r) => r.ordered_at);
    expect(london.some((t) => t.endsWith('+00:00'))).toBe(true);
  });

  it('has stores in other time zones, most in Asia/Shanghai, with Chinese names', () => {
    const zones = dataset.stores.map((s) => s.timezone);
    expect(zones.filter((z) => z === 'Asia/Shanghai')).toHaveLength(18);
    expect(zones).toContain('America/Los_Angeles');
    expect(zones).toContain('Europe/London');
    expect(dataset.stores.every((s) => /[\u4e00-\u9fff]/.test(s.name))).toBe(true);
    expect(new Set(dataset.stores.map((s) => s.name)).size).toBe(20);
  });

  it('skews store sizes: a fifth of the stores carry about half of the orders', () => {
    const perStore = new Map<string, number>();
    for (const r of rows) perStore.set(r.store_id, (perStore.get(r.store_id) ?? 0) + 1);
    const sizes = [...perStore.values()].sort((a, b) => b - a);
    const top = sizes.slice(0, 4).reduce((a, b) => a + b, 0);
    expect(top / rows.length).toBeGreaterThan(0.45);
    expect(sizes[0]! / sizes[sizes.length - 1]!).toBeGreaterThan(8);
  });

  it('mixes channels, statuses and amounts realistically', () => {
    const share = (pred: (r: OrderRow) => boolean): number => rows.filter(pred).length / rows.length;
    expect(share((r) => r.channel === 'meituan')).toBeCloseTo(0.45, 1);
    expect(share((r) => r.channel === 'eleme')).toBeCloseTo(0.3, 1);
    expect(share((r) => r.channel === 'jddj')).toBeCloseTo(0.1, 1);
    expect(share((r) => r.channel === 'pickup')).toBeCloseTo(0.15, 1);
    expect(share((r) => r.status === 'refunded')).toBeGreaterThan(0.015);
    expect(share((r) => r.status === 'refunded')).toBeLessThan(0.08);
    expect(share((r) => r.status === 'cancelled')).toBeGreaterThan(0.005);
    expect(share((r) => r.status === 'cancelled')).toBeLessThan(0.04);
    expect(rows.every((r) => r.gross_cents >= 2000 && r.gross_cents <= 20000)).toBe(true);
    expect(rows.filter((r) => r.channel === 'pickup').every((r) => r.delivery_cents === 0 && r.commission_cents === 0)).toBe(true);
    expect(share((r) => r.discount_cents === 0)).toBeGreaterThan(0.2);
    const profit = (r: OrderRow): number =>
      r.gross_cents - r.discount_cents + r.packaging_cents - r.commission_cents - r.delivery_cents - r.cost_cents;
    const loss = share((r) => profit(r) < 0);
    expect(loss).toBeGreaterThan(0.01);
    expect(loss).toBeLessThan(0.3);
  });

  it('follows a lunch and dinner curve in local time', () => {
    const zone = new Map(dataset.stores.map((s) => [s.store_id, s.timezone]));
    const byHour = new Array<number>(24).fill(0);
    for (const r of rows) byHour[localDayHour(zone.get(r.store_id)!, parseTimestamp(r.ordered_at)!).hour]! += 1;
    expect(byHour[12]!).toBeGreaterThan(byHour[15]! * 2);
    expect(byHour[18]!).toBeGreaterThan(byHour[15]! * 2);
    expect(byHour[4]!).toBeLessThan(byHour[12]! / 20);
  });

  it('rejects bad options with one clear message', () => {
    expect(() => generateSample({ ...options, stores: 0 })).toThrow('sample stores must be an integer from 1 to 9999, got 0');
    expect(() => generateSample({ ...options, days: 1.5 })).toThrow(/sample days must be an integer/);
    expect(() => generateSample({ ...options, end: '2026-02-30' })).toThrow(/end date must be YYYY-MM-DD/);
  });

  it('defaults the end date to today', () => {
    const before = new Date().toISOString().slice(0, 10);
    const { to, from } = generateSample({ stores: 1, days: 7, orders: 10, seed: 1 });
    expect([before, new Date().toISOString().slice(0, 10)]).toContain(to); // midnight may pass in between
    expect(from).toBe(addDays(to, -6));
  });
});
