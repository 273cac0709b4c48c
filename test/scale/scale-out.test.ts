/**
 * Scale-out on a Redis Cluster: three worker processes and two scheduler replicas. Every worker
 * runs jobs of the run, no entry is computed twice (the run writes exactly the entries one
 * worker writes), schedules are claimed once per slot, and reads equal the source.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRedisRole } from '@prewarm/redis';
import { parseConfig } from '@prewarm/config';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Topology, startPrewarm, startTopology } from '../../scripts/topology.js';
import { type CliResult, cacheEnv, runCli } from '../helpers/cli.js';
import { type TestCluster, startTestCluster } from '../helpers/redis-cluster.js';

const END = '2026-11-20';
const LAST30 = ['--from', '2026-10-22', '--to', END];
const STORES = 30;

let cluster: TestCluster;
let topology: Topology;
let env: Record<string, string>;

beforeAll(async () => {
  cluster = await startTestCluster();
  const dbPath = join(mkdtempSync(join(tmpdir(), 'prewarm-scale-')), 'orders.db');
  env = {
    PREWARM_SOURCE_URL: `sqlite:${dbPath}`,
    ...cacheEnv(cluster.url),
    PREWARM_QUEUE_PREFIX: `{q${Date.now() % 100000}}`,
    PREWARM_LOG_LEVEL: 'info',
    PREWARM_SCHEDULE_INCREMENTAL: '*/3 * * * * *',
    PREWARM_SCHEDULE_FULL: '0 0 1 1 *',
  };
  const seeded = await runCli(['seed', '--stores', String(STORES), '--days', '70', '--orders', '9000', '--seed', '6', '--end', END], env);
  expect(seeded.code).toBe(0);
  // Schedulers start in their own test, after the run: a scheduled run must not overlap it.
  topology = await startTopology({ env, workers: 3, schedulers: 0, port: null });
}, 180_000);

afterAll(async () => {
  await topology?.stop();
  await cluster?.stop();
}, 120_000);

function ok(r: CliResult): CliResult {
  expect(r.stderr.split('\n').filter((l) => l.startsWith('prewarm:'))).toEqual([]);
  expect(r.code).toBe(0);
  return r;
}

describe('three workers and two schedulers on a cluster', () => {
  it('share a run: every worker runs jobs, every entry is written once, reads equal the source', async () => {
    const run = ok(await runCli(['run', '--json', '--end', END], env));
    expect(run.stderr).not.toContain('starting one in this process'); // the three workers are alive
    const summary = JSON.parse(run.stdout);
    expect(summary.status).toBe('completed');
    // What one worker writes (see test/runs/run.test.ts): nothing twice, nothing missing.
    const warmed = summary.stores.hot.length + summary.stores.cold.length;
    // The global pass writes every store's days, the cold stores' warm-ups write theirs again;
    // the hot stores' own diagnoses are computed from the days the pass wrote.
    expect(summary.entries).toEqual({ l1: warmed * 3, l2: (warmed + STORES - summary.stores.hot.length) * 67, l3: 3 + warmed * 2 });
    const config = parseConfig(env);
    const connection = await openRedisRole(config.redis, 'queue/state');
    const warm = new Queue('warm', { connection, prefix: config.queue.prefix });
    try {
      const jobs = (await warm.getJobs(['completed'], 0, -1)).filter((j) => j.data?.runId === summary.runId);
      // Every job of every phase ran once: global, analyze, the hot batches and raw-order jobs, the cold stores.
      expect(jobs).toHaveLength(summary.phases.reduce((n: number, p: { jobs: number }) => n + p.jobs, 0));
      const workers = new Set(jobs.map((j) => j.processedBy));
      expect(workers.size).toBe(3);
    } finally {
      await warm.close();
      connection.disconnect();
    }
    for (const args of [['get', 'diagnosis', '--stores', 'all', ...LAST30], ['get', 'diagnosis', '--stores', 'S004,S017,S029', ...LAST30]]) {
      const cached = ok(await runCli([...args, '--json'], env));
      const direct = ok(await runCli([...args, '--json', '--no-cache'], env));
      expect(cached.stdout).toBe(direct.stdout);
    }
  }, 240_000);

  it('claims each schedule slot once across the replicas', async () => {
    const schedulers = [startPrewarm('scheduler-1', ['scheduler'], env), startPrewarm('scheduler-2', ['scheduler'], env)];
    await new Promise((r) => setTimeout(r, 8000));
    expect(await Promise.all(schedulers.map((s) => s.stop()))).toEqual([0, 0]);
    const claims = new Map<string, number>();
    for (const s of schedulers) {
      for (const line of s.stderr().split('\n')) {
        if (line.includes('"outcome":"claimed"')) {
          const { slot } = JSON.parse(line) as { slot: string };
          claims.set(slot, (claims.get(slot) ?? 0) + 1);
        }
      }
    }
    expect(claims.size).toBeGreaterThanOrEqual(2);
    expect([...claims.values()].every((n) => n === 1)).toBe(true);
  }, 30_000);
});
