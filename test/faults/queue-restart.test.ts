/**
 * The queue/state Redis (AOF everysec) shut down in the middle of a run and started again two
 * seconds later on the same port and directory, with two worker processes and a separate cache
 * Redis: the running `prewarm run` returns with the run completed, reads equal the source, and
 * the same two workers — not new ones — complete the next run. The same Redis hung (SIGSTOP)
 * past the job lock in the middle of a run: the run completes and reads stay exact.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@prewarm/config';
import { openRedisRole } from '@prewarm/redis';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrewarmProcess, startPrewarm } from '../../scripts/topology.js';
import { runCli } from '../helpers/cli.js';
import { expectCacheEqualsSource, ok } from '../helpers/reads.js';
import { type RedisProcess, startRedisProcess } from '../helpers/redis-process.js';
import { withNode } from '../helpers/redis.js';

const END = '2026-11-20';
const LAST30 = ['--from', '2026-10-22', '--to', END];
let queue: RedisProcess;
let cache: RedisProcess;
let env: Record<string, string>;
let workers: PrewarmProcess[] = [];

beforeAll(async () => {
  queue = await startRedisProcess(['--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction']);
  cache = await startRedisProcess(['--appendonly', 'no', '--maxmemory', '256mb', '--maxmemory-policy', 'allkeys-lru']);
  const dbPath = join(mkdtempSync(join(tmpdir(), 'prewarm-fault-queue-')), 'orders.db');
  env = {
    PREWARM_SOURCE_URL: `sqlite:${dbPath}`,
    PREWARM_QUEUE_REDIS_URL: queue.url,
    PREWARM_CACHE_REDIS_URL: cache.url,
    PREWARM_CACHE_PREFIX: 'fq',
    PREWARM_JOB_LOCK_MS: '3000',
    PREWARM_LOG_LEVEL: 'warn',
  };
  ok(await runCli(['seed', '--stores', '30', '--days', '70', '--orders', '60000', '--seed', '8', '--end', END], env));
  workers = [startPrewarm('worker-1', ['worker'], env), startPrewarm('worker-2', ['worker'], env)];
  // Both workers are up when both heartbeats are there.
  for (let i = 0; i < 200; i++) {
    const beats = await withNode(queue.port, (r) => r.keys('fq:{state}:worker:*'));
    if (beats.length === 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await queue?.stop();
  await cache?.stop();
});

/** Worker ids (`<pid>-…`) that processed the warm-up jobs of a run. */
async function processedBy(runId: string): Promise<Set<string>> {
  const connection = await openRedisRole(parseConfig(env).redis, 'queue/state');
  const warm = new Queue('warm', { connection, prefix: '{prewarm}' });
  try {
    const jobs = (await warm.getJobs(['completed'], 0, -1)).filter((j) => j.data?.runId === runId);
    return new Set(jobs.map((j) => String(j.processedBy)));
  } finally {
    await warm.close();
    connection.disconnect();
  }
}

describe('queue Redis restart', () => {
  it('in the middle of a run: the run completes, reads are exact, the same workers run the next run', async () => {
    const runs = 'fq:{state}:runs';
    const before = await withNode(queue.port, (r) => r.llen(runs));
    const running = runCli(['run', '--json', '--end', END], env);
    while ((await withNode(queue.port, (r) => r.llen(runs))) === before) await new Promise((r) => setTimeout(r, 20));
    await queue.shutdown();
    await new Promise((r) => setTimeout(r, 2000));
    await queue.start();

    const during = JSON.parse(ok(await running).stdout);
    expect(during.status).toBe('completed');
    expect(during.stores.failed).toEqual([]);
    await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'all', ...LAST30]);
    await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'S002,S011,S027', ...LAST30]);
    await expectCacheEqualsSource(env, ['get', 'metrics', '--store', 'S005', ...LAST30]);

    expect(workers.every((w) => w.child.exitCode === null)).toBe(true);
    const next = JSON.parse(ok(await runCli(['run', '--json', '--end', END], env)).stdout);
    expect(next.status).toBe('completed');
    const pids = new Set([...(await processedBy(next.runId))].map((id) => Number(id.split('-')[0])));
    expect([...pids].every((pid) => workers.some((w) => w.child.pid === pid))).toBe(true); // no embedded worker
    expect(pids.size).toBeGreaterThan(0);
  }, 180_000);

  it('hung (SIGSTOP) for longer than the job lock in the middle of a run: the run completes, reads are exact', async () => {
    const runs = 'fq:{state}:runs';
    const before = await withNode(queue.port, (r) => r.llen(runs));
    const running = runCli(['run', '--json', '--end', END], env);
    while ((await withNode(queue.port, (r) => r.llen(runs))) === before) await new Promise((r) => setTimeout(r, 20));
    queue.pause();
    await new Promise((r) => setTimeout(r, 5000)); // PREWARM_JOB_LOCK_MS is 3000: every lock lapses
    queue.resume();
    const during = JSON.parse(ok(await running).stdout);
    expect(during.status).toBe('completed');
    expect(during.stores.failed).toEqual([]);
    await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'all', ...LAST30]);
    await expectCacheEqualsSource(env, ['get', 'metrics', '--store', 'S019', ...LAST30]);
  }, 180_000);
});
