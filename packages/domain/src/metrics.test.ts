import { describe, expect, it } from 'vitest';
import {
  DailyMetricsBuilder,
  type DailyMetrics,
  addOrder,
  computeDailyMetrics,
  emptyTotals,
  mergeTotals,
  orderRevenueCents,
  ratiosOf,
  sumTotals,
  withRatios,
} from './metrics.js';
import type { Order } from './order.js';
import type { Store } from './store.js';
import { parseTimestamp } from './timestamp.js';

const SHANGHAI: Store = { store_id: 'SH', name: '上海静安店', city: 'Shanghai', timezone: 'Asia/Shanghai' };
const LOS_ANGELES: Store = { store_id: 'LA', name: 'Los Angeles', city: null, timezone: 'America/Los_Angeles' };

const at = (text: string): number => {
  const ms = parseTimestamp(text);
  if (ms === null) throw new Error(`bad test timestamp ${text}`);
  return ms;
};

let nextId = 0;
/**
 * A completed order of store SH at noon Shanghai time on 2026-11-01; override any field.
 * Defaults: revenue = 5000 - 500 + 200 - 400 - 300 = 4000, profit = 4000 - 2000 = 2000.
 */
function order(overrides: Partial<Order> & { at?: string } = {}): Order {
  const { at: text, ...rest } = overrides;
  const orderedAt = text === undefined ? at('2026-11-01T12:00:00+08:00') : at(text);
  return {
    orderId: `O-${++nextId}`,
    storeId: 'SH',
    channel: 'meituan',
    status: 'completed',
    orderedAt,
    items: 2,
    grossCents: 5000,
    discountCents: 500,
    packagingCents: 200,
    deliveryCents: 300,
    commissionCents: 400,
    costCents: 2000,
    updatedAt: orderedAt,
    ...rest,
  };
}

function oneDay(store: Store, date: string, orders: Order[]): DailyMetrics {
  const days = computeDailyMetrics(store, orders, { from: date, to: date });
  expect(days).toHaveLength(1);
  return days[0]!;
}

const hours = (counts: Record<number, number>): number[] => Array.from({ length: 24 }, (_, h) => counts[h] ?? 0);

describe('orderRevenueCents', () => {
  it('is gross - discount + packaging - commission - delivery', () => {
    expect(orderRevenueCents(order())).toBe(4000);
    expect(orderRevenueCents(order({ grossCents: 100, discountCents: 0, packagingCents: 0, commissionCents: 0, deliveryCents: 0 }))).toBe(100);
    expect(orderRevenueCents(order({ packagingCents: 1000 }))).toBe(4800);
  });
});

describe('daily metrics of one store-day', () => {
  it('sums completed orders and computes the ratios', () => {
    const d = oneDay(SHANGHAI, '2026-11-01', [
      order({ channel: 'meituan', at: '2026-11-01T09:15:00+08:00' }),
      order({ channel: 'eleme', at: '2026-11-01T09:45:00+08:00', grossCents: 3000, discountCents: 1000, costCents: 2500, items: 1 }),
      order({ channel: 'pickup', at: '2026-11-01T18:00:00+08:00', deliveryCents: 0, commissionCents: 0 }),
      order({ status: 'refunded', at: '2026-11-01T10:00:00+08:00' }),
      order({ status: 'cancelled', at: '2026-11-01T11:00:00+08:00' }),
      order({ status: 'cancelled', at: '2026-11-01T11:30:00+08:00' }),
    ]);
    // revenues: 4000; 3000-1000+200-400-300 = 1500; 5000-500+200 = 4700   → 10200
    // profits:  2000; 1500-2500 = -1000;           4700-2000 = 2700       → 3700
    expect(d).toEqual({
      store_id: 'SH',
      date: '2026-11-01',
      orders: 3,
      refunded: 1,
      cancelled: 2,
      items: 5,
      gross_cents: 13000,
      discount_cents: 2000,
      packaging_cents: 600,
      delivery_cents: 600,
      commission_cents: 800,
      cost_cents: 6500,
      revenue_cents: 10200,
      profit_cents: 3700,
      loss_orders: 1,
      by_channel: {
        eleme: { orders: 1, revenue_cents: 1500 },
        meituan: { orders: 1, revenue_cents: 4000 },
        pickup: { orders: 1, revenue_cents: 4700 },
      },
      by_hour: hours({ 9: 2, 18: 1 }),
      avg_order_value_cents: 3400, // 10200 / 3
      margin: 0.3627, // 3700 / 10200 = 0.36274...
      discount_rate: 0.1538, // 2000 / 13000 = 0.153846...
      delivery_share: 0.0462, // 600 / 13000 = 0.046153...
      loss_order_rate: 0.3333,
      refund_rate: 0.25, // 1 / (3 + 1): cancelled orders are not in the denominator
    });
  });

  it('lists channels in sorted order', () => {
    const d = oneDay(SHANGHAI, '2026-11-01', [order({ channel: 'pickup' }), order({ channel: 'eleme' }), order({ channel: 'jddj' })]);
    expect(Object.keys(d.by_channel)).toEqual(['eleme', 'jddj', 'pickup']);
  });

  it('counts a loss order only when the order itself has profit < 0', () => {
    const d = oneDay(SHANGHAI, '2026-11-01', [
      order({ costCents: 4000 }), // profit 0: not a loss
      order({ costCents: 4001 }), // profit -1
      order({ costCents: 0 }),
    ]);
    expect(d.loss_orders).toBe(1);
    expect(d.profit_cents).toBe(0 - 1 + 4000);
  });

  it('rounds the average order value to whole cents, half away from zero', () => {
    const d = oneDay(SHANGHAI, '2026-11-01', [
      order({ grossCents: 1000, discountCents: 0, packagingCents: 1, commissionCents: 0, deliveryCents: 0 }),
      order({ grossCents: 1000, discountCents: 0, packagingCents: 0, commissionCents: 0, deliveryCents: 0 }),
    ]);
    expect(d.revenue_cents).toBe(2001);
    expect(d.avg_order_value_cents).toBe(1001); // 1000.5
  });
});

describe('business date and hour at day boundaries', () => {
  it('puts local midnight on the new day at hour 0 and 23:59:59 on the old day at hour 23', () => {
    const days = computeDailyMetrics(
      SHANGHAI,
      [order({ at: '2026-11-01T23:59:59+08:00' }), order({ at: '2026-11-02T00:00:00+08:00' }), order({ at: '2026-11-01T00:00:00+08:00' })],
      { from: '2026-11-01', to: '2026-11-02' },
    );
    expect(days.map((d) => d.date)).toEqual(['2026-11-01', '2026-11-02']);
    expect(days[0]!.orders).toBe(2);
    expect(days[0]!.by_hour).toEqual(hours({ 0: 1, 23: 1 }));
    expect(days[1]!.orders).toBe(1);
    expect(days[1]!.by_hour).toEqual(hours({ 0: 1 }));
  });

  it('reads a Z timestamp in the store zone (16:30Z is 2026-11-02 hour 0 in Shanghai)', () => {
    const days = computeDailyMetrics(SHANGHAI, [order({ at: '2026-11-01T16:30:00Z' }), order({ at: '2026-11-01T15:59:59Z' })], {
      from: '2026-11-01',
      to: '2026-11-02',
    });
    expect(days[0]!.by_hour).toEqual(hours({ 23: 1 }));
    expect(days[1]!.by_hour).toEqual(hours({ 0: 1 }));
  });

  it('reads a -05:00 timestamp in the store zone', () => {
    const days = computeDailyMetrics(
      SHANGHAI,
      [order({ at: '2026-11-01T10:30:00-05:00' }), order({ at: '2026-11-01T11:00:00-05:00' })], // 23:30 and 00:00 in Shanghai
      { from: '2026-11-01', to: '2026-11-02' },
    );
    expect(days[0]!.by_hour).toEqual(hours({ 23: 1 }));
    expect(days[1]!.by_hour).toEqual(hours({ 0: 1 }));
  });

  it('reads a +08:00 timestamp in a Los Angeles store', () => {
    // 2026-11-02T00:30+08:00 = 2026-11-01T16:30Z = 08:30 PST on Nov 1
    const d = oneDay(LOS_ANGELES, '2026-11-01', [order({ storeId: 'LA', at: '2026-11-02T00:30:00+08:00' })]);
    expect(d.by_hour).toEqual(hours({ 8: 1 }));
  });
});

describe('America/Los_Angeles across DST changes', () => {
  it('spring forward (2026-03-08): no hour 2, hours 1 and 3 around the gap', () => {
    const days = computeDailyMetrics(
      LOS_ANGELES,
      [
        order({ storeId: 'LA', at: '2026-03-07T23:59:59-08:00' }),
        order({ storeId: 'LA', at: '2026-03-08T00:00:00-08:00' }),
        order({ storeId: 'LA', at: '2026-03-08T01:30:00-08:00' }),
        order({ storeId: 'LA', at: '2026-03-08T09:59:59Z' }), // 01:59:59 PST
        order({ storeId: 'LA', at: '2026-03-08T10:00:00Z' }), // 03:00 PDT
        order({ storeId: 'LA', at: '2026-03-08T02:30:00-08:00' }), // does not exist locally: 03:30 PDT
        order({ storeId: 'LA', at: '2026-03-08T23:59:59-07:00' }),
        order({ storeId: 'LA', at: '2026-03-09T00:00:00-07:00' }),
      ],
      { from: '2026-03-07', to: '2026-03-09' },
    );
    expect(days.map((d) => d.orders)).toEqual([1, 6, 1]);
    expect(days[0]!.by_hour).toEqual(hours({ 23: 1 }));
    expect(days[1]!.by_hour).toEqual(hours({ 0: 1, 1: 2, 3: 2, 23: 1 }));
    expect(days[1]!.by_hour[2]).toBe(0);
    expect(days[2]!.by_hour).toEqual(hours({ 0: 1 }));
  });

  it('fall back (2026-11-01): both 01:30 local times count on Nov 1, hour 1', () => {
    const days = computeDailyMetrics(
      LOS_ANGELES,
      [
        order({ storeId: 'LA', at: '2026-10-31T23:59:59-07:00' }),
        order({ storeId: 'LA', at: '2026-11-01T00:00:00-07:00' }),
        order({ storeId: 'LA', at: '2026-11-01T01:30:00-07:00' }), // 08:30Z, first 01:30 (PDT)
        order({ storeId: 'LA', at: '2026-11-01T01:30:00-08:00' }), // 09:30Z, second 01:30 (PST)
        order({ storeId: 'LA', at: '2026-11-01T02:00:00-08:00' }),
        order({ storeId: 'LA', at: '2026-11-01T23:59:59-08:00' }),
        order({ storeId: 'LA', at: '2026-11-02T00:00:00-08:00' }),
      ],
      { from: '2026-10-31', to: '2026-11-02' },
    );
    expect(days.map((d) => d.date)).toEqual(['2026-10-31', '2026-11-01', '2026-11-02']);
    expect(days.map((d) => d.orders)).toEqual([1, 5, 1]);
    expect(days[0]!.by_hour).toEqual(hours({ 23: 1 }));
    expect(days[1]!.by_hour).toEqual(hours({ 0: 1, 1: 2, 2: 1, 23: 1 }));
    expect(days[2]!.by_hour).toEqual(hours({ 0: 1 }));
  });
});

describe('days without completed orders', () => {
  it('a range with no orders gives one zero day per date, ratios null', () => {
    const days = computeDailyMetrics(SHANGHAI, [], { from: '2026-02-27', to: '2026-03-01' });
    expect(days.map((d) => d.date)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
    for (const d of days) {
      expect(d).toEqual({
        store_id: 'SH',
        date: d.date,
        ...emptyTotals(),
        avg_order_value_cents: null,
        margin: null,
        discount_rate: null,
        delivery_share: null,
        loss_order_rate: null,
        refund_rate: null,
      });
      expect(d.by_hour).toEqual(hours({}));
    }
  });

  it('keeps empty days between days with orders', () => {
    const days = computeDailyMetrics(SHANGHAI, [order({ at: '2026-11-01T10:00:00+08:00' }), order({ at: '2026-11-03T10:00:00+08:00' })], {
      from: '2026-11-01',
      to: '2026-11-03',
    });
    expect(days.map((d) => d.orders)).toEqual([1, 0, 1]);
    expect(days[1]!.margin).toBeNull();
  });

  it('an all-refunded day: orders 0, refund_rate 1, revenue 0, margin null', () => {
    const d = oneDay(SHANGHAI, '2026-11-01', [order({ status: 'refunded' }), order({ status: 'refunded' }), order({ status: 'refunded' })]);
    expect(d.orders).toBe(0);
    expect(d.refunded).toBe(3);
    expect(d.refund_rate).toBe(1);
    expect(d.revenue_cents).toBe(0);
    expect(d.gross_cents).toBe(0);
    expect(d.items).toBe(0);
    expect(d.margin).toBeNull();
    expect(d.avg_order_value_cents).toBeNull();
    expect(d.loss_order_rate).toBeNull();
    expect(d.discount_rate).toBeNull();
    expect(d.by_hour).toEqual(hours({}));
    expect(d.by_channel).toEqual({});
  });

  it('an all-cancelled day: refund_rate null', () => {
    const d = oneDay(SHANGHAI, '2026-11-01', [order({ status: 'cancelled' })]);
    expect(d.cancelled).toBe(1);
    expect(d.orders).toBe(0);
    expect(d.refund_rate).toBeNull();
  });
});

describe('negative revenue and profit', () => {
  // revenue = 1000 - 600 + 100 - 300 - 300 = -100; profit = -100 - 200 = -300
  const losing = (): Order =>
    order({ grossCents: 1000, discountCents: 600, packagingCents: 100, commissionCents: 300, deliveryCents: 300, costCents: 200 });

  it('keeps negative revenue and profit, counts the loss order and divides by the negative revenue', () => {
    const d = oneDay(SHANGHAI, '2026-11-01', [losing()]);
    expect(d.revenue_cents).toBe(-100);
    expect(d.profit_cents).toBe(-300);
    expect(d.loss_orders).toBe(1);
    expect(d.loss_order_rate).toBe(1);
    expect(d.margin).toBe(3); // -300 / -100
    expect(d.avg_order_value_cents).toBe(-100);
    expect(d.by_channel).toEqual({ meituan: { orders: 1, revenue_cents: -100 } });
  });

  it('rounds a negative average half away from zero', () => {
    // revenues -100 and 95 (gross 1000, discount 600, packaging 100, commission 200, delivery 205): sum -5 over 2 orders
    const d = oneDay(SHANGHAI, '2026-11-01', [
      losing(),
      order({ grossCents: 1000, discountCents: 600, packagingCents: 100, commissionCents: 200, deliveryCents: 205, costCents: 0 }),
    ]);
    expect(d.revenue_cents).toBe(-5);
    expect(d.avg_order_value_cents).toBe(-3); // -2.5
  });

  it('gives a negative margin when revenue is positive and profit negative', () => {
    const d = oneDay(SHANGHAI, '2026-11-01', [order({ costCents: 5000 })]); // revenue 4000, profit -1000
    expect(d.margin).toBe(-0.25);
  });
});

describe('DailyMetricsBuilder', () => {
  it('keeps stores apart and ignores orders out of range or of unknown stores', () => {
    const builder = new DailyMetricsBuilder(
      new Map([
        ['SH', SHANGHAI],
        ['LA', LOS_ANGELES],
      ]),
      { from: '2026-11-01', to: '2026-11-01' },
    );
    // 2026-11-01T20:00Z is Nov 2 in Shanghai but Nov 1 in Los Angeles
    expect(builder.add(order({ storeId: 'SH', at: '2026-11-01T20:00:00Z' }))).toBe(false);
    expect(builder.add(order({ storeId: 'LA', at: '2026-11-01T20:00:00Z' }))).toBe(true);
    expect(builder.add(order({ storeId: 'SH', at: '2026-10-31T23:59:59+08:00' }))).toBe(false);
    expect(builder.add(order({ storeId: 'SH', at: '2026-11-01T08:00:00+08:00' }))).toBe(true);
    expect(builder.add(order({ storeId: 'XX' }))).toBe(false);
    expect(builder.daily('SH').map((d) => d.orders)).toEqual([1]);
    expect(builder.daily('LA').map((d) => d.orders)).toEqual([1]);
    expect(builder.daily('LA')[0]!.by_hour).toEqual(hours({ 12: 1 })); // 20:00Z = 12:00 PST (after the 09:00Z fall-back)
    expect(builder.daily('XX')).toEqual([{ store_id: 'XX', date: '2026-11-01', ...withRatios(emptyTotals()) }]);
  });

  it('ignores other stores in computeDailyMetrics', () => {
    const d = oneDay(SHANGHAI, '2026-11-01', [order(), order({ storeId: 'LA' })]);
    expect(d.orders).toBe(1);
  });

  it('rejects an inverted or malformed range', () => {
    expect(() => new DailyMetricsBuilder(new Map(), { from: '2026-11-02', to: '2026-11-01' })).toThrow(RangeError);
    expect(() => new DailyMetricsBuilder(new Map(), { from: '2026-02-30', to: '2026-03-01' })).toThrow(RangeError);
  });
});

describe('combining totals', () => {
  const orders = [
    order({ channel: 'meituan', at: '2026-11-01T09:00:00+08:00' }),
    order({ channel: 'eleme', at: '2026-11-01T21:00:00+08:00', costCents: 9000 }),
    order({ status: 'refunded' }),
    order({ status: 'cancelled' }),
    order({ channel: 'meituan', at: '2026-11-01T09:30:00+08:00', grossCents: 100 }),
  ];

  it('merging per-order totals equals adding every order to one total', () => {
    const all = emptyTotals();
    const parts = orders.map((o) => {
      const t = emptyTotals();
      const hour = new Date(o.orderedAt + 8 * 3_600_000).getUTCHours();
      addOrder(t, o, hour);
      addOrder(all, o, hour);
      return t;
    });
    expect(sumTotals(parts)).toEqual(all);
    expect(mergeTotals(emptyTotals(), all)).toEqual(all);
  });

  it('summing daily metrics of two days equals the totals of the two-day range', () => {
    const twoDays = computeDailyMetrics(SHANGHAI, [...orders, order({ at: '2026-11-02T10:00:00+08:00' })], { from: '2026-11-01', to: '2026-11-02' });
    const sum = sumTotals(twoDays);
    expect(sum.orders).toBe(twoDays[0]!.orders + twoDays[1]!.orders);
    expect(sum.revenue_cents).toBe(twoDays[0]!.revenue_cents + twoDays[1]!.revenue_cents);
    expect(sum.by_hour[10]).toBe(1);
    expect(sum.by_hour[9]).toBe(2);
    expect(sum.by_channel.meituan!.orders).toBe(3);
  });

  it('ratiosOf uses the totals given; withRatios copies instead of sharing arrays', () => {
    const t = emptyTotals();
    addOrder(t, order(), 12);
    expect(ratiosOf(t)).toEqual({
      avg_order_value_cents: 4000,
      margin: 0.5,
      discount_rate: 0.1,
      delivery_share: 0.06,
      loss_order_rate: 0,
      refund_rate: 0,
    });
    const w = withRatios(t);
    w.by_hour[12] = 99;
    w.by_channel.meituan!.orders = 99;
    expect(t.by_hour[12]).toBe(1);
    expect(t.by_channel.meituan!.orders).toBe(1);
  });
});
