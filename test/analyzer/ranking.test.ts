import { HalfLifeMismatchError, InvalidAnalyzerOptionError } from '@prewarm/analyzer';
import { AccessLog } from '@prewarm/cache';
import { silentLogger } from '@prewarm/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyzerHarness, HOUR, T0, append, times } from './harness.js';

const h = new AnalyzerHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

const TEN = ['S07', 'S03', 'S10', 'S01', 'S05', 'S09', 'S02', 'S08', 'S04', 'S06'];

describe('ranking', () => {
  it('ranks stores by demand and splits them into hot and cold', async () => {
    const keys = AnalyzerHarness.keyspace();
    await append(h.client(), keys, [...times(3, { s: 'S03', at: T0 }), ...times(2, { s: 'S07', at: T0 }), { s: 'S01', at: T0 }]);
    const analyzer = h.analyzer(keys);
    expect(await analyzer.analyze()).toEqual({ processed: 6, claimed: 0, skipped: 0, more: false });

    const ranking = await analyzer.ranking({ stores: TEN, now: T0 });
    expect(ranking.fallback).toBe(false);
    expect(ranking.stores.slice(0, 4)).toEqual([
      { store_id: 'S03', score: 3 },
      { store_id: 'S07', score: 2 },
      { store_id: 'S01', score: 1 },
      { store_id: 'S02', score: 0 },
    ]);
    expect(ranking.hot).toEqual(['S03', 'S07']);
    expect(ranking.cold).toEqual(['S01', 'S02', 'S04', 'S05', 'S06', 'S08', 'S09', 'S10']);
    expect((await analyzer.ranking({ stores: TEN, ratio: 0.5, now: T0 })).hot).toEqual(['S03', 'S07', 'S01', 'S02', 'S04']);
  });

  it('counts an entry of n merged reads as n reads', async () => {
    const keys = AnalyzerHarness.keyspace();
    await append(h.client(), keys, [{ s: 'S03', at: T0, reads: 5 }, ...times(3, { s: 'S07', at: T0 }), { l: 'l3', s: 'S01,S02', at: T0, reads: 4 }]);
    const analyzer = h.analyzer(keys);
    expect(await analyzer.analyze()).toEqual({ processed: 5, claimed: 0, skipped: 0, more: false }); // entries
    const ranking = await analyzer.ranking({ stores: TEN, now: T0 });
    expect(ranking.stores.slice(0, 4)).toEqual([
      { store_id: 'S03', score: 5 },
      { store_id: 'S01', score: 4 },
      { store_id: 'S02', score: 4 },
      { store_id: 'S07', score: 3 },
    ]);
    expect(await analyzer.counts()).toMatchObject({ events: 12, l2: 8, l3: 4 }); // reads
  });

  it('weights each read by its own time: one half-life older weighs exactly half', async () => {
    const keys = AnalyzerHarness.keyspace();
    const H = 2 * HOUR;
    // Out of order on purpose: the landmark is the first read counted, older reads weigh less than 1.
    await append(h.client(), keys, [{ s: 'C', at: T0 + 3 * H }, { s: 'A', at: T0 }, { s: 'B', at: T0 + H }]);
    const analyzer = h.analyzer(keys, { halfLifeMs: H });
    await analyzer.analyze();

    const at3 = await analyzer.ranking({ stores: ['A', 'B', 'C'], now: T0 + 3 * H });
    expect(at3.stores).toEqual([
      { store_id: 'C', score: 1 },
      { store_id: 'B', score: 0.25 },
      { store_id: 'A', score: 0.125 },
    ]);
    const at4 = await analyzer.ranking({ stores: ['A', 'B', 'C'], now: T0 + 4 * H });
    expect(at4.stores.map((s) => s.score)).toEqual([0.5, 0.125, 0.0625]);
    expect((await analyzer.counts()).landmark).toBe(T0 + 3 * H);
  });

  it('moves the landmark when weights grow large, keeping the scores and dropping the ancient', async () => {
    const keys = AnalyzerHarness.keyspace();
    const H = HOUR;
    const analyzer = h.analyzer(keys, { halfLifeMs: H });
    await append(h.client(), keys, [{ s: 'A', at: T0 }]);
    await analyzer.analyze();
    await append(h.client(), keys, [{ s: 'B', at: T0 + 40 * H }]);
    await analyzer.analyze();
    expect((await analyzer.counts()).landmark).toBe(T0 + 40 * H);
    expect(await h.client().zscore(analyzer.keys.stores, 'B')).toBe('1'); // relative to the new landmark
    expect((await analyzer.ranking({ stores: ['A', 'B'], now: T0 + 40 * H })).stores).toEqual([
      { store_id: 'B', score: 1 },
      { store_id: 'A', score: 2 ** -40 },
    ]);

    await append(h.client(), keys, [{ s: 'C', at: T0 + 110 * H }]);
    await analyzer.analyze();
    expect((await analyzer.counts()).landmark).toBe(T0 + 110 * H);
    expect(await h.client().zrange(analyzer.keys.stores, 0, -1)).toEqual(['C']); // A and B fell below 2^-60
    expect((await analyzer.counts()).events).toBe(3);
  });

  it('counts multi-store and all-store L3 reads as sets, and each member store', async () => {
    const keys = AnalyzerHarness.keyspace();
    const nov = { f: '2026-11-01', t: '2026-11-30' };
    const week = { f: '2026-11-01', t: '2026-11-07' };
    await append(h.client(), keys, [
      ...times(2, { l: 'l3', s: 'A,B', ...nov, at: T0 }),
      { l: 'l3', s: 'B,A,B', ...nov, at: T0 }, // the same canonical set
      { l: 'l3', s: 'all', ...nov, at: T0 },
      { l: 'l3', s: 'A', ...week, at: T0 },
      { l: 'l2', s: 'A', ...week, at: T0 }, // L2: a store read, not a set
      { l: 'l1', s: 'C', at: T0 },
      { l: 'l2', s: '5 stores', ...week, at: T0 }, // names no store: skipped
    ]);
    const analyzer = h.analyzer(keys);
    expect(await analyzer.analyze()).toEqual({ processed: 7, claimed: 0, skipped: 1, more: false });

    const ranking = await analyzer.ranking({ stores: ['A', 'B', 'C', 'D'], now: T0 });
    expect(ranking.stores).toEqual([
      { store_id: 'A', score: 5 },
      { store_id: 'B', score: 3 },
      { store_id: 'C', score: 1 },
      { store_id: 'D', score: 0 },
    ]);
    expect(ranking.sets).toEqual([
      { stores: 'A,B', from: '2026-11-01', to: '2026-11-30', score: 3 },
      { stores: 'A', from: '2026-11-01', to: '2026-11-07', score: 1 },
      { stores: 'all', from: '2026-11-01', to: '2026-11-30', score: 1 },
    ]);
    expect(await analyzer.counts()).toEqual({ events: 7, l1: 1, l2: 1, l3: 5, skipped: 1, landmark: T0, halfLifeMs: 24 * HOUR });
    expect((await analyzer.ranking({ stores: ['A', 'B', 'C', 'D'], limit: 1, now: T0 })).sets).toHaveLength(1);
  });

  it('ignores store ids it does not know, and sets that contain one', async () => {
    const keys = AnalyzerHarness.keyspace();
    await append(h.client(), keys, [...times(5, { s: 'X9', at: T0 }), { s: 'B', at: T0 }, { l: 'l3', s: 'A,X9', at: T0 }, { l: 'l3', s: 'A,B', at: T0 }]);
    const analyzer = h.analyzer(keys);
    await analyzer.analyze();
    const ranking = await analyzer.ranking({ stores: ['A', 'B', 'C'], ratio: 0.5, now: T0 });
    expect(ranking.stores).toEqual([
      { store_id: 'A', score: 2 },
      { store_id: 'B', score: 2 },
      { store_id: 'C', score: 0 },
    ]);
    expect(ranking.hot).toEqual(['A', 'B']);
    expect(ranking.sets.map((s) => s.stores)).toEqual(['A,B']);
  });

  it('breaks ties by store id in code-unit order', async () => {
    const keys = AnalyzerHarness.keyspace();
    const stores = ['a', 'S9', 'B', 'S10', 'S1'];
    await append(h.client(), keys, stores.map((s) => ({ s, at: T0 })));
    const analyzer = h.analyzer(keys);
    await analyzer.analyze();
    const ranking = await analyzer.ranking({ stores, ratio: 0.4, now: T0 });
    // Code units: 'B' (66) < 'S' (83) < 'a' (97); 'S1' < 'S10' < 'S9'. localeCompare would put 'a' first.
    expect(ranking.stores.map((s) => s.store_id)).toEqual(['B', 'S1', 'S10', 'S9', 'a']);
    expect(ranking.stores.every((s) => s.score === 1)).toBe(true);
    expect(ranking.hot).toEqual(['B', 'S1']);
  });

  it('falls back to the first 20 % of stores by id without history', async () => {
    const keys = AnalyzerHarness.keyspace();
    const analyzer = h.analyzer(keys);
    expect(await analyzer.analyze()).toEqual({ processed: 0, claimed: 0, skipped: 0, more: false });
    const ranking = await analyzer.ranking({ stores: TEN, now: T0 });
    expect(ranking).toMatchObject({ fallback: true, hot: ['S01', 'S02'], sets: [] });
    expect(ranking.cold).toEqual(['S03', 'S04', 'S05', 'S06', 'S07', 'S08', 'S09', 'S10']);
    expect(ranking.stores.every((s) => s.score === 0)).toBe(true);
    expect((await analyzer.ranking({ stores: [], now: T0 })).hot).toEqual([]);
  });

  it('still falls back when the only reads were of all stores or of unknown stores', async () => {
    const keys = AnalyzerHarness.keyspace();
    await append(h.client(), keys, [{ l: 'l3', s: 'all', at: T0 }, { s: 'X1', at: T0 }]);
    const analyzer = h.analyzer(keys);
    await analyzer.analyze();
    const ranking = await analyzer.ranking({ stores: TEN, now: T0 });
    expect(ranking.fallback).toBe(true);
    expect(ranking.hot).toEqual(['S01', 'S02']);
    expect(ranking.sets).toEqual([{ stores: 'all', from: '2026-11-01', to: '2026-11-30', score: 1 }]);
  });

  it('completes the hot list in id order when fewer stores have demand', async () => {
    const keys = AnalyzerHarness.keyspace();
    await append(h.client(), keys, [{ s: 'S09', at: T0 }]);
    const analyzer = h.analyzer(keys);
    await analyzer.analyze();
    const ranking = await analyzer.ranking({ stores: TEN, now: T0 });
    expect(ranking.fallback).toBe(false);
    expect(ranking.hot).toEqual(['S09', 'S01']);
  });

  it('keeps only the top store sets', async () => {
    const keys = AnalyzerHarness.keyspace();
    const reads = [5, 4, 3, 2, 1].flatMap((n, i) => times(n, { l: 'l3', s: `S0${i + 1}`, at: T0 }));
    await append(h.client(), keys, reads.reverse()); // the least read arrive first
    const analyzer = h.analyzer(keys, { maxSets: 3 });
    await analyzer.analyze(); // one batch: the bound is applied at its end
    expect(await h.client().zcard(analyzer.keys.sets)).toBe(3);
    const ranking = await analyzer.ranking({ stores: TEN, now: T0 });
    expect(ranking.sets.map((s) => [s.stores, s.score])).toEqual([['S01', 5], ['S02', 4], ['S03', 3]]);
    expect(ranking.hot).toEqual(['S01', 'S02']); // store scores are not bounded by maxSets
    expect((await analyzer.counts()).events).toBe(15);
  });

  it('reads batch after batch until the stream is drained, within maxBatches', async () => {
    const keys = AnalyzerHarness.keyspace();
    await append(h.client(), keys, times(25, { s: 'A', at: T0 }));
    const analyzer = h.analyzer(keys);
    expect(await analyzer.analyze({ count: 10, maxBatches: 2 })).toEqual({ processed: 20, claimed: 0, skipped: 0, more: true });
    expect(await analyzer.analyze({ count: 10, maxBatches: 2 })).toEqual({ processed: 5, claimed: 0, skipped: 0, more: false });
    expect((await analyzer.ranking({ stores: ['A'], now: T0 })).stores).toEqual([{ store_id: 'A', score: 25 }]);
  });

  it('counts reads stamped after "now" as now', async () => {
    const keys = AnalyzerHarness.keyspace();
    await append(h.client(), keys, [{ s: 'A', at: T0 + 100 * HOUR }]);
    const analyzer = h.analyzer(keys, { clock: () => T0 });
    await analyzer.analyze();
    expect((await analyzer.counts()).landmark).toBe(T0);
    expect((await analyzer.ranking({ stores: ['A'] })).stores).toEqual([{ store_id: 'A', score: 1 }]);
  });

  it('reads what AccessLog writes', async () => {
    const keys = AnalyzerHarness.keyspace();
    const log = new AccessLog(h.client(), keys, silentLogger);
    for (const stores of ['A', 'A', 'A,B']) {
      log.record({ level: stores.includes(',') ? 'l3' : 'l2', stores, from: '2026-11-01', to: '2026-11-07', hit: true, tier: 'redis', latencyUs: 90, at: T0 });
    }
    await log.close();
    const analyzer = h.analyzer(keys);
    expect((await analyzer.analyze()).processed).toBe(2); // the two reads of A, merged into one entry
    expect((await analyzer.counts()).events).toBe(3);
    const ranking = await analyzer.ranking({ stores: ['A', 'B'], now: T0 });
    expect(ranking.stores).toEqual([{ store_id: 'A', score: 3 }, { store_id: 'B', score: 1 }]);
    expect(ranking.sets).toEqual([{ stores: 'A,B', from: '2026-11-01', to: '2026-11-07', score: 1 }]);
  });

  it('refuses to mix half-lives in one set of scores until reset', async () => {
    const keys = AnalyzerHarness.keyspace();
    await append(h.client(), keys, [{ s: 'A', at: T0 }]);
    await h.analyzer(keys, { halfLifeMs: HOUR }).analyze();
    await append(h.client(), keys, [{ s: 'A', at: T0 }]);
    const changed = h.analyzer(keys, { halfLifeMs: 2 * HOUR });
    const error = await changed.analyze().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HalfLifeMismatchError);
    expect(error).toMatchObject({ code: 'E_HALF_LIFE_MISMATCH', storedMs: HOUR, configuredMs: 2 * HOUR });
    expect((await changed.counts()).events).toBe(1);

    await changed.reset();
    expect((await changed.analyze()).processed).toBe(1); // still pending, counted under the new half-life
    expect(await changed.counts()).toMatchObject({ events: 1, halfLifeMs: 2 * HOUR });
  });

  it('rejects out-of-range options with a typed error', async () => {
    const analyzer = h.analyzer(AnalyzerHarness.keyspace());
    await expect(analyzer.ranking({ stores: ['A'], ratio: 1.5 })).rejects.toBeInstanceOf(InvalidAnalyzerOptionError);
    await expect(analyzer.analyze({ count: 0 })).rejects.toThrow(/count/);
    expect(() => h.analyzer(AnalyzerHarness.keyspace(), { halfLifeMs: 0 })).toThrow(InvalidAnalyzerOptionError);
  });
});
