import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { AccessEvent, BodyResult } from '@prewarm/cache';
import type { Diagnosis } from '@prewarm/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheHarness, day, sleep } from './harness.js';

const h = new CacheHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

const RANGE = { from: '2026-11-01', to: '2026-11-07' };
const fake = (n: number): Diagnosis => ({ n }) as unknown as Diagnosis;

describe('read-through', () => {
  it('computes on a miss, then hits from L4 and from Redis with the same value', async () => {
    const prefix = CacheHarness.prefix();
    const cache = await h.cache({ prefix });
    let computed = 0;
    const compute = async () => ({ value: fake(++computed), watermark: 5 });
    const first = await cache.diagnosis(['A', 'B'], RANGE, 'v', compute);
    expect(first).toEqual({ value: { n: 1 }, hit: false, tier: 'compute' });
    const second = await cache.diagnosis(['A', 'B'], RANGE, 'v', compute);
    expect(second).toEqual({ value: { n: 1 }, hit: true, tier: 'l4' });
    const elsewhere = await h.cache({ prefix }); // another process: its L4 is empty
    const third = await elsewhere.diagnosis(['A', 'B'], RANGE, 'v', compute);
    expect(third).toEqual({ value: { n: 1 }, hit: true, tier: 'redis' });
    expect(computed).toBe(1);
  });

  it('keys a different variant (thresholds) separately', async () => {
    const cache = await h.cache();
    let computed = 0;
    const compute = async () => ({ value: fake(++computed), watermark: 5 });
    await cache.diagnosis('all', RANGE, 'v1', compute);
    const other = await cache.diagnosis('all', RANGE, 'v2', compute);
    expect(other.value).toEqual({ n: 2 });
  });

  it('computes once for 50 concurrent misses in one process', async () => {
    const cache = await h.cache();
    let computed = 0;
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        cache.diagnosis('all', RANGE, 'v', async () => {
          computed++;
          await sleep(100);
          return { value: fake(7), watermark: 1 };
        }),
      ),
    );
    expect(computed).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r.value)))).toEqual(new Set(['{"n":7}']));
  });

  it('computes once across two processes: the other waits for the value', async () => {
    const prefix = CacheHarness.prefix();
    const script = fileURLToPath(new URL('./fixtures/contender.mjs', import.meta.url));
    const run = () => promisify(execFile)(process.execPath, [script, h.url, prefix, 'compute']).then((r) => JSON.parse(r.stdout));
    const [a, b] = await Promise.all([run(), run()]);
    expect(Number(await h.client().get(`${prefix}:computations`))).toBe(1);
    expect(a.value).toEqual(b.value);
    expect([a.tier, b.tier].sort()).toEqual(['compute', 'compute']); // one computed, one got it after waiting
    expect(a.pid).not.toBe(b.pid);
  });

  it('takes over when the lease holder dies (lease expires)', async () => {
    const cache = await h.cache({ lease: { leaseMs: 300, waitMs: 5000, pollMs: 10 } });
    const key = await cache.diagnosisKey(['A'], RANGE, 'v');
    await h.client().set(cache.keys.lease(key), 'someone-dead', 'PX', 300);
    const started = Date.now();
    const result = await cache.diagnosis(['A'], RANGE, 'v', async () => ({ value: fake(3), watermark: 1 }));
    expect(result.value).toEqual({ n: 3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('serves a stale entry within grace and refreshes it in the background', async () => {
    const cache = await h.cache({ ttl: { l3: { ttlMs: 100, jitter: 0, graceMs: 10_000 } }, memory: { maxBytes: 0, ttlMs: 1 } });
    let computed = 0;
    const compute = async () => ({ value: fake(++computed), watermark: 1 });
    await cache.diagnosis(['A'], RANGE, 'v', compute);
    await sleep(150);
    const stale = await cache.diagnosis(['A'], RANGE, 'v', compute);
    expect(stale).toEqual({ value: { n: 1 }, hit: true, tier: 'stale' });
    // The background refresh lands; later reads get the new value without computing again.
    let latest = stale;
    for (let i = 0; i < 100 && JSON.stringify(latest.value) !== '{"n":2}'; i++) {
      await sleep(5);
      latest = await cache.diagnosis(['A'], RANGE, 'v', compute);
    }
    expect(latest).toMatchObject({ value: { n: 2 }, hit: true });
    expect(computed).toBe(2);
  });

  it('does not let a read-path fill overwrite a newer warm-up write', async () => {
    const cache = await h.cache({ memory: { maxBytes: 0, ttlMs: 1 } });
    const dates = ['2026-11-01'];
    const result = await cache.dailyMetrics('A', dates, async () => {
      // A warm-up run rewrites the day while this read computes an older value.
      await cache.writeDailyMetrics('A', day('A', '2026-11-01', 99), 2);
      return { value: new Map([['2026-11-01', day('A', '2026-11-01', 1)]]), watermark: 1 };
    });
    expect(result.value[0]!.orders).toBe(1); // the reader gets what it computed…
    const again = await cache.dailyMetrics('A', dates, async () => {
      throw new Error('must not compute');
    });
    expect(again.value[0]!.orders).toBe(99); // …but the cache keeps the newer write
  });
});

describe('L2 ranges', () => {
  it('returns days in order, computing only the missing ones, in one call', async () => {
    const cache = await h.cache({ memory: { maxBytes: 0, ttlMs: 1 } });
    await cache.writeDailyMetrics('S1', day('S1', '2026-11-02', 2), 1);
    const asked: string[][] = [];
    const dates = ['2026-11-01', '2026-11-02', '2026-11-03'];
    const r = await cache.dailyMetrics('S1', dates, async (missing) => {
      asked.push(missing);
      return { value: new Map(missing.map((d) => [d, day('S1', d, 10)])), watermark: 1 };
    });
    expect(asked).toEqual([['2026-11-01', '2026-11-03']]);
    expect(r.value.map((d) => [d.date, d.orders])).toEqual([
      ['2026-11-01', 10],
      ['2026-11-02', 2],
      ['2026-11-03', 10],
    ]);
    expect(r.hit).toBe(false);
    const again = await cache.dailyMetrics('S1', dates, async () => {
      throw new Error('must not compute');
    });
    expect(again).toMatchObject({ hit: true, tier: 'redis' });
  });

  it('computes the misses of many stores in one call', async () => {
    const cache = await h.cache();
    await cache.writeDailyMetrics('B', day('B', '2026-11-01', 5), 1);
    const calls: Map<string, string[]>[] = [];
    const { days, hit } = await cache.dailyMetricsMany(['A', 'B', 'C'], ['2026-11-01'], async (needs) => {
      calls.push(needs);
      return { value: new Map([...needs].map(([id, ds]) => [id, new Map(ds.map((d) => [d, day(id, d, 1)]))])), watermark: 1 };
    });
    expect(calls).toHaveLength(1);
    expect([...calls[0]!.keys()].sort()).toEqual(['A', 'C']);
    expect(hit).toBe(false);
    expect([...days].map(([id, d]) => [id, d[0]!.orders])).toEqual([
      ['A', 1],
      ['B', 5],
      ['C', 1],
    ]);
  });

  it('a warm-up (skipMemory) rewrites the days Redis lost even when L4 still holds them', async () => {
    const prefix = CacheHarness.prefix();
    const cache = await h.cache({ prefix });
    const compute = async (needs: Map<string, string[]>) => ({ value: new Map([...needs].map(([id, ds]) => [id, new Map(ds.map((d) => [d, day(id, d, 3)]))])), watermark: 1 });
    await cache.dailyMetricsMany(['A'], ['2026-11-01'], compute);
    await cache.dailyMetricsMany(['A'], ['2026-11-01'], compute); // now in L4 too
    const key = cache.keys.l2('A', '2026-11-01');
    const redis = h.client();
    await redis.unlink(key); // Redis lost it (a flush, a restart); this process's L4 did not
    const fromMemory = await cache.dailyMetricsMany(['A'], ['2026-11-01'], compute);
    expect(fromMemory.written).toBe(0);
    expect(await redis.exists(key)).toBe(0);
    const warm = await cache.dailyMetricsMany(['A'], ['2026-11-01'], compute, { skipMemory: true });
    expect(warm.written).toBe(1);
    expect(await redis.exists(key)).toBe(1);
    expect(warm.days.get('A')![0]!.orders).toBe(3);
  });
});

describe('L1 raw orders', () => {
  it('stores a store-month of real orders and reads them back exactly', async () => {
    const { generateSample } = await import('@prewarm/source');
    const { validateOrder } = await import('@prewarm/domain');
    const sample = generateSample({ stores: 3, days: 30, orders: 3000, seed: 3, end: '2026-11-30' });
    const orders = [...sample.orderBatches()].flat().map((row) => validateOrder(row)).flatMap((v) => (v.ok && v.order.storeId === 'S001' ? [v.order] : []));
    expect(orders.length).toBeGreaterThan(100);
    const cache = await h.cache({ memory: { maxBytes: 0, ttlMs: 1 } });
    const first = await cache.rawOrders('S001', '2026-11', async () => ({ value: orders, watermark: Math.max(...orders.map((o) => o.updatedAt)) }));
    expect(first.tier).toBe('compute');
    const again = await cache.rawOrders('S001', '2026-11', async () => {
      throw new Error('must not compute');
    });
    expect(again.tier).toBe('redis');
    expect(again.value).toEqual(orders);
    const stats = await cache.stats();
    expect(stats.levels.l1.stored_bytes).toBeLessThan(stats.levels.l1.raw_bytes);
  });
});

describe('L3 as an HTTP body', () => {
  it('serves the stored JSON payload as it is, from Redis and from L4', async () => {
    const { gunzipSync } = await import('node:zlib');
    const prefix = CacheHarness.prefix();
    const cache = await h.cache({ prefix });
    const value = { n: 5, text: 'é'.repeat(100) } as unknown as Diagnosis;
    const miss = await cache.diagnosisBody(['A'], RANGE, 'v', async () => ({ value, watermark: 1 }));
    expect(miss).toMatchObject({ hit: false, tier: 'compute' });
    const decode = (b: { bytes: Buffer; encoding: string }) => JSON.parse((b.encoding === 'gzip' ? gunzipSync(b.bytes) : b.bytes).toString('utf8'));
    expect(decode(miss.body)).toEqual(value);
    const fromL4 = await cache.diagnosisBody(['A'], RANGE, 'v', async () => {
      throw new Error('must not compute');
    });
    expect(fromL4.tier).toBe('l4');
    const elsewhere = await h.cache({ prefix }); // another process: its L4 is empty
    const fromRedis = await elsewhere.diagnosisBody(['A'], RANGE, 'v', async () => {
      throw new Error('must not compute');
    });
    expect(fromRedis).toMatchObject({ hit: true, tier: 'redis' });
    expect(decode(fromRedis.body)).toEqual(value);
    // A body read from Redis is kept in L4: the next one costs no I/O…
    const again = await elsewhere.diagnosisBody(['A'], RANGE, 'v', async () => {
      throw new Error('must not compute');
    });
    expect(again.tier).toBe('l4');
    // …and a decoded read decodes it once, from memory.
    const decoded = await elsewhere.diagnosis(['A'], RANGE, 'v', async () => ({ value: fake(0), watermark: 1 }));
    expect(decoded).toEqual({ value, hit: true, tier: 'l4' });
  });
});

describe('L3 bodies share one round trip', () => {
  /** The GETs clients send for `key` while `work` runs (MONITOR sees every command in order). */
  async function getsOf(key: string, work: () => Promise<unknown>): Promise<number> {
    const monitor = await h.client().monitor();
    const marker = `done-${CacheHarness.prefix()}`;
    let gets = 0;
    const seen = new Promise<void>((resolve) =>
      monitor.on('monitor', (_time: string, args: string[]) => {
        if (args[0]?.toLowerCase() === 'get' && args[1] === key) gets++;
        if (args[1] === marker) resolve();
      }),
    );
    await work();
    await h.client().echo(marker);
    await seen;
    monitor.disconnect();
    return gets;
  }
  const neverCompute = async (): Promise<never> => {
    throw new Error('must not compute');
  };

  it('reads a missing body with one GET and computes it once for concurrent readers', async () => {
    const cache = await h.cache();
    let computed = 0;
    const compute = async () => {
      computed++;
      await sleep(50);
      return { value: fake(1), watermark: 1 };
    };
    const key = await cache.diagnosisKey(['A'], RANGE, 'v');
    let results: BodyResult[] = [];
    const gets = await getsOf(key, async () => {
      results = await Promise.all(Array.from({ length: 20 }, () => cache.diagnosisBody(['A'], RANGE, 'v', compute)));
    });
    expect(gets).toBe(1);
    expect(computed).toBe(1);
    expect(new Set(results.map((r) => `${r.hit} ${r.tier}`))).toEqual(new Set(['false compute']));
  });

  it('shares one GET among concurrent body and decoded reads of an entry in Redis, each read logged', async () => {
    const prefix = CacheHarness.prefix();
    const writer = await h.cache({ prefix });
    await writer.writeDiagnosis(['A'], RANGE, 'v', { value: fake(4), watermark: 1 });
    const events: AccessEvent[] = [];
    const cache = await h.cache({ prefix, onRead: (e) => events.push(e) });
    const key = await cache.diagnosisKey(['A'], RANGE, 'v');
    const read = () =>
      Promise.all([
        cache.diagnosisBody(['A'], RANGE, 'v', neverCompute),
        cache.diagnosisBody(['A'], RANGE, 'v', neverCompute),
        cache.diagnosis(['A'], RANGE, 'v', neverCompute),
      ]);
    let first: Awaited<ReturnType<typeof read>> | undefined;
    expect(await getsOf(key, async () => (first = await read()))).toBe(1);
    const [a, b, decoded] = first!;
    expect([a.tier, b.tier, decoded.tier]).toEqual(['redis', 'redis', 'redis']);
    expect(a.body).toBe(b.body);
    expect(decoded.value).toEqual({ n: 4 });
    expect(events.map((e) => [e.level, e.stores, e.hit, e.tier])).toEqual(Array.from({ length: 3 }, () => ['l3', 'A', true, 'redis']));
    // Kept in L4 as the body: the next reads cost no I/O, and the decoded one decodes it.
    let again: Awaited<ReturnType<typeof read>> | undefined;
    expect(await getsOf(key, async () => (again = await read()))).toBe(0);
    expect(again!.map((r) => r.tier)).toEqual(['l4', 'l4', 'l4']);
    expect(again![2].value).toEqual({ n: 4 });
  });
});

describe('own writes', () => {
  it('keep their L4 copy (a process ignores the echo of its own invalidation)', async () => {
    const prefix = CacheHarness.prefix();
    const cache = await h.cache({ prefix });
    const other = await h.cache({ prefix });
    await other.dailyMetrics('A', ['2026-11-01'], async () => ({ value: new Map([['2026-11-01', day('A', '2026-11-01', 1)]]), watermark: 1 }));
    await cache.writeDailyMetrics('A', day('A', '2026-11-01', 2), 1);
    await sleep(100); // time for the invalidation message to go round
    const mine = await cache.dailyMetrics('A', ['2026-11-01'], async () => {
      throw new Error('must not compute');
    });
    expect(mine).toMatchObject({ tier: 'l4' });
    expect(mine.value[0]!.orders).toBe(2);
    const theirs = await other.dailyMetrics('A', ['2026-11-01'], async () => {
      throw new Error('must not compute');
    });
    expect(theirs.value[0]!.orders).toBe(2); // their stale L4 copy was dropped
  });
});

describe('reads join a warm-up that is writing their entries', () => {
  const DATES = ['2026-11-01', '2026-11-02', '2026-11-03'];

  it('a miss while the store is being warmed waits for the warm-up write and computes nothing', async () => {
    const prefix = CacheHarness.prefix();
    const warmer = await h.cache({ prefix });
    const reader = await h.cache({ prefix });
    let computed = 0;
    let release!: () => void;
    const written = new Promise<void>((r) => (release = r));
    // The warm-up holds the marker while it computes; it writes L2 days and the store's L3.
    const warm = warmer.warming('W1', async () => {
      await written;
      await warmer.writeStoreData('W1', { chunks: new Map(), days: DATES.map((d) => day('W1', d, 9)), watermark: 3 });
      await warmer.writeDiagnosis(['W1'], RANGE, 'v', { value: fake(9), watermark: 3 });
    });
    await sleep(20);
    const metrics = reader.dailyMetrics('W1', DATES, async () => {
      computed++;
      return { value: new Map(DATES.map((d) => [d, day('W1', d, 1)])), watermark: 1 };
    });
    const diagnosis = reader.diagnosis(['W1'], RANGE, 'v', async () => ({ value: fake(++computed), watermark: 1 }));
    await sleep(150);
    release();
    await warm;
    expect((await metrics).value.map((d) => d.orders)).toEqual([9, 9, 9]);
    expect((await diagnosis).value).toEqual({ n: 9 });
    expect(computed).toBe(0);
  });

  it('computes as usual when no warm-up holds the store, and when the warm-up ends without the entry', async () => {
    const prefix = CacheHarness.prefix();
    const warmer = await h.cache({ prefix });
    const reader = await h.cache({ prefix });
    let computed = 0;
    const compute = async () => ({ value: fake(++computed), watermark: 1 });
    expect((await reader.diagnosis(['W2'], RANGE, 'v', compute)).tier).toBe('compute');
    // A warm-up of W3 that writes nothing (it failed): the reader stops waiting when it ends.
    const warm = warmer.warming('W3', () => sleep(100));
    await sleep(20);
    const read = await reader.diagnosis(['W3'], RANGE, 'v', compute);
    await warm;
    expect(read).toEqual({ value: { n: 2 }, hit: false, tier: 'compute' });
    expect(computed).toBe(2);
  });
});

describe('values handed out by L4', () => {
  it('cannot be changed by one caller for the others: frozen, and the next read is intact', async () => {
    const cache = await h.cache();
    const compute = async () => ({ value: { score: 80, findings: [{ rule: 'r1', stores: ['A'] }] } as unknown as Diagnosis, watermark: 1 });
    await cache.diagnosis(['A'], RANGE, 'v', compute);
    const held = await cache.diagnosis(['A'], RANGE, 'v', compute);
    expect(held.tier).toBe('l4');
    const value = held.value as unknown as { score: number; findings: { stores: string[] }[] };
    expect(() => {
      value.score = 0;
    }).toThrow(TypeError);
    expect(() => value.findings[0]!.stores.push('B')).toThrow(TypeError);
    const again = await cache.diagnosis(['A'], RANGE, 'v', compute);
    expect(again.value).toEqual({ score: 80, findings: [{ rule: 'r1', stores: ['A'] }] });
  });

  it('L2 days too', async () => {
    const cache = await h.cache();
    const dates = ['2026-11-01'];
    const computeDays = async () => ({ value: new Map([['2026-11-01', day('F1', '2026-11-01', 4)]]), watermark: 1 });
    await cache.dailyMetrics('F1', dates, computeDays);
    const held = await cache.dailyMetrics('F1', dates, computeDays);
    expect(held.tier).toBe('l4');
    expect(Object.isFrozen(held.value[0])).toBe(true);
  });
});
