import { DEFAULT_GROUP } from '@prewarm/analyzer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyzerHarness, T0, age, append, pending, readAs, times } from './harness.js';

const h = new AnalyzerHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

const MINUTE = 60_000;

describe('at-least-once delivery, counted once', () => {
  it('counts a batch once when its script runs twice', async () => {
    const keys = AnalyzerHarness.keyspace();
    const analyzer = h.analyzer(keys);
    await analyzer.ensureGroup();
    await append(h.client(), keys, [...times(2, { s: 'A', at: T0 }), { l: 'l3', s: 'A,B', at: T0 }]);
    const batch = await readAs(h.client(), keys, DEFAULT_GROUP, analyzer.consumer);
    expect(batch).toHaveLength(3);

    expect(await analyzer.countBatch(batch)).toEqual({ counted: 3, skipped: 0, duplicates: 0 });
    expect(await analyzer.countBatch(batch)).toEqual({ counted: 0, skipped: 0, duplicates: 3 });
    expect((await analyzer.counts()).events).toBe(3);
    const ranking = await analyzer.ranking({ stores: ['A', 'B'], now: T0 });
    expect(ranking.stores).toEqual([{ store_id: 'A', score: 3 }, { store_id: 'B', score: 1 }]);
    expect(ranking.sets.map((s) => s.score)).toEqual([1]);
  });

  it('takes over a dead consumer\'s entries once they are idle for claimIdleMs, and counts them once', async () => {
    const keys = AnalyzerHarness.keyspace();
    const redis = h.client();
    const analyzer = h.analyzer(keys, { consumer: 'survivor' });
    await analyzer.ensureGroup();
    await append(redis, keys, times(4, { s: 'A', at: T0 }));
    // A consumer reads a batch and dies before its script runs.
    const lost = await readAs(redis, keys, DEFAULT_GROUP, 'dead');
    expect(lost).toHaveLength(4);
    await append(redis, keys, times(2, { s: 'B', at: T0 }));

    // Not idle long enough yet: left alone, only the new entries are counted.
    expect(await analyzer.analyze({ claimIdleMs: MINUTE })).toEqual({ processed: 2, claimed: 0, skipped: 0, more: false });
    expect(await pending(redis, keys, DEFAULT_GROUP)).toEqual({ dead: 4 });

    await age(redis, keys, DEFAULT_GROUP, 'dead', lost.map(([id]) => id), 2 * MINUTE);
    expect(await analyzer.analyze({ claimIdleMs: MINUTE })).toEqual({ processed: 4, claimed: 4, skipped: 0, more: false });
    expect(await pending(redis, keys, DEFAULT_GROUP)).toEqual({});
    expect(await analyzer.analyze({ claimIdleMs: 0 })).toEqual({ processed: 0, claimed: 0, skipped: 0, more: false });
    expect((await analyzer.counts()).events).toBe(6);
    expect((await analyzer.ranking({ stores: ['A', 'B'], now: T0 })).stores).toEqual([{ store_id: 'A', score: 4 }, { store_id: 'B', score: 2 }]);
  });

  it('a slow consumer whose entries were claimed and counted counts nothing when it finishes', async () => {
    const keys = AnalyzerHarness.keyspace();
    const redis = h.client();
    const slow = h.analyzer(keys, { consumer: 'slow' });
    const other = h.analyzer(keys, { consumer: 'other' });
    await slow.ensureGroup();
    await append(redis, keys, times(3, { s: 'A', at: T0 }));
    const batch = await readAs(redis, keys, DEFAULT_GROUP, 'slow');
    await age(redis, keys, DEFAULT_GROUP, 'slow', batch.map(([id]) => id), 2 * MINUTE);

    expect(await other.analyze({ claimIdleMs: MINUTE })).toMatchObject({ processed: 3, claimed: 3 });
    expect(await slow.countBatch(batch)).toEqual({ counted: 0, skipped: 0, duplicates: 3 });
    expect((await slow.counts()).events).toBe(3);
    expect((await slow.ranking({ stores: ['A'], now: T0 })).stores).toEqual([{ store_id: 'A', score: 3 }]);
  });

  it('re-reads its own unacknowledged entries at once after a restart under the same name', async () => {
    const keys = AnalyzerHarness.keyspace();
    const redis = h.client();
    const analyzer = h.analyzer(keys, { consumer: 'worker-1' });
    await analyzer.ensureGroup();
    await append(redis, keys, times(5, { s: 'A', at: T0 }));
    await readAs(redis, keys, DEFAULT_GROUP, 'worker-1'); // the previous life of worker-1
    expect(await analyzer.analyze({ claimIdleMs: MINUTE, count: 2 })).toEqual({ processed: 5, claimed: 0, skipped: 0, more: false });
    expect(await pending(redis, keys, DEFAULT_GROUP)).toEqual({});
    expect((await analyzer.counts()).events).toBe(5);
  });

  it('acknowledges pending entries whose data was trimmed from the stream', async () => {
    const keys = AnalyzerHarness.keyspace();
    const redis = h.client();
    const analyzer = h.analyzer(keys);
    await analyzer.ensureGroup();
    await append(redis, keys, times(3, { s: 'A', at: T0 }));
    const lost = await readAs(redis, keys, DEFAULT_GROUP, 'dead');
    await age(redis, keys, DEFAULT_GROUP, 'dead', lost.map(([id]) => id), 2 * MINUTE);
    await redis.xtrim(keys.accessStream, 'MAXLEN', 0); // AccessLog trims with MAXLEN ~
    expect(await pending(redis, keys, DEFAULT_GROUP)).toEqual({ dead: 3 });

    expect((await analyzer.analyze({ claimIdleMs: MINUTE })).processed).toBe(0);
    expect(await pending(redis, keys, DEFAULT_GROUP)).toEqual({});
    expect((await analyzer.counts()).events).toBe(0);
  });

  it('acknowledges reads it cannot count, so they never stay pending', async () => {
    const keys = AnalyzerHarness.keyspace();
    const redis = h.client();
    await append(redis, keys, [{ l: 'l2', s: '12 stores', at: T0 }, { l: 'l9', s: 'A', at: T0 }, { l: 'l3', s: 'A', f: 'soon', at: T0 }, { s: 'A', at: T0 }]);
    const analyzer = h.analyzer(keys);
    expect(await analyzer.analyze()).toEqual({ processed: 1, claimed: 0, skipped: 3, more: false });
    expect(await pending(redis, keys, DEFAULT_GROUP)).toEqual({});
    expect(await analyzer.counts()).toMatchObject({ events: 1, skipped: 3 });
  });

  it('two analyzers in one group share the stream and count every read exactly once', async () => {
    const keys = AnalyzerHarness.keyspace();
    const stores = ['A', 'B', 'C', 'D', 'E'];
    await append(h.client(), keys, Array.from({ length: 500 }, (_, i) => ({ s: stores[i % 5]!, at: T0 })));
    const a = h.analyzer(keys, { consumer: 'a' });
    const b = h.analyzer(keys, { consumer: 'b' });
    const [ra, rb] = await Promise.all([a.analyze({ count: 20, claimIdleMs: 0 }), b.analyze({ count: 20, claimIdleMs: 0 })]);
    expect(ra.processed + rb.processed).toBe(500);
    expect((await a.counts()).events).toBe(500);
    expect((await a.ranking({ stores, now: T0 })).stores.map((s) => s.score)).toEqual([100, 100, 100, 100, 100]);
    expect(await pending(h.client(), keys, DEFAULT_GROUP)).toEqual({});
  });
});
