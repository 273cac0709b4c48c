import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrewarmQueues } from '@prewarm/queue';
import { Keyspace } from '@prewarm/redis';
import { RunRecords } from '@prewarm/runs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, cacheEnv, runCli } from '../helpers/cli.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';
import { until } from '../helpers/until.js';

const END = '2026-11-20';
let redis: TestRedis;
let env: Record<string, string>;
let client: Redis;
const workers: ChildProcess[] = [];

function startWorkerProcess(): ChildProcess {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PREWARM_')));
  const child = spawn(process.execPath, ['apps/cli/bin/prewarm.js', 'worker'], { cwd: REPO_ROOT, env: { ...base, ...env }, stdio: 'ignore' });
  workers.push(child);
  return child;
}


beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
  const dbPath = join(mkdtempSync(join(tmpdir(), 'prewarm-crash-')), 'orders.db');
  env = { PREWARM_SOURCE_URL: `sqlite:${dbPath}`, ...cacheEnv(redis.url), PREWARM_QUEUE_PREFIX: '{crash}', PREWARM_JOB_LOCK_MS: '2000', PREWARM_LOG_LEVEL: 'silent' };
  expect((await runCli(['seed', '--stores', '30', '--days', '70', '--orders', '120000', '--seed', '9', '--end', END], env)).code).toBe(0);
}, 120_000);

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  client?.disconnect();
  await redis?.stop();
});

describe('crash safety', () => {
  it('a run survives a worker killed with SIGKILL in the middle of a job, with correct entries', async () => {
    const queues = new PrewarmQueues(client, env.PREWARM_QUEUE_PREFIX!);
    const runs = new RunRecords(client, new Keyspace(env.PREWARM_CACHE_PREFIX!));
    const victim = startWorkerProcess();
    await queues.add('run', { runId: 'crash-1', end: END }, { jobId: 'crash-1' });
    // Kill it while warm-up jobs are running.
    const warm = new Queue('warm', { connection: client, prefix: env.PREWARM_QUEUE_PREFIX });
    await until('an active warm-up job', async () => (await warm.getActiveCount()) > 0, 60_000);
    victim.kill('SIGKILL');
    await new Promise((r) => victim.once('exit', r));
    const before = await runs.get('crash-1');
    expect(before?.status).toBe('running');

    startWorkerProcess();
    const done = await until('the run to finish', async () => {
      const r = await runs.get('crash-1');
      return r && r.status !== 'running' ? r : null;
    }, 90_000);
    expect(done.status).toBe('completed');
    expect(done.stores.failed).toEqual([]);
    for (const args of [
      ['get', 'diagnosis', '--stores', 'all', '--from', '2026-10-22', '--to', END],
      ['get', 'metrics', '--store', 'S002', '--from', '2026-09-22', '--to', END],
    ]) {
      const cached = await runCli([...args, '--json'], env);
      const direct = await runCli([...args, '--json', '--no-cache'], env);
      expect(cached.stdout).toBe(direct.stdout);
    }
    await warm.close();
    await queues.close();
  }, 150_000);

  it('fails a job with a bad payload at once, without retries', async () => {
    const warm = new Queue('warm', { connection: client, prefix: env.PREWARM_QUEUE_PREFIX });
    if (workers.every((w) => w.exitCode !== null)) startWorkerProcess();
    // Straight through BullMQ, past the producer's validation, as a foreign or old producer could.
    const job = await warm.add('warm-store', { runId: 'x', storeId: 'not a store id!' }, { attempts: 5 });
    const failed = await until('the job to fail', async () => ((await job.isFailed()) ? await Queue.prototype.getJob.call(warm, job.id!) : null), 30_000);
    expect(failed!.failedReason).toMatch(/invalid warm-store payload: .*storeId/);
    expect(failed!.attemptsMade).toBe(1);
    await warm.close();
  }, 60_000);
});

describe('worker process', () => {
  it('stops cleanly on SIGTERM and removes its heartbeat', async () => {
    const prefix = env.PREWARM_CACHE_PREFIX!;
    const beat = async (): Promise<string[]> => {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', new Keyspace(prefix).heartbeatPattern, 'COUNT', 1000);
        found.push(...keys);
        cursor = next;
      } while (cursor !== '0');
      return found;
    };
    // Heartbeats of workers killed by earlier tests may still be there, or expire meanwhile:
    // follow this worker's own key, the one that was not there before it started.
    const before = new Set(await beat());
    const worker = startWorkerProcess();
    let own: string | undefined;
    await until('its heartbeat', async () => (own = (await beat()).find((k) => !before.has(k))) !== undefined);
    const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await beat()).not.toContain(own);
  }, 60_000);

  it('says in one line when no Redis answers', async () => {
    const r = await runCli(['worker'], { ...env, PREWARM_QUEUE_REDIS_URL: 'redis://127.0.0.1:1' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no Redis answers at redis:\/\/127\.0\.0\.1:1 .*redis-server/);
  });
});
