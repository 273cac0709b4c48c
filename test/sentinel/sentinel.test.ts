/**
 * Both Redis roles behind Sentinel (a master, a replica, three sentinels; redis-server
 * processes): runs and reads through the master the sentinels name; a run completes while the
 * master is SIGKILLed in its middle, and later runs and reads go through the promoted replica.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheEnv, runCli } from '../helpers/cli.js';
import { withNode } from '../helpers/redis.js';
import { expectCacheEqualsSource, ok, seededSource } from '../helpers/reads.js';
import { type TestSentinel, startTestSentinel } from '../helpers/redis-sentinel.js';

const END = '2026-11-20';
const LAST30 = ['--from', '2026-10-22', '--to', END];

let sentinel: TestSentinel;
let env: Record<string, string>;

beforeAll(async () => {
  sentinel = await startTestSentinel();
  env = cacheEnv(sentinel.url);
  env.PREWARM_SOURCE_URL = await seededSource({ stores: 12, orders: 6000, seed: 5, end: END }, env);
}, 120_000);
afterAll(() => sentinel?.stop());



describe('behind Sentinel (both roles)', () => {
  it('runs and reads through the master the sentinels name', async () => {
    const summary = JSON.parse(ok(await runCli(['run', '--json', '--end', END], env)).stdout);
    expect(summary.status).toBe('completed');
    expect(summary.entries).toEqual({ l1: 12 * 3, l2: (12 + 12 - summary.stores.hot.length) * 67, l3: 3 + 12 * 2 });
    await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'all', ...LAST30]);
    const again = ok(await runCli(['get', 'diagnosis', '--stores', 'all', ...LAST30], env));
    expect(again.stderr).toContain('cache: hit');
  }, 120_000);

  it('the master killed in the middle of a run: the workers follow the promotion, the run completes, the next run and reads use the new master', async () => {
    const master = await sentinel.masterPort();
    const runs = `${env.PREWARM_CACHE_PREFIX}:{state}:runs`;
    const before = await withNode(master, (r) => r.llen(runs));
    const running = runCli(['run', '--json', '--end', END], env);
    // Kill the master as soon as the orchestrator has created the run's record: mid-run.
    while ((await withNode(master, (r) => r.llen(runs))) === before) await new Promise((r) => setTimeout(r, 20));
    sentinel.kill(master);
    const during = JSON.parse(ok(await running).stdout);
    expect(during.status).toBe('completed');
    expect(during.stores.failed).toEqual([]);
    expect(await sentinel.masterPort()).not.toBe(master);
    const summary = JSON.parse(ok(await runCli(['run', '--json', '--end', END], env)).stdout);
    expect(summary.status).toBe('completed');
    expect(summary.stores.failed).toEqual([]);
    await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'all', ...LAST30]);
    await expectCacheEqualsSource(env, ['get', 'metrics', '--store', 'S005', ...LAST30]);
  }, 180_000);
});
