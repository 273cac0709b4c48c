/**
 * A worker process SIGKILLed in the phases of a run — while it holds a batch of store days of
 * the hot phase, a store-set job, the global-phase job, a raw-orders job and a cold-phase job — and the worker that holds
 * the orchestrating run job: each time
 * the other worker (and a replacement started after the kill) takes the jobs over once their
 * locks expire, the run completes with no store failed, and every read equals the source.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrewarmQueues } from '@prewarm/queue';
import { Keyspace } from '@prewarm/redis';
import { type RunRecord, RunRecords } from '@prewarm/runs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrewarmProcess, startPrewarm } from '../../scripts/topology.js';
import { cacheEnv, runCli } from '../helpers/cli.js';
import { expectCacheEqualsSource, ok } from '../helpers/reads.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';
import { until } from '../helpers/until.js';

const END = '2026-11-20';
const LAST30 = ['--from', '2026-10-22', '--to', END];
let redis: TestRedis;
let client: Redis;
let env: Record<string, string>;
let queues: PrewarmQueues;
let runs: RunRecords;
let warm: Queue;
let runQueue: Queue;
let workers: PrewarmProcess[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
  const dbPath = join(mkdtempSync(join(tmpdir(), 'prewarm-fault-kill-')), 'orders.db');
  env = { PREWARM_SOURCE_URL: `sqlite:${dbPath}`, ...cacheEnv(redis.url), PREWARM_QUEUE_PREFIX: '{kill}', PREWARM_JOB_LOCK_MS: '2000', PREWARM_WORKER_CONCURRENCY: '2', PREWARM_HOT_SETS: '200', PREWARM_LOG_LEVEL: 'silent' };
  ok(await runCli(['seed', '--stores', '24', '--days', '70', '--orders', '60000', '--seed', '7', '--end', END], env));
  // Demand for a few store sets, so runs have a sets phase too.
  for (const stores of ['S001,S002', 'S003,S009,S012', 'S004,S005']) ok(await runCli(['get', 'diagnosis', '--stores', stores, ...LAST30], env));
  // …and for 150 more, over older ranges whose previous period is read from the source: a sets
  // job long enough (seconds) to be caught while a worker holds it.
  const stream = new Keyspace(env.PREWARM_CACHE_PREFIX!).accessStream;
  for (let i = 0; i < 150; i++) {
    const stores = [...new Set([1 + (i % 8), 1 + ((i * 5) % 8), 1 + ((i * 3 + 5) % 8)])].sort((a, b) => a - b).map((n) => `S${String(n).padStart(3, '0')}`);
    const to = new Date(Date.UTC(2026, 9, 20) - (i % 30) * 86_400_000);
    const from = new Date(to.getTime() - 29 * 86_400_000);
    const entry = `l3 0 compute 1 1000 ${Date.now()} ${from.toISOString().slice(0, 10)} ${to.toISOString().slice(0, 10)} ${stores.join(',')}`;
    await client.xadd(stream, '*', 'e', entry);
  }
  queues = new PrewarmQueues(client, env.PREWARM_QUEUE_PREFIX!);
  runs = new RunRecords(client, new Keyspace(env.PREWARM_CACHE_PREFIX!));
  warm = new Queue('warm', { connection: client, prefix: env.PREWARM_QUEUE_PREFIX });
  runQueue = new Queue('runs', { connection: client, prefix: env.PREWARM_QUEUE_PREFIX });
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await warm?.close();
  await runQueue?.close();
  await queues?.close();
  client?.disconnect();
  await redis?.stop();
});


/** Two live workers (a killed one is replaced). */
function ensureWorkers(): void {
  workers = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
  while (workers.length < 2) workers.push(startPrewarm(`worker-${workers.length}`, ['worker'], env));
}

/** The worker process that holds an active job of `queue` matching `match`. */
async function holder(queue: Queue, match: (job: Held) => boolean): Promise<PrewarmProcess | null> {
  for (const job of await queue.getJobs(['active'])) {
    if (!job || !match(job)) continue;
    const pid = Number(String(job.processedBy ?? '').split('-')[0]);
    const found = workers.find((w) => w.child.pid === pid);
    if (found) return found;
  }
  return null;
}

type Held = { name: string; data: { phase?: string; rawOnly?: boolean } };
const targets: { name: string; queue: () => Queue; match: (job: Held) => boolean }[] = [
  // The default policy warms the hot stores' diagnoses in batches (`warm-days`), then their raw orders.
  { name: 'a hot-phase batch of store days', queue: () => warm, match: (job) => job.name === 'warm-days' },
  { name: 'a cold-phase job', queue: () => warm, match: (job) => job.name === 'warm-store' && job.data.phase === 'cold' },
  // The default policy warms the demanded sets among the hot stores, one job per set.
  { name: 'a store-set job', queue: () => warm, match: (job) => job.name === 'warm-sets' && job.data.phase === 'hot' },
  { name: 'the global-phase job', queue: () => warm, match: (job) => job.name === 'warm-sets' && job.data.phase === 'global' },
  { name: "a hot store's raw-orders job", queue: () => warm, match: (job) => job.name === 'warm-store' && job.data.rawOnly === true },
  { name: 'the orchestrating run job', queue: () => runQueue, match: (job) => job.name === 'run' },
];

describe('a worker SIGKILLed in each phase', () => {
  it.each(targets.map((t) => [t.name, t] as const))('while it holds %s: the run completes exactly', async (_name, target) => {
    ensureWorkers();
    const runId = `kill-${targets.indexOf(target)}-${Date.now()}`;
    await queues.add('run', { runId, end: END }, { jobId: runId });
    const victim = await until(
      `a worker holding ${target.name}`,
      () => holder(target.queue(), target.match),
      90_000,
      20,
    );
    victim.child.kill('SIGKILL');
    await new Promise((r) => victim.child.once('exit', r));
    ensureWorkers();
    const done = await until<RunRecord>('the run to finish', async () => {
      const r = await runs.get(runId);
      return r && r.status !== 'running' ? r : null;
    }, 90_000);
    expect(done.status).toBe('completed');
    expect(done.stores.failed).toEqual([]);
    await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'all', ...LAST30]);
    await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'S003,S009,S012', ...LAST30]);
    await expectCacheEqualsSource(env, ['get', 'metrics', '--store', 'S009', ...LAST30]);
  }, 150_000);
});
