import { AccessLog, Keyspace, silentLogger } from '@prewarm/cache';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheHarness } from './harness.js';

const h = new CacheHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

const event = (i: number) => ({ level: 'l2' as const, stores: `S${i % 7}`, from: '2026-11-01', to: '2026-11-07', hit: i % 3 !== 0, tier: 'redis' as const, latencyUs: 120, at: 1_700_000_000_000 + i });

describe('access log', () => {
  it('appends every read to the stream with level, store set, range, hit/miss and latency', async () => {
    const cache = await h.cache();
    const range = { from: '2026-11-01', to: '2026-11-07' };
    await cache.diagnosis(['A', 'B'], range, 'v', async () => ({ value: { x: 1 } as never, watermark: 1 }));
    await cache.diagnosis(['A', 'B'], range, 'v', async () => ({ value: { x: 1 } as never, watermark: 1 }));
    await cache.core.accessLog.flush();
    const entries = await h.client().xrange(cache.keys.accessStream, '-', '+');
    const fields = entries.map(([, f]) => Object.fromEntries(Array.from({ length: f.length / 2 }, (_, i) => [f[2 * i], f[2 * i + 1]])));
    expect(fields).toHaveLength(2);
    expect(fields[0]).toMatchObject({ l: 'l3', s: 'A,B', f: '2026-11-01', t: '2026-11-07', h: '0', src: 'compute' });
    expect(fields[1]).toMatchObject({ l: 'l3', s: 'A,B', h: '1', src: 'l4' });
    expect(Number(fields[1]!.us)).toBeGreaterThanOrEqual(0);
  });

  it('batches appends: nothing is written until a batch fills or the timer fires', async () => {
    const keys = new Keyspace(CacheHarness.prefix());
    const log = new AccessLog(h.client(), keys, silentLogger, { maxLen: 100_000, maxBuffered: 10_000, batchSize: 100, flushIntervalMs: 60_000 });
    const redis = h.client();
    for (let i = 0; i < 99; i++) log.record(event(i));
    expect(await redis.xlen(keys.accessStream)).toBe(0);
    expect(log.pending).toBe(99);
    log.record(event(99)); // the 100th fills the batch
    await log.flush();
    expect(await redis.xlen(keys.accessStream)).toBe(100);
    expect(await redis.hget(keys.stats, 'l2:misses')).toBe('34');
    expect(await redis.hget(keys.stats, 'l2:hits')).toBe('66');
  });

  it('trims the stream to about maxLen', async () => {
    const keys = new Keyspace(CacheHarness.prefix());
    const log = new AccessLog(h.client(), keys, silentLogger, { maxLen: 1000, maxBuffered: 100_000, batchSize: 500, flushIntervalMs: 10 });
    for (let i = 0; i < 5000; i++) log.record(event(i));
    await log.flush();
    const length = await h.client().xlen(keys.accessStream);
    expect(length).toBeGreaterThanOrEqual(1000);
    expect(length).toBeLessThan(1500); // MAXLEN ~ trims whole macro nodes
  });

  it('bounds its buffer when Redis does not answer: drops are counted, record never waits', async () => {
    const keys = new Keyspace(CacheHarness.prefix());
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    dead.on('error', () => {});
    const log = new AccessLog(dead, keys, silentLogger, { maxLen: 1000, maxBuffered: 50, batchSize: 1_000_000, flushIntervalMs: 60_000 });
    for (let i = 0; i < 80; i++) log.record(event(i));
    expect(log.pending).toBe(50);
    expect(log.dropped).toBe(30);
    await log.flush(); // the failed batch is dropped and counted, not retried forever
    expect(log.dropped).toBe(80);
    expect(log.pending).toBe(0);
    dead.disconnect();
  });
});
