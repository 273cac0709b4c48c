import type { WarmItem } from '@prewarm/runs';
import { describe, expect, it } from 'vitest';
import { batchOrder } from './hot.js';

const store = (storeId: string): WarmItem => ({ kind: 'store', storeId });
const ids = (n: number) => Array.from({ length: n }, (_, i) => `S${String(i + 1).padStart(3, '0')}`);

describe('batchOrder', () => {
  it('keeps the order; the first stores alone, then batches of 2, 4 and 8, then all the others together', () => {
    const jobs = batchOrder(ids(100).map(store));
    expect(jobs.map((j) => (j.kind === 'days' ? j.storeIds.length : 0))).toEqual([1, 1, 2, 4, 8, 84]);
    expect(jobs.flatMap((j) => (j.kind === 'days' ? j.storeIds : []))).toEqual(ids(100));
    expect(batchOrder(ids(1200).map(store)).map((j) => (j.kind === 'days' ? j.storeIds.length : 0))).toEqual([1, 1, 2, 4, 8, 500, 500, 184]);
  });

  it('past the head, sets wait for the batch their members are in', () => {
    const set = { stores: ['S020', 'S030'], from: '2026-10-22', to: '2026-11-20', score: 5 };
    const order: WarmItem[] = [...ids(30).map(store), { kind: 'set', set }, ...ids(40).slice(30).map(store)];
    const jobs = batchOrder(order);
    expect(jobs.map((j) => (j.kind === 'days' ? j.storeIds.length : 'set'))).toEqual([1, 1, 2, 4, 8, 24, 'set']);
  });

  it('puts each set on its own, between the batches around it', () => {
    const set = { stores: ['S001', 'S002'], from: '2026-10-22', to: '2026-11-20', score: 5 };
    const jobs = batchOrder([store('S001'), store('S002'), { kind: 'set', set }, store('S003')]);
    expect(jobs).toEqual([
      { kind: 'days', storeIds: ['S001'] },
      { kind: 'days', storeIds: ['S002'] },
      { kind: 'set', set },
      { kind: 'days', storeIds: ['S003'] },
    ]);
  });
});
