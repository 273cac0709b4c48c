/**
 * The source (PostgreSQL behind a TCP proxy the test stops) going down during a run: a short
 * outage crashes nothing (it did: a connection dropped under a checked-out pg client was an
 * unhandled 'error' event, and a pending cursor read never settled), the run completes and
 * every read is exact; a source that stays down
 * fails the run clearly — `prewarm run` exits 1 with one line naming the source — and the next
 * run, once it is back, completes.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheEnv, runCli } from '../helpers/cli.js';
import type { TestSchema } from '../helpers/postgres.js';
import { expectCacheEqualsSource, ok } from '../helpers/reads.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';
import { type TcpProxy, proxiedTestPostgres } from '../helpers/tcp-proxy.js';
import { until } from '../helpers/until.js';

const END = '2026-11-20';
const LAST30 = ['--from', '2026-10-22', '--to', END];
let redis: TestRedis;
let schema: TestSchema;
let proxy: TcpProxy;
let env: Record<string, string>;

beforeAll(async () => {
  redis = await startTestRedis();
  let url: string;
  ({ schema, proxy, url } = await proxiedTestPostgres());
  env = { PREWARM_SOURCE_URL: url, ...cacheEnv(redis.url), PREWARM_QUEUE_PREFIX: '{srcrun}', PREWARM_LOG_LEVEL: 'silent' };
  ok(await runCli(['seed', '--stores', '16', '--days', '70', '--orders', '40000', '--seed', '5', '--end', END], env));
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await redis?.stop();
  await schema?.drop();
});

describe('source outage during a run', () => {
  it('down for 2 s in the middle of a run: no process crashes, the run completes, every read is exact', async () => {
    const client = new Redis(redis.url);
    const warm = new Queue('warm', { connection: client, prefix: env.PREWARM_QUEUE_PREFIX });
    try {
      const running = runCli(['run', '--json', '--end', END], env);
      // Mid-run: once warm-up jobs are running (a fixed delay raced the CLI's own start on a loaded host).
      await until('a running warm-up job', async () => (await warm.getActiveCount()) > 0, 60_000, 20);
      await proxy.down();
      await new Promise((r) => setTimeout(r, 2000));
      await proxy.up();
      const summary = JSON.parse(ok(await running).stdout);
      expect(summary.status).toBe('completed');
      // A warm-up job's retries span 7–15 s: every store is warmed once the source is back.
      expect(summary.stores.failed).toEqual([]);
    } finally {
      await warm.close();
      client.disconnect();
    }
    await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'all', ...LAST30]);
    await expectCacheEqualsSource(env, ['get', 'metrics', '--store', 'S001', ...LAST30]);
    await expectCacheEqualsSource(env, ['get', 'metrics', '--store', 'S007', ...LAST30]);
  }, 120_000);

  it('down for the whole run: the run fails in one line naming the source; the next run completes', async () => {
    await proxy.down();
    try {
      const failed = await runCli(['run', '--json', '--end', END], env);
      expect(failed.code).toBe(1);
      const lines = failed.stderr.split('\n').filter((l) => l.startsWith('prewarm:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/source database postgres.* is unreachable/);
    } finally {
      await proxy.up();
    }
    const next = await until('a run to complete once the source is back', async () => {
      const r = await runCli(['run', '--json', '--end', END], env);
      return r.code === 0 ? JSON.parse(r.stdout) : null;
    }, 60_000);
    expect(next.status).toBe('completed');
    await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'all', ...LAST30]);
  }, 180_000);
});
