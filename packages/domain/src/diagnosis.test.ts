import { describe, expect, it } from 'vitest';
import { previousRange } from './dates.js';
import {
  DEFAULT_THRESHOLDS,
  type DiagnosisThresholds,
  type Finding,
  type FindingCode,
  compareFindings,
  diagnose,
  diagnoseFromDaily,
  findingsFor,
} from './diagnosis.js';
import { type DailyMetrics, type Totals, computeDailyMetrics, emptyTotals, sumTotals } from './metrics.js';
import type { Order } from './order.js';
import type { Store } from './store.js';
import { parseTimestamp } from './timestamp.js';

/** Totals with the given fields; everything else 0. Only the fields a rule reads matter. */
function totals(fields: Partial<Totals> = {}): Totals {
  return { ...emptyTotals(), ...fields };
}

function store(id: string, name = `Store ${id}`, timezone = 'Asia/Shanghai'): Store {
  return { store_id: id, name, city: null, timezone };
}

/** The finding of `code` for one store, or undefined; fails if there is more than one. */
function finding(code: FindingCode, current: Totals, previous: Totals = totals(), thresholds?: DiagnosisThresholds): Finding | undefined {
  const all = findingsFor('S1', current, previous, thresholds).filter((f) => f.code === code);
  expect(all.length).toBeLessThanOrEqual(1);
  return all[0];
}

const none = undefined;
const warning = (value: number, threshold: number) => ({ severity: 'warning', value, threshold });
const critical = (value: number, threshold: number) => ({ severity: 'critical', value, threshold });
type Expected = ReturnType<typeof warning> | undefined;

function expectFinding(actual: Finding | undefined, expected: Expected): void {
  if (expected === undefined) expect(actual).toBeUndefined();
  else expect(actual).toEqual({ store_id: 'S1', code: actual?.code, ...expected });
}

describe('default thresholds', () => {
  it('are the §5 table', () => {
    expect(DEFAULT_THRESHOLDS).toEqual({
      LOSS_ORDERS_HIGH: { warning: 0.1, critical: 0.2 },
      MARGIN_LOW: { warning: 0.15, critical: 0.05 },
      DISCOUNT_HIGH: { warning: 0.3, critical: null },
      DELIVERY_COST_HIGH: { warning: 0.15, critical: null },
      REFUND_RATE_HIGH: { warning: 0.05, critical: 0.1 },
      REVENUE_DROP: { warning: -0.2, critical: -0.4 },
    });
  });
});

describe('LOSS_ORDERS_HIGH (loss_order_rate ≥ 0.10 warning, ≥ 0.20 critical, only when orders > 0)', () => {
  it.each<[number, number, Expected]>([
    [999, 10_000, none],
    [1_000, 10_000, warning(0.1, 0.1)],
    [1_001, 10_000, warning(0.1001, 0.1)],
    [1_999, 10_000, warning(0.1999, 0.1)],
    [2_000, 10_000, critical(0.2, 0.2)],
    [2_001, 10_000, critical(0.2001, 0.2)],
    [1, 10, warning(0.1, 0.1)],
    [1, 5, critical(0.2, 0.2)],
    [3, 3, critical(1, 0.2)],
  ])('%i loss orders of %i', (loss, orders, expected) => {
    expectFinding(finding('LOSS_ORDERS_HIGH', totals({ loss_orders: loss, orders })), expected);
  });

  it('compares the unrounded value: 0.09999 shows as 0.1 but is not a finding', () => {
    expect(finding('LOSS_ORDERS_HIGH', totals({ loss_orders: 9_999, orders: 100_000 }))).toBeUndefined();
  });

  it('compares the unrounded value: 0.199995 shows as 0.2 but is a warning, not critical', () => {
    expectFinding(finding('LOSS_ORDERS_HIGH', totals({ loss_orders: 39_999, orders: 200_000 })), warning(0.2, 0.1));
  });

  it('does not apply when orders = 0', () => {
    expect(finding('LOSS_ORDERS_HIGH', totals({ orders: 0, refunded: 5 }))).toBeUndefined();
  });
});

describe('MARGIN_LOW (margin < 0.15 warning, < 0.05 critical, only when revenue > 0)', () => {
  it.each<[number, number, Expected]>([
    [1_501, 10_000, none],
    [1_500, 10_000, none], // exactly 0.15: the comparison is strict
    [1_499, 10_000, warning(0.1499, 0.15)],
    [501, 10_000, warning(0.0501, 0.15)],
    [500, 10_000, warning(0.05, 0.15)], // exactly 0.05: warning, not critical
    [499, 10_000, critical(0.0499, 0.05)],
    [0, 10_000, critical(0, 0.05)],
    [-2_500, 10_000, critical(-0.25, 0.05)],
    [3, 20, none], // 0.15 from another fraction
    [1, 20, warning(0.05, 0.15)],
  ])('profit %i on revenue %i', (profit, revenue, expected) => {
    expectFinding(finding('MARGIN_LOW', totals({ profit_cents: profit, revenue_cents: revenue })), expected);
  });

  it('compares the unrounded value: 0.149995 shows as 0.15 but is a warning', () => {
    expectFinding(finding('MARGIN_LOW', totals({ profit_cents: 29_999, revenue_cents: 200_000 })), warning(0.15, 0.15));
  });

  it('compares the unrounded value: 0.049995 shows as 0.05 but is critical', () => {
    expectFinding(finding('MARGIN_LOW', totals({ profit_cents: 9_999, revenue_cents: 200_000 })), critical(0.05, 0.05));
  });

  it('does not apply when revenue is 0', () => {
    expect(finding('MARGIN_LOW', totals({ revenue_cents: 0, profit_cents: -500 }))).toBeUndefined();
  });

  it('does not apply when revenue is negative, even though profit/revenue would be below the thresholds', () => {
    expect(finding('MARGIN_LOW', totals({ revenue_cents: -100, profit_cents: 100 }))).toBeUndefined(); // margin -1
    expect(finding('MARGIN_LOW', totals({ revenue_cents: -100, profit_cents: -300 }))).toBeUndefined(); // margin 3
  });
});

describe('DISCOUNT_HIGH (discount_rate ≥ 0.30 warning, no critical, only when gross > 0)', () => {
  it.each<[number, number, Expected]>([
    [2_999, 10_000, none],
    [3_000, 10_000, warning(0.3, 0.3)],
    [3_001, 10_000, warning(0.3001, 0.3)],
    [10_000, 10_000, warning(1, 0.3)], // no critical level, however high
    [3, 10, warning(0.3, 0.3)],
  ])('discount %i on gross %i', (discount, gross, expected) => {
    expectFinding(finding('DISCOUNT_HIGH', totals({ discount_cents: discount, gross_cents: gross })), expected);
  });

  it('compares the unrounded value: 0.299995 shows as 0.3 but is not a finding', () => {
    expect(finding('DISCOUNT_HIGH', totals({ discount_cents: 59_999, gross_cents: 200_000 }))).toBeUndefined();
  });

  it('does not apply when gross is 0', () => {
    expect(finding('DISCOUNT_HIGH', totals({ discount_cents: 100, gross_cents: 0 }))).toBeUndefined();
  });
});

describe('DELIVERY_COST_HIGH (delivery_share ≥ 0.15 warning, no critical, only when gross > 0)', () => {
  it.each<[number, number, Expected]>([
    [1_499, 10_000, none],
    [1_500, 10_000, warning(0.15, 0.15)],
    [1_501, 10_000, warning(0.1501, 0.15)],
    [9_000, 10_000, warning(0.9, 0.15)],
    [3, 20, warning(0.15, 0.15)],
  ])('delivery %i on gross %i', (delivery, gross, expected) => {
    expectFinding(finding('DELIVERY_COST_HIGH', totals({ delivery_cents: delivery, gross_cents: gross })), expected);
  });

  it('does not apply when gross is 0', () => {
    expect(finding('DELIVERY_COST_HIGH', totals({ delivery_cents: 100, gross_cents: 0 }))).toBeUndefined();
  });
});

describe('REFUND_RATE_HIGH (refund_rate ≥ 0.05 warning, ≥ 0.10 critical, only when orders + refunded > 0)', () => {
  it.each<[number, number, Expected]>([
    [499, 9_501, none],
    [500, 9_500, warning(0.05, 0.05)],
    [501, 9_499, warning(0.0501, 0.05)],
    [999, 9_001, warning(0.0999, 0.05)],
    [1_000, 9_000, critical(0.1, 0.1)],
    [1_001, 8_999, critical(0.1001, 0.1)],
    [1, 19, warning(0.05, 0.05)],
    [1, 9, critical(0.1, 0.1)],
    [3, 0, critical(1, 0.1)], // an all-refunded store
  ])('%i refunded, %i completed', (refunded, orders, expected) => {
    expectFinding(finding('REFUND_RATE_HIGH', totals({ refunded, orders })), expected);
  });

  it('does not count cancelled orders in the denominator', () => {
    expectFinding(finding('REFUND_RATE_HIGH', totals({ refunded: 1, orders: 9, cancelled: 100 })), critical(0.1, 0.1));
  });

  it('does not apply when orders + refunded = 0', () => {
    expect(finding('REFUND_RATE_HIGH', totals({ cancelled: 4 }))).toBeUndefined();
  });
});

describe('REVENUE_DROP (revenue_change ≤ -0.20 warning, ≤ -0.40 critical, only when previous revenue > 0)', () => {
  it.each<[number, number, Expected]>([
    [8_001, 10_000, none],
    [8_000, 10_000, warning(-0.2, -0.2)], // exactly -0.20: ≤ makes it a warning
    [7_999, 10_000, warning(-0.2001, -0.2)],
    [6_001, 10_000, warning(-0.3999, -0.2)],
    [6_000, 10_000, critical(-0.4, -0.4)],
    [5_999, 10_000, critical(-0.4001, -0.4)],
    [0, 10_000, critical(-1, -0.4)],
    [-500, 10_000, critical(-1.05, -0.4)],
    [4, 5, warning(-0.2, -0.2)],
    [3, 5, critical(-0.4, -0.4)],
    [12_000, 10_000, none],
  ])('revenue %i after %i', (current, previous, expected) => {
    expectFinding(finding('REVENUE_DROP', totals({ revenue_cents: current }), totals({ revenue_cents: previous })), expected);
  });

  it('compares the unrounded value: -0.199995 shows as -0.2 but is not a finding', () => {
    expect(finding('REVENUE_DROP', totals({ revenue_cents: 160_001 }), totals({ revenue_cents: 200_000 }))).toBeUndefined();
  });

  it('does not apply when previous revenue is 0 or negative', () => {
    expect(finding('REVENUE_DROP', totals({ revenue_cents: -1_000 }), totals({ revenue_cents: 0 }))).toBeUndefined();
    // (100 - -100) / -100 = -2 would be "critical" by the formula, but the rule does not apply
    expect(finding('REVENUE_DROP', totals({ revenue_cents: 100 }), totals({ revenue_cents: -100 }))).toBeUndefined();
  });
});

describe('findingsFor', () => {
  it('gives nothing for an empty store', () => {
    expect(findingsFor('S1', totals(), totals())).toEqual([]);
  });

  it('gives one finding per code, each at its highest severity', () => {
    const list = findingsFor(
      'S1',
      totals({ orders: 10, loss_orders: 5, refunded: 10, revenue_cents: 100, profit_cents: 1, gross_cents: 1_000, discount_cents: 500, delivery_cents: 500 }),
      totals({ revenue_cents: 1_000 }),
    );
    expect(list.map((f) => [f.code, f.severity, f.threshold])).toEqual([
      ['LOSS_ORDERS_HIGH', 'critical', 0.2],
      ['MARGIN_LOW', 'critical', 0.05],
      ['DISCOUNT_HIGH', 'warning', 0.3],
      ['DELIVERY_COST_HIGH', 'warning', 0.15],
      ['REFUND_RATE_HIGH', 'critical', 0.1],
      ['REVENUE_DROP', 'critical', -0.4],
    ]);
  });

  it('uses custom thresholds when given', () => {
    const custom: DiagnosisThresholds = {
      ...DEFAULT_THRESHOLDS,
      LOSS_ORDERS_HIGH: { warning: 0.05, critical: 0.5 },
      MARGIN_LOW: { warning: 0.3, critical: null },
      DISCOUNT_HIGH: { warning: 0.2, critical: 0.5 },
      REVENUE_DROP: { warning: -0.1, critical: -0.3 },
    };
    // 0.05 loss rate: warning under custom, nothing by default
    expectFinding(finding('LOSS_ORDERS_HIGH', totals({ orders: 20, loss_orders: 1 }), totals(), custom), warning(0.05, 0.05));
    expect(finding('LOSS_ORDERS_HIGH', totals({ orders: 20, loss_orders: 1 }))).toBeUndefined();
    // 0.3 loss rate: only a warning under custom (critical at 0.5), critical by default
    expectFinding(finding('LOSS_ORDERS_HIGH', totals({ orders: 10, loss_orders: 3 }), totals(), custom), warning(0.3, 0.05));
    expectFinding(finding('LOSS_ORDERS_HIGH', totals({ orders: 10, loss_orders: 5 }), totals(), custom), critical(0.5, 0.5));
    // margin 0.01 with no critical level: a warning
    expectFinding(finding('MARGIN_LOW', totals({ revenue_cents: 100, profit_cents: 1 }), totals(), custom), warning(0.01, 0.3));
    expectFinding(finding('MARGIN_LOW', totals({ revenue_cents: 100, profit_cents: 20 }), totals(), custom), warning(0.2, 0.3));
    // a critical level where the default has none
    expectFinding(finding('DISCOUNT_HIGH', totals({ gross_cents: 10, discount_cents: 6 }), totals(), custom), critical(0.6, 0.5));
    expectFinding(finding('DISCOUNT_HIGH', totals({ gross_cents: 10, discount_cents: 2 }), totals(), custom), warning(0.2, 0.2));
    // revenue drop
    expectFinding(finding('REVENUE_DROP', totals({ revenue_cents: 90 }), totals({ revenue_cents: 100 }), custom), warning(-0.1, -0.1));
    expectFinding(finding('REVENUE_DROP', totals({ revenue_cents: 70 }), totals({ revenue_cents: 100 }), custom), critical(-0.3, -0.3));
  });
});

describe('compareFindings', () => {
  it('sorts critical first, then store_id (code units), then code', () => {
    const f = (store_id: string, code: FindingCode, severity: 'critical' | 'warning'): Finding => ({ store_id, code, severity, value: 0, threshold: 0 });
    const list = [
      f('b', 'DISCOUNT_HIGH', 'warning'),
      f('B', 'REVENUE_DROP', 'critical'),
      f('a', 'MARGIN_LOW', 'warning'),
      f('B', 'LOSS_ORDERS_HIGH', 'critical'),
      f('a', 'DELIVERY_COST_HIGH', 'warning'),
      f('b', 'MARGIN_LOW', 'critical'),
    ].sort(compareFindings);
    expect(list.map((x) => `${x.severity} ${x.store_id} ${x.code}`)).toEqual([
      'critical B LOSS_ORDERS_HIGH',
      'critical B REVENUE_DROP',
      'critical b MARGIN_LOW',
      'warning a DELIVERY_COST_HIGH',
      'warning a MARGIN_LOW',
      'warning b DISCOUNT_HIGH',
    ]);
  });
});

describe('diagnose', () => {
  const period = { from: '2026-11-08', to: '2026-11-14' };
  const healthy = (revenue: number): Totals =>
    totals({ orders: 10, revenue_cents: revenue, profit_cents: Math.round(revenue / 2), gross_cents: revenue, discount_cents: 0, delivery_cents: 0 });

  it('sums the store set, computes change and ratios, and reports the periods', () => {
    const d = diagnose({
      stores: [store('A'), store('B')],
      period,
      current: new Map([
        ['A', totals({ orders: 3, refunded: 1, revenue_cents: 3_000, profit_cents: 900, gross_cents: 4_000, discount_cents: 400 })],
        ['B', totals({ orders: 1, revenue_cents: 1_000, profit_cents: 100, gross_cents: 1_000 })],
      ]),
      previous: new Map([
        ['A', totals({ orders: 2, revenue_cents: 3_000, profit_cents: 1_000 })],
        ['B', totals({ orders: 1, revenue_cents: 0, profit_cents: 0 })],
      ]),
    });
    expect(d.store_ids).toEqual(['A', 'B']);
    expect(d.period).toEqual({ from: '2026-11-08', to: '2026-11-14', days: 7 });
    expect(d.previous).toEqual({ from: '2026-11-01', to: '2026-11-07', days: 7 });
    expect(d.totals).toMatchObject({
      orders: 4,
      refunded: 1,
      revenue_cents: 4_000,
      profit_cents: 1_000,
      gross_cents: 5_000,
      discount_cents: 400,
      avg_order_value_cents: 1_000,
      margin: 0.25,
      discount_rate: 0.08,
      refund_rate: 0.2,
    });
    expect(d.previous_totals).toMatchObject({ orders: 3, revenue_cents: 3_000, profit_cents: 1_000, margin: 0.3333 });
    expect(d.change).toEqual({ revenue: 0.3333, orders: 0.3333, profit: 0 });
    expect(d.stores.map((s) => [s.store_id, s.name, s.rank, s.revenue_change])).toEqual([
      ['A', 'Store A', 1, 0],
      ['B', 'Store B', 2, null], // previous revenue 0
    ]);
    expect(d.stores[0]!.totals.margin).toBe(0.3);
  });

  it('change is (cur - prev) / prev rounded, null when prev = 0, and follows the formula for a negative prev', () => {
    const d = diagnose({
      stores: [store('A')],
      period,
      current: new Map([['A', totals({ orders: 1, revenue_cents: 1_000, profit_cents: 50 })]]),
      previous: new Map([['A', totals({ orders: 0, revenue_cents: 3_000, profit_cents: -100 })]]),
    });
    expect(d.change).toEqual({ revenue: -0.6667, orders: null, profit: -1.5 });
  });

  it('treats a store missing from the maps as empty: zero counts, null ratios, no findings', () => {
    const d = diagnose({ stores: [store('A')], period, current: new Map(), previous: new Map() });
    expect(d.totals).toMatchObject({ orders: 0, revenue_cents: 0, avg_order_value_cents: null, margin: null, refund_rate: null });
    expect(d.change).toEqual({ revenue: null, orders: null, profit: null });
    expect(d.stores).toEqual([{ store_id: 'A', name: 'Store A', totals: d.totals, revenue_change: null, rank: 1 }]);
    expect(d.findings).toEqual([]);
  });

  it('ranks by revenue desc, ties by store_id in code-unit order', () => {
    const ids = ['b', 'B', 'a', 'A_1', 'z', 'neg', 'zero'];
    const revenue: Record<string, number> = { b: 500, B: 500, a: 500, A_1: 500, z: 900, neg: -50, zero: 0 };
    const d = diagnose({
      stores: ids.map((id) => store(id)),
      period,
      current: new Map(ids.map((id) => [id, totals({ revenue_cents: revenue[id]! })])),
      previous: new Map(),
    });
    expect(d.stores.map((s) => [s.store_id, s.rank])).toEqual([
      ['z', 1],
      ['A_1', 2],
      ['B', 3],
      ['a', 4],
      ['b', 5],
      ['zero', 6],
      ['neg', 7],
    ]);
    expect(d.store_ids).toEqual(['A_1', 'B', 'a', 'b', 'neg', 'z', 'zero']);
  });

  it('counts a duplicated store once ([A, A, B])', () => {
    const d = diagnose({
      stores: [store('A'), store('A'), store('B')],
      period,
      current: new Map([
        ['A', totals({ orders: 2, revenue_cents: 1_000, loss_orders: 2 })],
        ['B', totals({ orders: 1, revenue_cents: 300 })],
      ]),
      previous: new Map(),
    });
    expect(d.store_ids).toEqual(['A', 'B']);
    expect(d.stores).toHaveLength(2);
    expect(d.totals.orders).toBe(3);
    expect(d.totals.revenue_cents).toBe(1_300);
    expect(d.findings.filter((f) => f.store_id === 'A' && f.code === 'LOSS_ORDERS_HIGH')).toHaveLength(1);
  });

  it('sorts findings critical first, then store_id, then code', () => {
    const d = diagnose({
      stores: [store('b'), store('a'), store('C')],
      period,
      current: new Map([
        ['a', totals({ ...healthy(10_000), discount_cents: 3_000 })], // DISCOUNT_HIGH warning
        ['b', totals({ ...healthy(10_000), orders: 10, loss_orders: 2, delivery_cents: 2_000 })], // LOSS critical, DELIVERY warning
        ['C', totals({ ...healthy(5_000), profit_cents: 100 })], // MARGIN critical, REVENUE_DROP critical
      ]),
      previous: new Map([['C', totals({ revenue_cents: 10_000 })]]),
    });
    expect(d.findings.map((f) => `${f.severity} ${f.store_id} ${f.code}`)).toEqual([
      'critical C MARGIN_LOW',
      'critical C REVENUE_DROP',
      'critical b LOSS_ORDERS_HIGH',
      'warning a DISCOUNT_HIGH',
      'warning b DELIVERY_COST_HIGH',
    ]);
    expect(d.findings[1]).toEqual({ store_id: 'C', code: 'REVENUE_DROP', severity: 'critical', value: -0.5, threshold: -0.4 });
    expect(d.stores.find((s) => s.store_id === 'C')!.revenue_change).toBe(-0.5);
  });

  it('passes custom thresholds to the rules', () => {
    const input = {
      stores: [store('A')],
      period,
      current: new Map([['A', totals({ orders: 20, loss_orders: 1, revenue_cents: 100, profit_cents: 50 })]]),
      previous: new Map<string, Totals>(),
    };
    expect(diagnose(input).findings).toEqual([]);
    expect(diagnose({ ...input, thresholds: { ...DEFAULT_THRESHOLDS, LOSS_ORDERS_HIGH: { warning: 0.05, critical: 0.1 } } }).findings).toEqual([
      { store_id: 'A', code: 'LOSS_ORDERS_HIGH', severity: 'warning', value: 0.05, threshold: 0.05 },
    ]);
  });

  it('does not apply MARGIN_LOW to a store with negative revenue, but flags its loss orders', () => {
    const d = diagnose({
      stores: [store('A')],
      period,
      current: new Map([['A', totals({ orders: 1, loss_orders: 1, revenue_cents: -100, profit_cents: -300, gross_cents: 1_000, discount_cents: 600, delivery_cents: 300 })]]),
      previous: new Map(),
    });
    expect(d.totals.margin).toBe(3);
    expect(d.findings.map((f) => `${f.severity} ${f.code}`)).toEqual([
      'critical LOSS_ORDERS_HIGH',
      'warning DELIVERY_COST_HIGH',
      'warning DISCOUNT_HIGH',
    ]);
  });

  it.each([
    [{ from: '2026-03-01', to: '2026-03-07' }, { from: '2026-02-22', to: '2026-02-28', days: 7 }],
    [{ from: '2028-03-01', to: '2028-03-01' }, { from: '2028-02-29', to: '2028-02-29', days: 1 }],
    [{ from: '2028-03-01', to: '2028-03-31' }, { from: '2028-01-30', to: '2028-02-29', days: 31 }],
    [{ from: '2026-01-01', to: '2026-01-31' }, { from: '2025-12-01', to: '2025-12-31', days: 31 }],
    [{ from: '2027-01-01', to: '2027-01-02' }, { from: '2026-12-30', to: '2026-12-31', days: 2 }],
  ])('period %j has previous %j', (range, expected) => {
    const d = diagnose({ stores: [], period: range, current: new Map(), previous: new Map() });
    expect(d.period).toEqual({ ...range, days: expected.days });
    expect(d.previous).toEqual(expected);
  });

  it('rejects an inverted or malformed period', () => {
    const input = { stores: [store('A')], current: new Map(), previous: new Map() };
    expect(() => diagnose({ ...input, period: { from: '2026-03-07', to: '2026-03-01' } })).toThrow(RangeError);
    expect(() => diagnose({ ...input, period: { from: '2026-02-29', to: '2026-03-01' } })).toThrow(RangeError);
    expect(() => diagnoseFromDaily([store('A')], { from: '2026-03-07', to: '2026-03-01' }, new Map())).toThrow(RangeError);
  });

  it('is pure: the same input gives the same JSON and the input is not modified', () => {
    const current = new Map([['A', totals({ orders: 2, revenue_cents: 1_000, by_channel: { eleme: { orders: 2, revenue_cents: 1_000 } } })]]);
    const previous = new Map([['A', totals({ orders: 1, revenue_cents: 2_000 })]]);
    const before = JSON.stringify([...current, ...previous]);
    const first = JSON.stringify(diagnose({ stores: [store('A')], period, current, previous }));
    const second = JSON.stringify(diagnose({ stores: [store('A')], period, current, previous }));
    expect(second).toBe(first);
    expect(JSON.stringify([...current, ...previous])).toBe(before);
  });
});

describe('diagnoseFromDaily', () => {
  const stores = [store('SH', '上海店'), store('LA', 'Los Angeles', 'America/Los_Angeles'), store('EMPTY')];
  const period = { from: '2026-11-01', to: '2026-11-03' };
  const previous = previousRange(period); // 2026-10-29 .. 2026-10-31
  let n = 0;
  const order = (storeId: string, at: string, fields: Partial<Order> = {}): Order => {
    const orderedAt = parseTimestamp(at)!;
    return {
      orderId: `O-${++n}`,
      storeId,
      channel: 'meituan',
      status: 'completed',
      orderedAt,
      items: 1,
      grossCents: 5_000,
      discountCents: 500,
      packagingCents: 100,
      deliveryCents: 300,
      commissionCents: 400,
      costCents: 2_500,
      updatedAt: orderedAt,
      ...fields,
    };
  };
  const orders: Order[] = [
    order('SH', '2026-10-28T12:00:00+08:00'), // before the previous period: ignored
    order('SH', '2026-10-29T12:00:00+08:00'),
    order('SH', '2026-10-31T23:59:59+08:00', { grossCents: 9_000 }),
    order('SH', '2026-11-01T00:00:00+08:00', { costCents: 9_000 }),
    order('SH', '2026-11-02T10:00:00+08:00', { status: 'refunded' }),
    order('SH', '2026-11-03T20:00:00+08:00', { channel: 'eleme', discountCents: 2_000 }),
    order('SH', '2026-11-04T08:00:00+08:00'), // after the period: ignored
    order('LA', '2026-10-30T12:00:00-07:00', { grossCents: 20_000 }),
    order('LA', '2026-11-01T01:30:00-07:00'),
    order('LA', '2026-11-01T01:30:00-08:00', { status: 'cancelled' }),
    order('LA', '2026-11-03T23:59:59-08:00', { deliveryCents: 1_000 }),
  ];
  const wide = { from: '2026-10-27', to: '2026-11-05' };
  const daily = new Map<string, DailyMetrics[]>(
    stores.filter((s) => s.store_id !== 'EMPTY').map((s) => [s.store_id, computeDailyMetrics(s, orders, wide)]),
  );

  /** The same totals built directly from the orders of each period. */
  const totalsOver = (range: { from: string; to: string }) =>
    new Map(stores.map((s) => [s.store_id, sumTotals(computeDailyMetrics(s, orders, range))]));

  it('gives the same result as diagnose over the same totals', () => {
    const direct = diagnose({ stores, period, current: totalsOver(period), previous: totalsOver(previous) });
    const fromDaily = diagnoseFromDaily(stores, period, daily);
    expect(fromDaily).toEqual(direct);
    // the fixture actually exercises both periods and findings
    expect(direct.totals.orders).toBe(4);
    expect(direct.previous_totals.orders).toBe(3);
    expect(direct.totals.refunded).toBe(1);
    expect(direct.totals.cancelled).toBe(1);
    expect(direct.findings.length).toBeGreaterThan(0);
  });

  it('gives the same result after the daily metrics went through JSON (the cache path)', () => {
    const cached = new Map<string, DailyMetrics[]>(JSON.parse(JSON.stringify([...daily])) as [string, DailyMetrics[]][]);
    expect(diagnoseFromDaily(stores, period, cached)).toEqual(diagnoseFromDaily(stores, period, daily));
  });

  it('passes custom thresholds through', () => {
    const strict: DiagnosisThresholds = { ...DEFAULT_THRESHOLDS, DISCOUNT_HIGH: { warning: 0.01, critical: 0.02 } };
    const direct = diagnose({ stores, period, current: totalsOver(period), previous: totalsOver(previous), thresholds: strict });
    const fromDaily = diagnoseFromDaily(stores, period, daily, strict);
    expect(fromDaily).toEqual(direct);
    expect(fromDaily.findings.filter((f) => f.code === 'DISCOUNT_HIGH').map((f) => f.severity)).toEqual(['critical', 'critical']);
  });

  it('ignores daily metrics of stores outside the set', () => {
    const d = diagnoseFromDaily([stores[0]!], period, daily);
    expect(d.store_ids).toEqual(['SH']);
    expect(d.totals).toEqual(d.stores[0]!.totals);
  });
});
