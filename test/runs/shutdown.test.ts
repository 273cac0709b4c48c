/**
 * A worker asked to stop while a job hangs: the job waits on a PostgreSQL table lock held by the
 * test, so it can neither finish nor fail. The worker gives its jobs PREWARM_SHUTDOWN_GRACE_MS,
 * then closes anyway and exits by itself; once the lock is gone a second worker takes the job
 * over (its lock expired, as after a crash) and the run completes with exact entries.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { PrewarmQueues } from '@prewarm/queue';
import { Keyspace } from '@prewarm/redis';
import { RunRecords } from '@prewarm/runs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, cacheEnv, runCli } from '../helpers/cli.js';
import { type TestSchema, createTestSchema } from '../helpers/postgres.js';
import { expectCacheEqualsSource } from '../helpers/reads.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';
import { until } from '../helpers/until.js';

const END = '2026-11-20';
let redis: TestRedis;
let schema: TestSchema;
let env: Record<string, string>;
let client: Redis;
const workers: ChildProcess[] = [];

function startWorkerProcess(): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PREWARM_')));
  const child = spawn(process.execPath, ['apps/cli/bin/prewarm.js', 'worker'], { cwd: REPO_ROOT, env: { ...base, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  workers.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return { child, stderr: () => stderr, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}


beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
  schema = await createTestSchema();
  env = {
    PREWARM_SOURCE_URL: schema.url,
    ...cacheEnv(redis.url),
    PREWARM_QUEUE_PREFIX: '{grace}',
    PREWARM_JOB_LOCK_MS: '2000',
    PREWARM_SHUTDOWN_GRACE_MS: '1500',
    PREWARM_LOG_LEVEL: 'warn',
  };
  expect((await runCli(['seed', '--stores', '12', '--days', '70', '--orders', '20000', '--seed', '4', '--end', END], env)).code).toBe(0);
}, 120_000);

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  client?.disconnect();
  await redis?.stop();
  await schema?.drop();
});

describe('stopping a worker whose job hangs', () => {
  it('exits by itself after the grace; the job is taken over and the run completes exactly', async () => {
    const queues = new PrewarmQueues(client, env.PREWARM_QUEUE_PREFIX!);
    const runs = new RunRecords(client, new Keyspace(env.PREWARM_CACHE_PREFIX!));
    const warm = new Queue('warm', { connection: client, prefix: env.PREWARM_QUEUE_PREFIX });
    const runQueue = new Queue('runs', { connection: client, prefix: env.PREWARM_QUEUE_PREFIX });
    const locker = new pg.Client({ connectionString: schema.url });
    await locker.connect();
    try {
      // Every read of the orders table now waits for this transaction.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
      const first = startWorkerProcess();
      await queues.add('run', { runId: 'grace-1', end: END }, { jobId: 'grace-1' });
      // The run's first step lists the stores: it hangs there.
      await until('a job hanging on the source', async () => (await runQueue.getActiveCount()) + (await warm.getActiveCount()) > 0);
      await new Promise((r) => setTimeout(r, 500));

      first.child.kill('SIGTERM');
      const code = await first.exited; // a hang here fails the test by its timeout
      expect(code).toBe(1); // it did not finish its jobs: not a clean stop, and it says so
      expect(first.stderr()).toContain('running jobs did not finish within 1500 ms (PREWARM_SHUTDOWN_GRACE_MS)');
      expect((await runs.get('grace-1'))?.status).toBe('running');

      await locker.query('COMMIT');
      startWorkerProcess();
      const done = await until('the run to finish', async () => {
        const r = await runs.get('grace-1');
        return r && r.status !== 'running' ? r : null;
      }, 90_000);
      expect(done.status).toBe('completed');
      expect(done.stores.failed).toEqual([]);
      await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'all', '--from', '2026-10-22', '--to', END]);
      await expectCacheEqualsSource(env, ['get', 'metrics', '--store', 'S003', '--from', '2026-09-22', '--to', END]);
    } finally {
      await locker.end();
      await warm.close();
      await runQueue.close();
      await queues.close();
    }
  }, 150_000);
});
