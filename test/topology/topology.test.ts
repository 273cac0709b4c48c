/**
 * The docker-compose topology, from processes: a queue/state Redis (noeviction, AOF), a cache
 * Redis (maxmemory, allkeys-lru), PostgreSQL, two workers, two scheduler replicas and the
 * server, each a `node apps/cli/bin/prewarm.js …` process. A full run over HTTP, reads equal
 * to the source, every slot claimed once, and every process stopping cleanly on SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Topology, startTopology } from '../../scripts/topology.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { type TestSchema, createTestSchema } from '../helpers/postgres.js';
import { type TestRedis, freePort, startTestRedis } from '../helpers/redis.js';

const END = '2026-11-20';

let queue: TestRedis;
let cache: TestRedis;
let schema: TestSchema;
let topology: Topology;
let env: Record<string, string>;

beforeAll(async () => {
  queue = await startTestRedis({ url: null, args: ['--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'] });
  cache = await startTestRedis({ url: null, args: ['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'] });
  schema = await createTestSchema();
  env = {
    PREWARM_SOURCE_URL: schema.url,
    PREWARM_QUEUE_REDIS_URL: queue.url,
    PREWARM_CACHE_REDIS_URL: cache.url,
    PREWARM_LOG_LEVEL: 'info',
    // Incremental runs every 3 s (a 6-field cron) so the two replicas compete for slots.
    PREWARM_SCHEDULE_INCREMENTAL: '*/3 * * * * *',
    PREWARM_SCHEDULE_FULL: '0 0 1 1 *',
  };
  const seeded = await runCli(['seed', '--stores', '10', '--days', '70', '--orders', '5000', '--seed', '4', '--end', END], env);
  expect(seeded.code).toBe(0);
  topology = await startTopology({ env, workers: 2, schedulers: 2, port: await freePort() });
}, 120_000);

afterAll(async () => {
  await topology?.stop();
  await schema?.drop();
  await queue?.stop();
  await cache?.stop();
});

function ok(r: CliResult): CliResult {
  expect(r.code).toBe(0);
  return r;
}

describe('the topology from processes', () => {
  it('warms over HTTP and serves reads equal to the source', async () => {
    const started = await fetch(`${topology.url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(started.status).toBe(202);
    const { runId, workers } = (await started.json()) as { runId: string; workers: number };
    expect(workers).toBe(2);
    let run: { runId: string; status: string } | undefined;
    for (let i = 0; i < 600; i++) {
      const { runs } = (await (await fetch(`${topology.url}/v1/runs`)).json()) as { runs: { runId: string; status: string }[] };
      run = runs.find((r) => r.runId === runId);
      if (run && run.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(run?.status).toBe('completed');
    const today = new Date();
    const to = new Date(today.getTime() - today.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
    const from = new Date(Date.parse(to) - 29 * 86_400_000).toISOString().slice(0, 10);
    for (const stores of ['all', 'S002,S007']) {
      const first = await fetch(`${topology.url}/v1/diagnosis?stores=${stores}&from=${from}&to=${to}`);
      expect(first.status).toBe(200);
      const direct = ok(await runCli(['get', 'diagnosis', '--stores', stores, '--from', from, '--to', to, '--json', '--no-cache'], env));
      expect(await first.text()).toBe(direct.stdout.trimEnd());
      const second = await fetch(`${topology.url}/v1/diagnosis?stores=${stores}&from=${from}&to=${to}`);
      expect(second.headers.get('x-cache')).toBe('hit');
    }
  }, 180_000);

  it('claims every schedule slot once across the two scheduler replicas', async () => {
    await new Promise((r) => setTimeout(r, 7000)); // at least two slots
    const claims = new Map<string, string[]>();
    for (const s of topology.schedulers) {
      for (const line of s.stderr().split('\n')) {
        if (!line.includes('"outcome":"claimed"')) continue;
        const { slot } = JSON.parse(line) as { slot: string };
        claims.set(slot, [...(claims.get(slot) ?? []), s.name]);
      }
    }
    expect(claims.size).toBeGreaterThanOrEqual(2);
    for (const [slot, by] of claims) expect(by, slot).toHaveLength(1);
  }, 30_000);

  it('stops every process cleanly on SIGTERM', async () => {
    const codes = await Promise.all([...topology.workers, ...topology.schedulers, topology.server!].map((p) => p.stop()));
    expect(codes).toEqual([0, 0, 0, 0, 0]);
  }, 60_000);
});
