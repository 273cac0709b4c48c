/**
 * The cache Redis failing while a run writes to it, with two worker processes and a separate
 * queue/state Redis: flushed (FLUSHALL), shut down and started again empty three seconds later,
 * hung (SIGSTOP) for four seconds, and squeezed to its memory limit (allkeys-lru evicting under
 * the run's writes while reads go on). Each time the run completes with no store failed, and
 * every read equals a fresh computation from the source.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrewarmProcess, startPrewarm } from '../../scripts/topology.js';
import { runCli } from '../helpers/cli.js';
import { expectCacheEqualsSource, ok } from '../helpers/reads.js';
import { type RedisProcess, startRedisProcess } from '../helpers/redis-process.js';
import { type TestRedis, startTestRedis, withNode } from '../helpers/redis.js';
import { until } from '../helpers/until.js';

const END = '2026-11-20';
const LAST30 = ['--from', '2026-10-22', '--to', END];
let queue: TestRedis;
let cache: RedisProcess;
let env: Record<string, string>;
let workers: PrewarmProcess[] = [];
let client: Redis;
let warm: Queue;

beforeAll(async () => {
  queue = await startTestRedis({ url: null });
  cache = await startRedisProcess(['--appendonly', 'no', '--maxmemory', '256mb', '--maxmemory-policy', 'allkeys-lru']);
  const dbPath = join(mkdtempSync(join(tmpdir(), 'prewarm-fault-cache-run-')), 'orders.db');
  env = {
    PREWARM_SOURCE_URL: `sqlite:${dbPath}`,
    PREWARM_QUEUE_REDIS_URL: queue.url,
    PREWARM_CACHE_REDIS_URL: cache.url,
    PREWARM_CACHE_PREFIX: 'fcr',
    PREWARM_QUEUE_PREFIX: '{fcr}',
    PREWARM_LOG_LEVEL: 'warn',
  };
  ok(await runCli(['seed', '--stores', '30', '--days', '70', '--orders', '60000', '--seed', '4', '--end', END], env));
  // Demand for a few store sets, so runs have a sets phase too.
  for (const stores of ['S001,S002', 'S003,S009,S012']) ok(await runCli(['get', 'diagnosis', '--stores', stores, ...LAST30], env));
  client = new Redis(queue.url);
  warm = new Queue('warm', { connection: client, prefix: env.PREWARM_QUEUE_PREFIX });
  workers = [startPrewarm('worker-1', ['worker'], env), startPrewarm('worker-2', ['worker'], env)];
  await until('both workers', async () => (await client.keys('fcr:{state}:worker:*')).length === 2, 30_000);
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await warm?.close();
  client?.disconnect();
  await cache?.stop();
  await queue?.stop();
});

/** Starts a run, waits until warm-up jobs are running, applies `fault`, and returns the run's summary. */
async function runThrough(fault: () => Promise<void>): Promise<{ status: string; stores: { failed: string[] } }> {
  const running = runCli(['run', '--json', '--end', END], env);
  await until('a running warm-up job', async () => (await warm.getActiveCount()) > 0, 60_000, 20);
  await fault();
  return JSON.parse(ok(await running).stdout);
}

async function expectReadsExact(): Promise<void> {
  await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'all', ...LAST30]);
  await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'S003,S009,S012', ...LAST30]);
  await expectCacheEqualsSource(env, ['get', 'metrics', '--store', 'S017', ...LAST30]);
  await expectCacheEqualsSource(env, ['get', 'metrics', '--store', 'S002', '--from', '2026-09-20', '--to', '2026-10-19']);
}

describe('the cache Redis failing during a run', () => {
  it('flushed (FLUSHALL): the run completes and every read is exact', async () => {
    const summary = await runThrough(() => withNode(cache.port, (r) => r.flushall()).then(() => {}));
    expect(summary.status).toBe('completed');
    expect(summary.stores.failed).toEqual([]);
    await expectReadsExact();
  }, 180_000);

  it('shut down and started again empty 3 s later: the run completes and every read is exact', async () => {
    const summary = await runThrough(async () => {
      await cache.shutdown();
      await new Promise((r) => setTimeout(r, 3000));
      await cache.start();
    });
    expect(summary.status).toBe('completed');
    expect(summary.stores.failed).toEqual([]);
    expect(workers.every((w) => w.child.exitCode === null && w.child.signalCode === null)).toBe(true);
    await expectReadsExact();
  }, 180_000);

  it('hung (SIGSTOP) for 4 s: the run completes and every read is exact', async () => {
    const summary = await runThrough(async () => {
      cache.pause();
      await new Promise((r) => setTimeout(r, 4000));
      cache.resume();
    });
    expect(summary.status).toBe('completed');
    expect(summary.stores.failed).toEqual([]);
    expect(workers.every((w) => w.child.exitCode === null && w.child.signalCode === null)).toBe(true);
    await expectReadsExact();
  }, 180_000);

  it('at its memory limit (allkeys-lru evicting) under a run and reads: the run completes and every read is exact', async () => {
    await withNode(cache.port, (r) => r.flushall());
    const used = Number(/used_memory:(\d+)/.exec(await withNode(cache.port, (r) => r.info('memory')))![1]);
    // Room for a fraction of what a run writes: entries are evicted while the run writes them.
    await withNode(cache.port, (r) => r.config('SET', 'maxmemory', String(used + 256 * 1024)));
    try {
      const running = runCli(['run', '--json', '--end', END], env);
      await until('a running warm-up job', async () => (await warm.getActiveCount()) > 0, 60_000, 20);
      // Reads while the run evicts: each equals the source.
      await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'all', ...LAST30]);
      await expectCacheEqualsSource(env, ['get', 'metrics', '--store', 'S021', ...LAST30]);
      const summary = JSON.parse(ok(await running).stdout);
      expect(summary.status).toBe('completed');
      expect(summary.stores.failed).toEqual([]);
      const evicted = Number(/evicted_keys:(\d+)/.exec(await withNode(cache.port, (r) => r.info('stats')))![1]);
      expect(evicted).toBeGreaterThan(0);
      await expectReadsExact();
    } finally {
      await withNode(cache.port, (r) => r.config('SET', 'maxmemory', String(256 * 1024 * 1024)));
    }
  }, 180_000);
});
