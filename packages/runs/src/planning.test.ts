import { describe, expect, it } from 'vitest';
import { type PlanOptions, planRun } from './planning.js';

const stores = ['S01', 'S02', 'S03', 'S04', 'S05', 'S06', 'S07', 'S08', 'S09', 'S10'];
const base: PlanOptions = { policy: 'default', stores, demand: [], costMs: new Map(), hotRatio: 0.2, coldLimit: 20, fallbackHot: ['S01', 'S02'] };
const plan = (o: Partial<PlanOptions>) => planRun({ ...base, ...o });

describe('planRun without demand', () => {
  it.each(['default', 'seed'] as const)('%s: warms the fallback hot stores, then the others by id', (policy) => {
    expect(plan({ policy })).toEqual({ hot: ['S01', 'S02'], cold: ['S03', 'S04', 'S05', 'S06', 'S07', 'S08', 'S09', 'S10'] });
  });

  it('ignores demand for stores the source does not have, and zero scores', () => {
    expect(plan({ demand: [{ store_id: 'GONE', score: 9 }, { store_id: 'S05', score: 0 }] }).hot).toEqual(['S01', 'S02']);
  });
});

describe('planRun, default policy (Smith’s rule)', () => {
  it('makes every store with demand hot, ordered by demand per ms of warm cost', () => {
    const demand = [
      { store_id: 'S03', score: 10 }, // 10 / 100 = 0.1
      { store_id: 'S07', score: 4 }, // 4 / 10 = 0.4
      { store_id: 'S09', score: 30 }, // 30 / 1000 = 0.03
    ];
    const costMs = new Map([['S03', 100], ['S07', 10], ['S09', 1000]]);
    const p = plan({ demand, costMs });
    expect(p.hot).toEqual(['S07', 'S03', 'S09']);
    expect(p.cold).toEqual(['S01', 'S02', 'S04', 'S05', 'S06', 'S08', 'S10']);
  });

  it('orders by demand alone when costs are unknown, ties by store id', () => {
    const demand = [
      { store_id: 'S05', score: 2 },
      { store_id: 'S02', score: 5 },
      { store_id: 'S08', score: 2 },
    ];
    expect(plan({ demand }).hot).toEqual(['S02', 'S05', 'S08']);
  });

  it('with skewed demand, the head store comes first even when it is the slowest', () => {
    const demand = stores.map((id, i) => ({ store_id: id, score: 1000 / (i + 1) ** 2 }));
    const costMs = new Map(stores.map((id, i) => [id, i === 0 ? 30 : 10])); // S01: 1000/30 > S02: 250/10
    expect(plan({ demand, costMs }).hot.slice(0, 3)).toEqual(['S01', 'S02', 'S03']);
  });

  it('with flat demand, the cheapest stores come first', () => {
    const demand = stores.map((id) => ({ store_id: id, score: 1 }));
    const costMs = new Map(stores.map((id, i) => [id, 100 - i]));
    expect(plan({ demand, costMs }).hot).toEqual([...stores].reverse());
  });

  it('keeps at most coldLimit cold stores', () => {
    const p = plan({ demand: [{ store_id: 'S10', score: 1 }], coldLimit: 3 });
    expect(p.hot).toEqual(['S10']);
    expect(p.cold).toEqual(['S01', 'S02', 'S03']);
    expect(plan({ demand: [{ store_id: 'S10', score: 1 }], coldLimit: 0 }).cold).toEqual([]);
  });

  it('treats a cost below 1 ms as 1 ms (no division by zero)', () => {
    const demand = [
      { store_id: 'S01', score: 1 },
      { store_id: 'S02', score: 2 },
    ];
    expect(plan({ demand, costMs: new Map([['S01', 0], ['S02', 1]]) }).hot).toEqual(['S02', 'S01']);
  });
});

describe('planRun, seed policy', () => {
  it('warms the top hotRatio of all stores by demand, then the rest by id up to coldLimit', () => {
    const demand = [
      { store_id: 'S09', score: 9 },
      { store_id: 'S04', score: 8 },
      { store_id: 'S06', score: 7 },
    ];
    const p = plan({ policy: 'seed', demand, costMs: new Map([['S09', 10_000]]), coldLimit: 5 });
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
