import { describe, expect, it } from 'vitest';
import { InvalidAnalyzerOptionError } from './errors.js';
import { type StoredScores, hotCount, rankStores } from './ranking.js';

const H = 1000;
const scores = (stores: Record<string, number>, sets: [string, number][] = [], landmark: number | null = 0): StoredScores => ({
  landmark,
  halfLifeMs: H,
  stores: new Map(Object.entries(stores)),
  sets,
});
const options = { ratio: 0.2, limit: 100, now: 0 };

describe('hotCount', () => {
  it('is ⌈ratio × n⌉ without floating-point noise', () => {
    expect(hotCount(15, 0.2)).toBe(3); // 0.2 × 15 = 3.0000000000000004
    expect(hotCount(11, 0.2)).toBe(3);
    expect(hotCount(1, 0.2)).toBe(1);
    expect(hotCount(10, 0)).toBe(0);
    expect(hotCount(10, 1)).toBe(10);
    expect(hotCount(0, 0.2)).toBe(0);
  });
});

describe('rankStores', () => {
  it('decays raw scores from the landmark to now', () => {
    const r = rankStores(scores({ A: 8, B: 2 }), { ...options, stores: ['A', 'B'], now: 3 * H });
    expect(r.stores).toEqual([{ store_id: 'A', score: 1 }, { store_id: 'B', score: 0.25 }]);
  });

  it('falls back to the first stores by id when no known store has demand', () => {
    const r = rankStores(scores({ X: 5 }), { ...options, stores: ['S3', 'S1', 'S2', 'S1', 'S5', 'S4'] });
    expect(r).toMatchObject({ fallback: true, hot: ['S1'], cold: ['S2', 'S3', 'S4', 'S5'] });
    expect(rankStores(scores({}, [], null), { ...options, stores: ['S2', 'S1'] })).toMatchObject({ fallback: true, hot: ['S1'] });
  });

  it('orders sets by score, then by member, and drops sets with unknown stores', () => {
    const r = rankStores(scores({}, [['B|2026-11-01|2026-11-07', 2], ['A,B|2026-11-01|2026-11-07', 2], ['all|2026-11-01|2026-11-30', 3], ['A,Z|2026-11-01|2026-11-07', 9]]), { ...options, stores: ['A', 'B'] });
    expect(r.sets.map((s) => s.stores)).toEqual(['all', 'A,B', 'B']);
  });

  it('rejects a ratio outside [0, 1] and a negative limit', () => {
    expect(() => rankStores(scores({}), { ...options, stores: [], ratio: -0.1 })).toThrow(InvalidAnalyzerOptionError);
    expect(() => rankStores(scores({}), { ...options, stores: [], limit: -1 })).toThrow(/limit/);
  });
});
