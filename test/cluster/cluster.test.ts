/**
 * Both Redis roles on a real Redis Cluster (3 masters + 3 replicas, redis-server processes):
 * a full run, reads byte-identical to the source, hits on the second read, statistics equal to
 * a scan of every master, `seed` invalidation on every master, and the queue's master SIGKILLed
 * in the middle of a run: its replica takes over, the run completes, the next run and reads use it.
 */
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cacheEnv, runCli } from '../helpers/cli.js';
import { expectCacheEqualsSource, ok, seededSource } from '../helpers/reads.js';
import { type TestCluster, startTestCluster } from '../helpers/redis-cluster.js';

const END = '2026-11-20';
const LAST30 = ['--from', '2026-10-22', '--to', END];

let cluster: TestCluster;
let env: Record<string, string>;

beforeAll(async () => {
  cluster = await startTestCluster();
  env = { ...cacheEnv(cluster.url), PREWARM_QUEUE_PREFIX: `{q${Date.now() % 100000}}` };
  env.PREWARM_SOURCE_URL = await seededSource({ stores: 12, orders: 6000, seed: 5, end: END }, env);
}, 120_000);
afterAll(() => cluster?.stop());



/** Keys of each level on every master, counted by SCAN node by node (what `stats` must agree with). */
async function scanMasters(): Promise<{ l1: number; l2: number; l3: number }> {
  const prefix = env.PREWARM_CACHE_PREFIX!;
  const counts = { l1: 0, l2: 0, l3: 0 };
  for (const port of await cluster.masters()) {
    const node = new Redis({ port, host: '127.0.0.1' });
    try {
      for (const level of ['l1', 'l2', 'l3'] as const) {
        const pattern = level === 'l3' ? `${prefix}:l3:*` : `${prefix}:{*}:${level}:*`;
        for (let cursor = '0'; ; ) {
          const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          counts[level] += keys.filter((k) => !k.endsWith(':lease')).length;
          if ((cursor = next) === '0') break;
        }
      }
    } finally {
      node.disconnect();
    }
  }
  return counts;
}

describe('on a Redis Cluster (both roles)', () => {
  it('runs, serves reads equal to the source, counts keys on every master', async () => {
    const summary = JSON.parse(ok(await runCli(['run', '--json', '--end', END], env)).stdout);
    expect(summary.status).toBe('completed');
    expect(summary.entries).toEqual({ l1: 12 * 3, l2: (12 + 12 - summary.stores.hot.length) * 67, l3: 3 + 12 * 2 });
    const stats = JSON.parse(ok(await runCli(['stats', '--json'], env)).stdout);
    const scanned = await scanMasters();
    expect({ l1: stats.level_1, l2: stats.level_2, l3: stats.level_3 }).toEqual(scanned);
    expect(scanned).toEqual({ l1: 36, l2: 804, l3: 27 });
    // The stores' entries are spread over the masters: every master holds some.
    await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'all', ...LAST30]);
    await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'S003,S011', ...LAST30]);
    await expectCacheEqualsSource(env, ['get', 'metrics', '--store', 'S007', ...LAST30]);
    const again = ok(await runCli(['get', 'diagnosis', '--stores', 'S003,S011', ...LAST30], env));
    expect(again.stderr).toContain('cache: hit');
  }, 120_000);

  it('seed forgets the old entries on every master', async () => {
    const before = await scanMasters();
    expect(before.l2).toBeGreaterThan(0);
    ok(await runCli(['seed', '--stores', '12', '--days', '70', '--orders', '5000', '--seed', '9', '--end', END], env));
    const after = await scanMasters();
    expect({ l1: after.l1, l2: after.l2 }).toEqual({ l1: 0, l2: 0 });
    await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'all', ...LAST30]);
    await expectCacheEqualsSource(env, ['get', 'metrics', '--store', 'S002', ...LAST30]);
  }, 120_000);

  it('the master of the queue slot killed in the middle of a run: its replica takes over, the run completes, the next run and reads work', async () => {
    const masters = await cluster.masters();
    const probe = new Redis({ port: masters[0]!, host: '127.0.0.1' });
    const slot = (await probe.cluster('KEYSLOT', env.PREWARM_QUEUE_PREFIX!)) as number;
    const shards = (await probe.cluster('SLOTS')) as unknown as [number, number, [string, number]][];
    probe.disconnect();
    const victim = shards.find(([from, to]) => slot >= from && slot <= to)![2][1];
    const runs = `${env.PREWARM_CACHE_PREFIX}:{state}:runs`;
    const watcher = new Cluster([{ host: '127.0.0.1', port: masters[0]! }]);
    let over = false;
    let running: Promise<CliResult>;
    try {
      const before = await watcher.llen(runs);
      running = runCli(['run', '--json', '--end', END], env).finally(() => (over = true));
      // Kill the master as soon as the orchestrator has created the run's record: mid-run.
      while (!over && (await watcher.llen(runs)) === before) await new Promise((r) => setTimeout(r, 20));
    } finally {
      watcher.disconnect();
    }
    expect(over).toBe(false);
    cluster.kill(victim);
    const during = JSON.parse(ok(await running).stdout);
    expect(during.status).toBe('completed');
    expect(during.stores.failed).toEqual([]);
    await cluster.waitHealthy();
    expect(await cluster.masters()).not.toContain(victim);
    const summary = JSON.parse(ok(await runCli(['run', '--json', '--end', END], env)).stdout);
    expect(summary.status).toBe('completed');
    expect(summary.stores.failed).toEqual([]);
    await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'all', ...LAST30]);
    await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'S001,S004', ...LAST30]);
  }, 180_000);
});
