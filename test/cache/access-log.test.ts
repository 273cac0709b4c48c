import { ACCESS_FIELD, AccessLog, decodeAccessEntry } from '@prewarm/cache';
import { Keyspace } from '@prewarm/redis';
import { silentLogger } from '@prewarm/telemetry';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheHarness } from './harness.js';

const h = new CacheHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

/** Distinct reads (each its own entry): store `S<i>`. */
const event = (i: number) => ({ level: 'l2' as const, stores: `S${i}`, from: '2026-11-01', to: '2026-11-07', hit: i % 3 !== 0, tier: 'redis' as const, latencyUs: 120, at: 1_700_000_000_000 + i });

describe('access log', () => {
  it('appends every read to the stream with level, store set, range, hit/miss and latency', async () => {
    const cache = await h.cache();
    const range = { from: '2026-11-01', to: '2026-11-07' };
    await cache.diagnosis(['A', 'B'], range, 'v', async () => ({ value: { x: 1 } as never, watermark: 1 }));
    await cache.diagnosis(['A', 'B'], range, 'v', async () => ({ value: { x: 1 } as never, watermark: 1 }));
    await cache.flushAccessLog();
    const entries = await h.client().xrange(cache.keys.accessStream, '-', '+');
    expect(entries.map(([, f]) => f[0])).toEqual([ACCESS_FIELD, ACCESS_FIELD]);
    const events = entries.map(([, f]) => decodeAccessEntry(f[1]!));
    expect(events[0]).toMatchObject({ level: 'l3', stores: 'A,B', from: '2026-11-01', to: '2026-11-07', hit: false, tier: 'compute', reads: 1 });
    expect(events[1]).toMatchObject({ level: 'l3', stores: 'A,B', hit: true, tier: 'l4', reads: 1 });
    expect(events[1]!.latencyUs).toBeGreaterThanOrEqual(0);
    expect(Math.abs(events[1]!.at - Date.now())).toBeLessThan(60_000);
  });

  it('writes a batch as one script call, and loads the script again after SCRIPT FLUSH', async () => {
    const keys = new Keyspace(CacheHarness.prefix());
    const redis = h.client();
    const log = new AccessLog(redis, keys, silentLogger, { maxLen: 100_000, maxBuffered: 10_000, batchSize: 1_000, flushIntervalMs: 60_000 });
    const calls = async (): Promise<[evalsha: number, eval: number, xadd: number]> => {
      const info = await redis.info('commandstats');
      const of = (command: string) => Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
      return [of('evalsha'), of('eval'), of('xadd')];
    };
    await redis.script('FLUSH');
    const [evalsha0, eval0, xadd0] = await calls();
    for (let i = 0; i < 300; i++) log.record(event(i));
    await log.flush();
    const [evalsha1, eval1, xadd1] = await calls();
    expect(await redis.xlen(keys.accessStream)).toBe(300);
    expect([evalsha1 - evalsha0, eval1 - eval0]).toEqual([1, 1]); // NOSCRIPT, then the source once
    expect(xadd1 - xadd0).toBe(300); // XADDs inside the script count as calls too
    for (let i = 0; i < 300; i++) log.record(event(i));
    await log.flush();
    const [evalsha2, eval2] = await calls();
    expect([evalsha2 - evalsha1, eval2 - eval1]).toEqual([1, 0]);
    expect(await redis.xlen(keys.accessStream)).toBe(600);
    expect(log.written).toBe(600);
  });

  it('merges identical reads of one batch into one entry with a count, mean latency and the latest time', async () => {
    const keys = new Keyspace(CacheHarness.prefix());
    const redis = h.client();
    const log = new AccessLog(redis, keys, silentLogger, { maxLen: 100_000, maxBuffered: 10_000, batchSize: 100, flushIntervalMs: 60_000 });
    const read = { level: 'l3' as const, stores: 'A,B', from: '2026-11-01', to: '2026-11-07', hit: true, tier: 'l4' as const };
    for (let i = 0; i < 1000; i++) log.record({ ...read, latencyUs: i % 2 === 0 ? 10 : 30, at: 1_700_000_000_000 + i });
    log.record({ ...read, tier: 'redis', latencyUs: 400, at: 1_700_000_000_500 }); // another tier: another entry
    log.record({ ...read, to: '2026-11-08', latencyUs: 5, at: 1_700_000_000_000 }); // another range: another entry
    expect(log.pending).toBe(1002);
    await log.flush();
    const entries = (await redis.xrange(keys.accessStream, '-', '+')).map(([, f]) => decodeAccessEntry(f[1]!));
    expect(entries).toEqual([
      { ...read, reads: 1000, latencyUs: 20, at: 1_700_000_000_999 },
      { ...read, tier: 'redis', reads: 1, latencyUs: 400, at: 1_700_000_000_500 },
      { ...read, to: '2026-11-08', reads: 1, latencyUs: 5, at: 1_700_000_000_000 },
    ]);
    expect(await redis.hgetall(keys.stats)).toEqual({ 'l3:hits': '1002', 'l4:hits': '1001' });
    expect(log.written).toBe(1002);
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

  it('flush writes what was recorded before it, once: reads recorded meanwhile wait for their timer', async () => {
    const keys = new Keyspace(CacheHarness.prefix());
    const redis = h.client();
    const log = new AccessLog(redis, keys, silentLogger, { maxLen: 100_000, maxBuffered: 10_000, batchSize: 1_000, flushIntervalMs: 60_000 });
    for (let i = 0; i < 10; i++) log.record(event(i));
    const first = log.flush();
    for (let i = 10; i < 25; i++) log.record(event(i)); // while the first batch is on its way
    await first;
    expect(await redis.xlen(keys.accessStream)).toBe(10);
    expect(log.pending).toBe(15);
    await log.flush();
    expect(await redis.xlen(keys.accessStream)).toBe(25);
    expect(log.pending).toBe(0);
  });

  it('behind a paused Redis, full batches wait for the write on its way: every read written once, in a few writes', async () => {
    const keys = new Keyspace(CacheHarness.prefix());
    const redis = h.client();
    const log = new AccessLog(redis, keys, silentLogger, { maxLen: 100_000, maxBuffered: 100_000, batchSize: 10, flushIntervalMs: 60_000 });
    const admin = new Redis(h.url);
    const calls = async () => Number(/cmdstat_evalsha:calls=(\d+)/.exec(await admin.info('commandstats'))?.[1] ?? 0);
    for (let i = 0; i < 10; i++) log.record(event(i)); // a full batch: flushed on the next turn
    const before = await calls();
    await admin.client('PAUSE', 300, 'ALL'); // the write that follows waits 300 ms
    for (let turn = 1; turn <= 30; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < 10; i++) log.record(event(turn * 10 + i)); // a full batch on every turn
    }
    while (log.pending > 0) await log.flush();
    expect(await redis.xlen(keys.accessStream)).toBe(310);
    expect(log.written).toBe(310);
    expect((await calls()) - before).toBeLessThanOrEqual(4); // not one write per turn
    admin.disconnect();
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
