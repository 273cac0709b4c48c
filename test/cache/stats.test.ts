import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheHarness, day } from './harness.js';

const h = new CacheHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

describe('stats', () => {
  it('reports the §6 names with key counts by SCAN, hits and misses, L4 and bytes', async () => {
    const cache = await h.cache();
    const range = { from: '2026-11-01', to: '2026-11-02' };
    await cache.dailyMetrics('A', ['2026-11-01', '2026-11-02'], async (missing) => ({ value: new Map(missing.map((d) => [d, day('A', d, 3)])), watermark: 1 }));
    await cache.dailyMetrics('A', ['2026-11-01', '2026-11-02'], async () => {
      throw new Error('must not compute');
    });
    await cache.diagnosis(['A'], range, 'v', async () => ({ value: { big: 'x'.repeat(5000) } as never, watermark: 1 }));
    await cache.rawOrders('A', '2026-11', async () => ({ value: [], watermark: 1 }));
    const s = await cache.stats();
    expect(Object.keys(s)).toEqual(expect.arrayContaining(['used_memory_mb', 'max_memory_mb', 'memory_usage_pct', 'hit_rate', 'level_1', 'level_2', 'level_3']));
    expect(s.level_1).toBe(1);
    expect(s.level_2).toBe(2);
    expect(s.level_3).toBe(1);
    expect(s.levels.l2).toMatchObject({ hits: 1, misses: 1, hit_rate: 50, writes: 2 });
    expect(s.levels.l3).toMatchObject({ hits: 0, misses: 1 });
    expect(s.hit_rate).toBe(25);
    expect(s.used_memory_mb).toBeGreaterThan(0);
    expect(s.l4.entries).toBeGreaterThanOrEqual(4);
    expect(s.l4.processes).toBeGreaterThanOrEqual(1);
    // 5,000 repeated characters compress well: stored is far below raw.
    expect(s.levels.l3.stored_bytes).toBeLessThan(s.levels.l3.raw_bytes / 5);
    expect(s.bytes.raw).toBe(s.levels.l1.raw_bytes + s.levels.l2.raw_bytes + s.levels.l3.raw_bytes);
  });

  it('reads the memory budget of the cache Redis', async () => {
    const cache = await h.cache();
    const redis = h.client();
    await redis.config('SET', 'maxmemory', String(256 * 1024 * 1024));
    try {
      const s = await cache.stats();
      expect(s.max_memory_mb).toBe(256);
      expect(s.memory_usage_pct).toBeCloseTo((100 * s.used_memory_mb) / 256, 1);
    } finally {
      await redis.config('SET', 'maxmemory', '0');
    }
  });
});
