/**
 * The OrderSource / SourceWriter contract (contract §4), run against every implementation in the
 * style of bentocache's driver_test_suite: each implementation file supplies a target that
 * creates an empty source and can insert raw rows behind the writers' backs (writers validate,
 * so bad rows can only arrive that way).
 */
import type { Order, SkippedRow } from '@prewarm/domain';
import { type OrderRow, type OrderSource, SourceError, type SourceWriter, type StoreRow, openSource, openWriter } from '@prewarm/source';
import { afterEach, describe, expect, it } from 'vitest';

export interface ContractHarness {
  url: string;
  insertRawStores(rows: readonly Record<string, unknown>[]): Promise<void>;
  insertRawOrders(rows: readonly Record<string, unknown>[]): Promise<void>;
  /** Runs SQL through the raw driver. */
  exec(sql: string): Promise<void>;
  cleanup(): Promise<void>;
}

export interface ContractTarget {
  name: string;
  /** A fresh, empty location (no tables yet). */
  create(): Promise<ContractHarness>;
  /** A URL of this kind that cannot be opened, and what its error must say. */
  unreachable: { url: string; message: RegExp };
  /** Whether ordered_at can hold unparsable text (SQLite TEXT yes; timestamptz no). */
  textTimes: boolean;
}

export const STORES: StoreRow[] = [
  { store_id: 'SH2', name: '静安店', city: '上海', timezone: 'Asia/Shanghai' },
  { store_id: 'SH1', name: '徐汇店', city: '上海', timezone: 'Asia/Shanghai' },
  { store_id: 'LA1', name: 'Los Angeles', city: null, timezone: 'America/Los_Angeles' },
];

export function order(order_id: string, store_id: string, ordered_at: string, extra: Partial<OrderRow> = {}): OrderRow {
  return {
    order_id,
    store_id,
    channel: 'meituan',
    status: 'completed',
    ordered_at,
    items: 2,
    gross_cents: 5000,
    discount_cents: 500,
    packaging_cents: 100,
    delivery_cents: 300,
    commission_cents: 900,
    cost_cents: 2000,
    updated_at: ordered_at,
    ...extra,
  };
}

/** Valid orders; the comment is each one's business date in its store's zone. */
export const ORDERS: OrderRow[] = [
  order('o1', 'SH1', '2026-11-01T16:30:00Z'), // 2026-11-02 00:30 in Shanghai
  order('o2', 'SH1', '2026-11-01T23:59:30+08:00'), // 2026-11-01
  order('o3', 'SH2', '2026-11-02T12:00:00+08:00', { updated_at: '2026-11-03T10:00:00.250+08:00' }), // 2026-11-02
  order('o4', 'LA1', '2026-11-01T23:30:00-08:00'), // 2026-11-01 in LA (already 11-02 in UTC and Shanghai)
  order('o5', 'LA1', '2026-11-02T08:00:00-08:00', { updated_at: '2026-11-02T09:15:00.750-08:00' }), // 2026-11-02
  order('o6', 'SH2', '2026-10-31T10:00:00+08:00'), // 2026-10-31
  order('o7', 'SH1', '2026-11-02T15:59:59Z'), // 2026-11-02 23:59:59
  order('o8', 'SH1', '2026-11-02T16:00:00Z', { status: 'refunded' }), // 2026-11-03
];

/** Rows that break §4, inserted raw; all inside the 2026-11-02 window so range reads see them. */
function badOrders(textTimes: boolean): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [
    { ...order('b1', 'SH1', '2026-11-02T10:00:00+08:00'), status: 'lost' },
    { ...order('b2', 'SH2', '2026-11-02T10:00:00+08:00'), gross_cents: -5 },
    { ...order('b3', 'ZZZ', '2026-11-02T10:00:00+08:00') },
    { ...order('b5', 'BAD', '2026-11-02T10:00:00+08:00') },
  ];
  if (textTimes) rows.push({ ...order('b4', 'SH1', 'yesterday'), updated_at: 'yesterday' });
  return rows;
}

const ids = (orders: readonly Order[]): string[] => orders.map((o) => o.orderId).sort();

async function collect(stream: AsyncIterable<Order[]>): Promise<{ orders: Order[]; batches: number[] }> {
  const orders: Order[] = [];
  const batches: number[] = [];
  for await (const batch of stream) {
    batches.push(batch.length);
    orders.push(...batch);
  }
  return { orders, batches };
}

export function runSourceContract(target: ContractTarget): void {
  describe(`${target.name} source contract`, () => {
    const open: { close(): Promise<void> }[] = [];
    const harnesses: ContractHarness[] = [];
    afterEach(async () => {
      for (const r of open.splice(0).reverse()) await r.close();
      for (const h of harnesses.splice(0)) await h.cleanup();
    });

    async function fresh(): Promise<{ h: ContractHarness; writer: SourceWriter }> {
      const h = await target.create();
      harnesses.push(h);
      const writer = await openWriter(h.url);
      open.push(writer);
      return { h, writer };
    }

    /** The fixture: valid stores and orders through the writer, bad rows raw. */
    async function seeded(): Promise<{ h: ContractHarness; writer: SourceWriter; source: OrderSource }> {
      const { h, writer } = await fresh();
      await writer.writeStores(STORES);
      expect(await writer.writeOrders([ORDERS.slice(0, 3), ORDERS.slice(3)])).toBe(ORDERS.length);
      await h.insertRawStores([{ store_id: 'BAD', name: 'Broken', city: null, timezone: 'Mars/Olympus_Mons' }]);
      await h.insertRawOrders(badOrders(target.textTimes));
      const source = await openSource(h.url);
      open.push(source);
      return { h, writer, source };
    }

    const badIds = target.textTimes ? ['b1', 'b2', 'b3', 'b4', 'b5'] : ['b1', 'b2', 'b3', 'b5'];

    it('lists valid stores sorted by id and reports invalid ones', async () => {
      const { source } = await seeded();
      const invalid: [string, string][] = [];
      const stores = await source.listStores((id, reason) => invalid.push([id, reason]));
      expect(stores.map((s) => s.store_id)).toEqual(['LA1', 'SH1', 'SH2']);
      expect(stores.find((s) => s.store_id === 'LA1')).toEqual({ store_id: 'LA1', name: 'Los Angeles', city: null, timezone: 'America/Los_Angeles' });
      expect(invalid).toHaveLength(1);
      expect(invalid[0]![0]).toBe('BAD');
      expect(invalid[0]![1]).toMatch(/timezone/);
    });

    it('streams every valid order of all stores and reports every bad row by order_id', async () => {
      const { source } = await seeded();
      const skipped: SkippedRow[] = [];
      const { orders } = await collect(source.streamOrders({ stores: 'all' }, (row) => skipped.push(row)));
      expect(ids(orders)).toEqual(['o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 'o8']);
      expect(skipped.map((s) => s.orderId).sort()).toEqual(badIds);
      const reason = (id: string): string => skipped.find((s) => s.orderId === id)!.reason;
      expect(reason('b1')).toMatch(/unknown status "lost"/);
      expect(reason('b2')).toMatch(/gross_cents is negative/);
      expect(reason('b3')).toMatch(/unknown store(_id)? "ZZZ"/);
      expect(reason('b5')).toMatch(/invalid store "BAD"/);
      if (target.textTimes) expect(reason('b4')).toMatch(/unparsable ordered_at "yesterday"/);
    });

    it('returns orders as validated domain orders (epoch ms, integer cents)', async () => {
      const { source } = await seeded();
      const { orders } = await collect(source.streamOrders({ stores: ['SH2'] }));
      const o3 = orders.find((o) => o.orderId === 'o3')!;
      expect(o3).toEqual({
        orderId: 'o3',
        storeId: 'SH2',
        channel: 'meituan',
        status: 'completed',
        orderedAt: Date.parse('2026-11-02T04:00:00Z'),
        items: 2,
        grossCents: 5000,
        discountCents: 500,
        packagingCents: 100,
        deliveryCents: 300,
        commissionCents: 900,
        costCents: 2000,
        updatedAt: Date.parse('2026-11-03T02:00:00.250Z'),
      });
    });

    it('streams the orders of the given stores only; unknown store ids match nothing', async () => {
      const { source } = await seeded();
      const skipped: SkippedRow[] = [];
      const { orders } = await collect(source.streamOrders({ stores: ['SH1', 'NOPE', 'SH1'] }, (row) => skipped.push(row)));
      expect(ids(orders)).toEqual(['o1', 'o2', 'o7', 'o8']);
      expect(skipped.map((s) => s.orderId).sort()).toEqual(target.textTimes ? ['b1', 'b4'] : ['b1']);
      expect(await collect(source.streamOrders({ stores: ['NOPE'] }))).toEqual({ orders: [], batches: [] });
      expect(await collect(source.streamOrders({ stores: [] }))).toEqual({ orders: [], batches: [] });
    });

    it("selects ranges by business date in each store's own time zone", async () => {
      const { source } = await seeded();
      const read = async (stores: 'all' | string[], from: string, to: string, skipped?: SkippedRow[]): Promise<string[]> =>
        ids((await collect(source.streamOrders({ stores, range: { from, to } }, (r) => skipped?.push(r)))).orders);
      const skipped: SkippedRow[] = [];
      // o1 is 2026-11-01T16:30Z: 2026-11-02 in Shanghai. o4 is 2026-11-02T07:30Z but 2026-11-01 in Los Angeles.
      expect(await read('all', '2026-11-02', '2026-11-02', skipped)).toEqual(['o1', 'o3', 'o5', 'o7']);
      expect(skipped.map((s) => s.orderId).sort()).toEqual(badIds);
      expect(await read('all', '2026-11-01', '2026-11-01')).toEqual(['o2', 'o4']);
      expect(await read(['LA1'], '2026-11-01', '2026-11-01')).toEqual(['o4']);
      expect(await read(['LA1'], '2026-11-02', '2026-11-02')).toEqual(['o5']);
      expect(await read(['SH1'], '2026-11-02', '2026-11-02')).toEqual(['o1', 'o7']);
      expect(await read(['SH1'], '2026-11-03', '2026-11-03')).toEqual(['o8']);
      expect(await read(['SH1', 'SH2'], '2026-10-31', '2026-11-01')).toEqual(['o2', 'o6']);
      expect(await read('all', '2026-10-01', '2026-10-30')).toEqual([]);
      expect(await read('all', '2026-10-31', '2026-11-03')).toEqual(['o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 'o8']);
    });

    it('rejects an invalid range with a SourceError', async () => {
      const { source } = await seeded();
      await expect(collect(source.streamOrders({ stores: 'all', range: { from: '2026-11-03', to: '2026-11-01' } }))).rejects.toThrow(SourceError);
      await expect(collect(source.streamOrders({ stores: 'all', range: { from: '2026-13-01', to: '2026-13-02' } }))).rejects.toThrow(/YYYY-MM-DD/);
      await expect(collect(source.streamOrders({ stores: 'all', batchSize: 0 }))).rejects.toThrow(/batchSize/);
    });

    it('yields batches of at most batchSize orders, never empty ones', async () => {
      const { source } = await seeded();
      for (const query of [{ stores: 'all' as const }, { stores: 'all' as const, range: { from: '2026-10-31', to: '2026-11-03' } }]) {
        const { orders, batches } = await collect(source.streamOrders({ ...query, batchSize: 3 }));
        expect(orders).toHaveLength(8);
        expect(batches.every((n) => n >= 1 && n <= 3)).toBe(true);
        expect(batches.reduce((a, b) => a + b, 0)).toBe(8);
      }
      const single = await collect(source.streamOrders({ stores: ['SH1'], batchSize: 1 }));
      expect(single.batches).toEqual([1, 1, 1, 1]);
    });

    it('reports the greatest updated_at per store, to the millisecond', async () => {
      const { source } = await seeded();
      const max = await source.maxUpdatedAt();
      expect(max.get('SH1')).toBe(Date.parse('2026-11-02T16:00:00Z'));
      expect(max.get('SH2')).toBe(Date.parse('2026-11-03T02:00:00.250Z'));
      expect(max.get('LA1')).toBe(Date.parse('2026-11-02T17:15:00.750Z'));
    });

    it('streams orders changed strictly after a watermark', async () => {
      const { source } = await seeded();
      const since = async (ms: number, stores: 'all' | string[]): Promise<string[]> => ids((await collect(source.streamChangedSince(ms, stores))).orders);
      expect(await since(Date.parse('2026-11-02T04:00:00Z'), 'all')).toEqual(['o3', 'o4', 'o5', 'o7', 'o8']); // o4: 07:30Z
      expect(await since(Date.parse('2026-11-02T17:15:00.749Z'), 'all')).toEqual(['o3', 'o5']);
      expect(await since(Date.parse('2026-11-02T17:15:00.750Z'), 'all')).toEqual(['o3']);
      expect(await since(Date.parse('2026-11-02T17:15:00.750Z'), ['LA1'])).toEqual([]);
      expect(await since(Date.parse('2026-11-02T16:00:00Z'), ['SH1', 'SH2'])).toEqual(['o3']);
      const max = await source.maxUpdatedAt();
      for (const [store, ms] of max) expect(await since(ms, [store])).toEqual([]);
      const skipped: SkippedRow[] = [];
      const batches = await collect(source.streamChangedSince(0, 'all', (r) => skipped.push(r), 2));
      expect(batches.orders).toHaveLength(8);
      expect(batches.batches.every((n) => n <= 2)).toBe(true);
      expect(skipped.map((s) => s.orderId).sort()).toEqual(badIds);
    });

    it('fingerprints each store-day of a window, and every kind of change moves exactly the days it touches', async () => {
      const { writer, source } = await seeded();
      const [fromMs, toMs] = [Date.parse('2026-10-25T00:00:00Z'), Date.parse('2026-11-10T00:00:00Z')];
      const before = await source.fingerprints(fromMs, toMs);
      expect(await source.fingerprints(fromMs, toMs)).toEqual(before); // stable
      const day = (iso: string) => Math.floor(Date.parse(iso) / 86_400_000);
      expect([...(before.get('SH1')?.keys() ?? [])].every((d) => d >= day('2026-10-25T00:00:00Z') && d < day('2026-11-10T00:00:00Z'))).toBe(true);
      // A late commit: another status, the same updated_at as before.
      const o2 = ORDERS.find((o) => o.order_id === 'o2')!;
      await writer.writeOrders([[{ ...o2, status: 'refunded' }]]);
      const after = await source.fingerprints(fromMs, toMs);
      const changedDays = (store: string) => {
        const a = before.get(store) ?? new Map<number, string>();
        const b = after.get(store) ?? new Map<number, string>();
        return [...new Set([...a.keys(), ...b.keys()])].filter((d) => a.get(d) !== b.get(d));
      };
      expect(changedDays(o2.store_id)).toEqual([day(o2.ordered_at)]);
      for (const store of ['SH2', 'LA1']) if (store !== o2.store_id) expect(changedDays(store)).toEqual([]);
      // Moved to another store: both stores' days change.
      await writer.writeOrders([[{ ...o2, status: 'refunded', store_id: 'SH2' }]]);
      const moved = await source.fingerprints(fromMs, toMs);
      expect(moved.get('SH2')?.get(day(o2.ordered_at))).not.toBe(after.get('SH2')?.get(day(o2.ordered_at)));
      expect(moved.get(o2.store_id)?.get(day(o2.ordered_at))).not.toBe(after.get(o2.store_id)?.get(day(o2.ordered_at)));
    });

    it('upserts: a later row with the same order_id replaces the earlier one', async () => {
      const { writer, source } = await seeded();
      await writer.writeOrders([[order('o2', 'SH1', '2026-11-01T23:59:30+08:00', { gross_cents: 7777, updated_at: '2026-11-05T00:00:00+08:00' })]]);
      await writer.writeOrders([[order('o9', 'SH2', '2026-11-04T10:00:00+08:00', { items: 1 })], [order('o9', 'SH2', '2026-11-04T10:00:00+08:00', { items: 9 })]]);
      await writer.writeOrders([[order('o10', 'SH2', '2026-11-04T10:00:00+08:00', { items: 1 }), order('o10', 'SH2', '2026-11-04T10:00:00+08:00', { items: 5 })]]);
      const { orders } = await collect(source.streamOrders({ stores: 'all' }));
      expect(orders).toHaveLength(10);
      expect(orders.find((o) => o.orderId === 'o2')?.grossCents).toBe(7777);
      expect(orders.find((o) => o.orderId === 'o9')?.items).toBe(9);
      expect(orders.find((o) => o.orderId === 'o10')?.items).toBe(5);
      expect((await source.maxUpdatedAt()).get('SH1')).toBe(Date.parse('2026-11-04T16:00:00Z'));
      await writer.writeStores([{ store_id: 'SH2', name: '静安新店', city: '上海', timezone: 'Asia/Shanghai' }]);
      expect((await source.listStores()).find((s) => s.store_id === 'SH2')?.name).toBe('静安新店');
    });

    it('writers validate: a bad row fails the whole write and nothing of it is kept', async () => {
      const { writer } = await fresh();
      await writer.writeStores(STORES);
      await expect(writer.writeStores([{ store_id: 'bad id!', name: 'x', city: null, timezone: 'Asia/Shanghai' }])).rejects.toThrow(SourceError);
      const bad = [[order('w1', 'SH1', '2026-11-01T10:00:00+08:00')], [order('w2', 'SH1', '2026-11-01T10:00:00+08:00', { cost_cents: -1 })]];
      await expect(writer.writeOrders(bad)).rejects.toThrow(/order "w2" rejected: cost_cents is negative/);
      await expect(writer.writeOrders([[order('w3', 'NOPE', '2026-11-01T10:00:00+08:00')]])).rejects.toThrow(/unknown store/);
      const source = await openSource(harnesses[0]!.url);
      open.push(source);
      expect((await collect(source.streamOrders({ stores: 'all' }))).orders).toEqual([]);
    });

    it('bulk-loads into an empty table and keeps its indexes for later upserts and range reads', async () => {
      const { writer, h } = await fresh();
      await writer.writeStores(STORES);
      const many = Array.from({ length: 2500 }, (_, i) => order(`m${String(i).padStart(5, '0')}`, i % 2 ? 'SH1' : 'LA1', `2026-11-0${1 + (i % 3)}T12:00:00+08:00`));
      expect(await writer.writeOrders([many.slice(0, 1000), many.slice(1000)])).toBe(2500);
      expect(await writer.writeOrders([[order('m00000', 'LA1', '2026-11-01T12:00:00+08:00', { items: 7 })]])).toBe(1);
      const source = await openSource(h.url);
      open.push(source);
      const { orders } = await collect(source.streamOrders({ stores: ['LA1'], range: { from: '2026-10-31', to: '2026-10-31' } }));
      expect(orders).toHaveLength(417); // i even and i % 3 === 0 → 2026-11-01 12:00+08 is 10-31 in LA
      expect(orders.find((o) => o.orderId === 'm00000')?.items).toBe(7);
    });

    it('reset drops everything and reports how many orders there were', async () => {
      const { writer, h } = await seeded();
      const before = ORDERS.length + badOrders(target.textTimes).length;
      expect(await writer.reset()).toBe(before);
      expect(await writer.reset()).toBe(0);
      const source = await openSource(h.url);
      open.push(source);
      expect(await source.listStores()).toEqual([]);
      expect(await source.maxUpdatedAt()).toEqual(new Map());
      expect((await collect(source.streamOrders({ stores: 'all' }))).orders).toEqual([]);
    });

    it('runs concurrent streams and releases a stream abandoned early', async () => {
      const { source } = await seeded();
      const a = source.streamOrders({ stores: 'all', batchSize: 1 })[Symbol.asyncIterator]();
      const b = source.streamOrders({ stores: ['SH1'], range: { from: '2026-11-01', to: '2026-11-03' }, batchSize: 1 })[Symbol.asyncIterator]();
      const seenA: string[] = [];
      const seenB: string[] = [];
      for (;;) {
        const [x, y] = await Promise.all([a.next(), b.next()]);
        if (!x.done) seenA.push(...x.value.map((o) => o.orderId));
        if (!y.done) seenB.push(...y.value.map((o) => o.orderId));
        if (x.done && y.done) break;
      }
      expect(seenA.sort()).toEqual(['o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 'o8']);
      expect(seenB.sort()).toEqual(['o1', 'o2', 'o7', 'o8']);
      for (let i = 0; i < 8; i++) {
        for await (const batch of source.streamOrders({ stores: 'all', batchSize: 1 })) {
          expect(batch).toHaveLength(1);
          break;
        }
      }
      expect((await source.listStores()).length).toBe(3);
    });

    it('a source without the tables is a SourceError telling how to create them', async () => {
      const { h, writer } = await fresh();
      await writer.reset();
      await h.exec('DROP TABLE orders');
      await expect(openSource(h.url)).rejects.toThrow(/has no orders table \(run "prewarm seed" or "prewarm import" first\)/);
      await h.exec('DROP TABLE stores');
      await expect(openSource(h.url)).rejects.toThrow(/has no (stores|orders) table \(run "prewarm seed" or "prewarm import" first\)/);
    });

    it('an unreachable or missing source is a SourceError with a one-line message', async () => {
      const error = await openSource(target.unreachable.url).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SourceError);
      expect((error as Error).message).toMatch(target.unreachable.message);
      expect((error as Error).message).not.toContain('\n');
    });
  });
}
