import { describe, expect, it } from 'vitest';
import { type PlanOptions, type SetDemand, STORE_JOB_OVERHEAD_ROWS, planRun } from './planning.js';

const stores = ['S01', 'S02', 'S03', 'S04', 'S05', 'S06', 'S07', 'S08', 'S09', 'S10'];
const base: PlanOptions = { policy: 'default', stores, demand: [], rows: new Map(), hotRatio: 0.2, coldLimit: 20, fallbackHot: ['S01', 'S02'] };
const plan = (o: Partial<PlanOptions>) => planRun({ ...base, ...o });

describe('planRun without demand', () => {
  it.each(['default', 'seed'] as const)('%s: warms the fallback hot stores, then the others by id', (policy) => {
    const p = plan({ policy });
    expect({ hot: p.hot, cold: p.cold }).toEqual({ hot: ['S01', 'S02'], cold: ['S03', 'S04', 'S05', 'S06', 'S07', 'S08', 'S09', 'S10'] });
  });

  it('ignores demand for stores the source does not have, and zero scores', () => {
    expect(plan({ demand: [{ store_id: 'GONE', score: 9 }, { store_id: 'S05', score: 0 }] }).hot).toEqual(['S01', 'S02']);
  });
});

describe('planRun, default policy (Smith’s rule on estimated cost)', () => {
  /** Rows such that a store's cost (rows + the fixed part) is `cost`. */
  const rowsFor = (costs: Record<string, number>) => new Map(Object.entries(costs).map(([id, cost]) => [id, cost - STORE_JOB_OVERHEAD_ROWS]));

  it('makes every store with demand hot, ordered by demand per unit of estimated cost', () => {
    const demand = [
      { store_id: 'S03', score: 10 }, // 10 / 1000 = 0.01
      { store_id: 'S07', score: 4 }, // 4 / 600 ≈ 0.0067
      { store_id: 'S09', score: 30 }, // 30 / 10 000 = 0.003
    ];
    const rows = rowsFor({ S03: 1000, S07: 600, S09: 10_000 });
    const p = plan({ demand, rows });
    expect(p.hot).toEqual(['S03', 'S07', 'S09']);
    expect(p.cold).toEqual(['S01', 'S02', 'S04', 'S05', 'S06', 'S08', 'S10']);
    expect(p.order).toEqual(p.hot.map((storeId) => ({ kind: 'store', storeId })));
  });

  it('orders by demand alone when every store has the same rows, ties by store id', () => {
    const demand = [
      { store_id: 'S05', score: 2 },
      { store_id: 'S02', score: 5 },
      { store_id: 'S08', score: 2 },
    ];
    expect(plan({ demand }).hot).toEqual(['S02', 'S05', 'S08']);
    expect(plan({ demand, rows: new Map(stores.map((id) => [id, 3000])) }).hot).toEqual(['S02', 'S05', 'S08']);
  });

  it('skewed (Zipf) demand over stores of similar size: the order is the demand order', () => {
    const demand = stores.map((id, i) => ({ store_id: id, score: 1000 / (i + 1) ** 0.9 }));
    // ±5 % of rows between stores of one size class does not reorder a Zipf(0.9) order.
    const rows = new Map(stores.map((id, i) => [id, 3000 * (i % 2 === 0 ? 1.05 : 0.95)]));
    expect(plan({ demand, rows }).hot).toEqual(stores);
  });

  it('skewed demand: the head store comes first when it is twice as large, not when it is six times as large', () => {
    const demand = stores.map((id, i) => ({ store_id: id, score: 1000 / (i + 1) ** 2 }));
    const twice = new Map(stores.map((id, i) => [id, i === 0 ? 6500 : 3000])); // S01: 1000/7000 > S02: 250/3500
    expect(plan({ demand, rows: twice }).hot.slice(0, 3)).toEqual(['S01', 'S02', 'S03']);
    const sixTimes = new Map(stores.map((id, i) => [id, i === 0 ? 20_500 : 3000])); // S01: 1000/21 000 < S02: 250/3500
    expect(plan({ demand, rows: sixTimes }).hot.slice(0, 3)).toEqual(['S02', 'S01', 'S03']);
  });

  it('flat demand: the smallest stores come first', () => {
    const demand = stores.map((id) => ({ store_id: id, score: 1 }));
    const rows = new Map(stores.map((id, i) => [id, 10_000 - 500 * i]));
    expect(plan({ demand, rows }).hot).toEqual([...stores].reverse());
  });

  it('gives the same order whatever the machine did in earlier runs (no measured times)', () => {
    const demand = stores.map((id, i) => ({ store_id: id, score: 100 - i }));
    const rows = new Map(stores.map((id) => [id, 3000]));
    expect(plan({ demand, rows }).hot).toEqual(stores);
  });

  it('keeps at most coldLimit cold stores', () => {
    const p = plan({ demand: [{ store_id: 'S10', score: 1 }], coldLimit: 3 });
    expect(p.hot).toEqual(['S10']);
    expect(p.cold).toEqual(['S01', 'S02', 'S03']);
    expect(plan({ demand: [{ store_id: 'S10', score: 1 }], coldLimit: 0 }).cold).toEqual([]);
  });
});

describe('planRun, default policy: sets ordered with stores', () => {
  const set = (ids: string[], score: number): SetDemand => ({ stores: ids, from: '2026-10-22', to: '2026-11-20', score });
  const demand = [
    { store_id: 'S01', score: 100 },
    { store_id: 'S02', score: 50 },
    { store_id: 'S03', score: 10 },
  ];
  const rows = new Map(stores.map((id) => [id, 2000]));
  const labels = (p: ReturnType<typeof plan>) => p.order.map((i) => (i.kind === 'store' ? i.storeId : i.set.stores.join('+')));

  it('a dense set comes right after its last member, before less demanded stores', () => {
    const p = plan({ demand, rows, sets: [set(['S01', 'S02'], 40)] });
    expect(labels(p)).toEqual(['S01', 'S02', 'S01+S02', 'S03']);
  });

  it('never before its members, however dense', () => {
    const p = plan({ demand, rows, sets: [set(['S01', 'S03'], 1000)] });
    expect(labels(p)).toEqual(['S01', 'S02', 'S03', 'S01+S03']);
  });

  it('a set of little demand goes after the stores that carry more per unit of cost', () => {
    const p = plan({ demand, rows, sets: [set(['S01', 'S02'], 0.01)] });
    expect(labels(p)).toEqual(['S01', 'S02', 'S03', 'S01+S02']);
  });

  it('a set with members without demand is placed by its own ratio once its hot members are', () => {
    const p = plan({ demand, rows, sets: [set(['S01', 'S09'], 40)] });
    expect(labels(p)).toEqual(['S01', 'S01+S09', 'S02', 'S03']);
  });

  it('drops sets with stores the source does not have, and the seed policy keeps sets for its last phase', () => {
    expect(labels(plan({ demand, rows, sets: [set(['S01', 'GONE'], 40)] }))).toEqual(['S01', 'S02', 'S03']);
    expect(plan({ policy: 'seed', demand, rows, sets: [set(['S01', 'S02'], 40)] }).order).toEqual([]);
  });
});

describe('planRun, seed policy', () => {
  it('warms the top hotRatio of all stores by demand, then the rest by id up to coldLimit', () => {
    const demand = [
      { store_id: 'S09', score: 9 },
      { store_id: 'S04', score: 8 },
      { store_id: 'S06', score: 7 },
    ];
    const p = plan({ policy: 'seed', demand, rows: new Map([['S09', 10_000]]), coldLimit: 5 });
    expect(p.hot).toEqual(['S09', 'S04']); // ceil(0.2 × 10) = 2, costs ignored
    expect(p.cold).toEqual(['S01', 'S02', 'S03', 'S05', 'S06']);
  });

  it('rounds the hot share up and fills it with stores without demand by id', () => {
    const p = plan({ policy: 'seed', hotRatio: 0.25, demand: [{ store_id: 'S10', score: 1 }] });
    expect(p.hot).toEqual(['S10', 'S01', 'S02']); // ceil(2.5) = 3
  });

  it('never plans a store twice', () => {
    const p = plan({ policy: 'seed', hotRatio: 1, demand: [{ store_id: 'S03', score: 1 }] });
    expect(p.hot).toHaveLength(10);
    expect(p.cold).toEqual([]);
  });
});
