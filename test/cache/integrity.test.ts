import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { jitteredTtl } from '@prewarm/cache';
import { HEADER_BYTES } from '@prewarm/cache/codecs';
import type { Diagnosis } from '@prewarm/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheHarness, day, eventually } from './harness.js';

const h = new CacheHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

const RANGE = { from: '2026-11-01', to: '2026-11-07' };
const fake = (n: number): Diagnosis => ({ n }) as unknown as Diagnosis;

describe('corrupt entries', () => {
  const damage: [string, (entry: Buffer) => Buffer][] = [
    ['truncated', (e) => e.subarray(0, HEADER_BYTES - 3)],
    ['truncated payload', (e) => e.subarray(0, e.length - 5)],
    ['bad magic', (e) => Buffer.concat([Buffer.from('XX'), e.subarray(2)])],
    ['unknown format version', (e) => Buffer.from(e).fill(99, 2, 3)],
    ['unknown codec', (e) => Buffer.from(e).fill(250, 4, 5)],
    ['flipped payload byte', (e) => {
      const copy = Buffer.from(e);
      copy[copy.length - 1] = copy[copy.length - 1]! ^ 0xff;
      return copy;
    }],
    ['not an entry at all', () => Buffer.from('{"n":1}')],
  ];

  it.each(damage)('treats a %s entry as a miss: deleted, counted, recomputed', async (_name, spoil) => {
    const cache = await h.cache({ memory: { maxBytes: 0, ttlMs: 1 } });
    const redis = h.client();
    await cache.diagnosis(['A'], RANGE, 'v', async () => ({ value: fake(1), watermark: 1 }));
    const key = await cache.diagnosisKey(['A'], RANGE, 'v');
    const entry = await redis.getBuffer(key);
    await redis.set(key, spoil(entry!));
    const again = await cache.diagnosis(['A'], RANGE, 'v', async () => ({ value: fake(2), watermark: 1 }));
    expect(again).toEqual({ value: { n: 2 }, hit: false, tier: 'compute' });
    expect(cache.corruptCounts.l3).toBe(1);
    const stats = await cache.stats();
    expect(stats.levels.l3.corrupt).toBe(1);
    // The recomputed entry replaced the corrupt one and reads cleanly.
    expect(await cache.diagnosis(['A'], RANGE, 'v', async () => ({ value: fake(3), watermark: 1 }))).toMatchObject({ value: { n: 2 }, hit: true });
  });

  it('drops a corrupt day inside an L2 range and recomputes just that day', async () => {
    const cache = await h.cache({ memory: { maxBytes: 0, ttlMs: 1 } });
    const dates = ['2026-11-01', '2026-11-02'];
    for (const d of dates) await cache.writeDailyMetrics('A', day('A', d, 1), 1);
    await h.client().set(cache.keys.l2('A', '2026-11-02'), 'garbage');
    const asked: string[][] = [];
    const r = await cache.dailyMetrics('A', dates, async (missing) => {
      asked.push(missing);
      return { value: new Map(missing.map((d) => [d, day('A', d, 2)])), watermark: 1 };
    });
    expect(asked).toEqual([['2026-11-02']]);
    expect(r.value.map((d) => d.orders)).toEqual([1, 2]);
    expect(cache.corruptCounts.l2).toBe(1);
  });
});

describe('generations (L3 invalidation)', () => {
  it('makes every L3 entry that includes a rewritten store unreachable, and only those', async () => {
    const cache = await h.cache();
    let computed = 0;
    const read = (set: 'all' | string[]) => cache.diagnosis(set, RANGE, 'v', async () => ({ value: fake(++computed), watermark: 1 }));
    await read(['A', 'B']);
    await read(['C']);
    await read('all');
    expect(computed).toBe(3);
    await cache.markStoresChanged(['A']);
    expect((await read(['A', 'B'])).tier).toBe('compute');
    expect((await read('all')).tier).toBe('compute');
    expect((await read(['C'])).hit).toBe(true);
    expect(computed).toBe(5);
  });

  it('keeps generations on the state Redis: a second process sees the bump', async () => {
    const prefix = CacheHarness.prefix();
    const a = await h.cache({ prefix });
    const b = await h.cache({ prefix });
    let computed = 0;
    const compute = async () => ({ value: fake(++computed), watermark: 1 });
    await a.diagnosis(['A'], RANGE, 'v', compute);
    expect((await b.diagnosis(['A'], RANGE, 'v', compute)).hit).toBe(true);
    await a.markStoresChanged(['A']);
    await eventually(async () => (await b.diagnosisKey(['A'], RANGE, 'v')) === (await a.diagnosisKey(['A'], RANGE, 'v')));
    expect((await b.diagnosis(['A'], RANGE, 'v', compute)).tier).toBe('compute');
  });

  it('does not trust an in-process copy of generations for longer than its max age', async () => {
    const prefix = CacheHarness.prefix();
    const reader = await h.cache({ prefix, generationsMaxAgeMs: 50 });
    const before = await reader.diagnosisKey(['A'], RANGE, 'v');
    // Bump behind the cache's back (no invalidation message): only a reload can see it.
    await h.client().hincrby(reader.keys.generations, 'A', 1);
    await eventually(async () => (await reader.diagnosisKey(['A'], RANGE, 'v')) !== before, 1000);
  });
});

describe('L4 invalidation across processes', () => {
  it('drops an L4 entry when another process rewrites it', async () => {
    const prefix = CacheHarness.prefix();
    const cache = await h.cache({ prefix });
    await cache.writeDailyMetrics('A', day('A', '2026-11-01', 1), 1);
    const first = await cache.dailyMetrics('A', ['2026-11-01'], async () => {
      throw new Error('must not compute');
    });
    expect(first).toMatchObject({ tier: 'l4' });
    const script = fileURLToPath(new URL('./fixtures/contender.mjs', import.meta.url));
    await promisify(execFile)(process.execPath, [script, h.url, prefix, 'rewrite', '42']);
    await eventually(async () => {
      const r = await cache.dailyMetrics('A', ['2026-11-01'], async () => {
        throw new Error('must not compute');
      });
      return r.value[0]!.orders === 42;
    });
  });
});

describe('TTL jitter', () => {
  it('stays within ttl × [1 − j, 1 + j]', () => {
    const policy = { ttlMs: 1000, jitter: 0.1 };
    expect(jitteredTtl(policy, () => 0)).toBe(900);
    expect(jitteredTtl(policy, () => 0.999999)).toBe(1100);
    const seen = Array.from({ length: 1000 }, () => jitteredTtl(policy));
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(900);
    expect(Math.max(...seen)).toBeLessThanOrEqual(1100);
    expect(new Set(seen).size).toBeGreaterThan(50);
  });

  it('sets jittered expiries on Redis entries (L2 default: 6 h ± 10 %)', async () => {
    const cache = await h.cache();
    const ttls: number[] = [];
    for (let i = 1; i <= 20; i++) {
      const date = `2026-11-${String(i).padStart(2, '0')}`;
      await cache.writeDailyMetrics('A', day('A', date, 1), 1);
      ttls.push(await h.client().pttl(cache.keys.l2('A', date)));
    }
    const six = 6 * 3_600_000;
    expect(Math.min(...ttls)).toBeGreaterThanOrEqual(six * 0.9 - 5000);
    expect(Math.max(...ttls)).toBeLessThanOrEqual(six * 1.1);
    expect(new Set(ttls.map((t) => Math.round(t / 1000))).size).toBeGreaterThan(5);
  });
});
