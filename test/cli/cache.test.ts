import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheEnv, runCli } from '../helpers/cli.js';
import { writeFixtureDb } from '../helpers/fixture.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis?.stop());

const DIAGNOSIS = ['get', 'diagnosis', '--stores', 'A1,B2', '--from', '2026-11-01', '--to', '2026-11-02', '--json'];
const METRICS = ['get', 'metrics', '--store', 'A1', '--from', '2026-10-31', '--to', '2026-11-02', '--json'];

async function stats(env: Record<string, string>) {
  const r = await runCli(['stats', '--json'], env);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe('get through the cache', () => {
  it('computes on the first call, hits on the second, and prints the same JSON', async () => {
    const env = { PREWARM_SOURCE_URL: `sqlite:${writeFixtureDb()}`, ...cacheEnv(redis.url) };
    const first = await runCli(DIAGNOSIS, env);
    const second = await runCli(DIAGNOSIS, env);
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const direct = await runCli([...DIAGNOSIS, '--no-cache'], env);
    expect(direct.stdout).toBe(first.stdout);
    const s = await stats(env);
    expect(s.levels.l3).toMatchObject({ hits: 1, misses: 1, keys: 1 });
    expect(s.level_2).toBe(2 * 4); // 2 stores × (2 days + 2 previous days)

    const m1 = await runCli(METRICS, env);
    const m2 = await runCli(METRICS, env);
    expect(m2.stdout).toBe(m1.stdout);
    expect((await stats(env)).levels.l2.hits).toBeGreaterThanOrEqual(2); // the L3 miss's L2 read was a miss; both metrics reads hit
  });

  it('says where a human-readable answer came from', async () => {
    const env = { PREWARM_SOURCE_URL: `sqlite:${writeFixtureDb()}`, ...cacheEnv(redis.url) };
    const args = DIAGNOSIS.filter((a) => a !== '--json');
    expect((await runCli(args, env)).stderr).toContain('cache: miss');
    expect((await runCli(args, env)).stderr).toMatch(/cache: hit \((l4|redis)\)/);
  });

  it('forgets cached entries of the stores an import changed', async () => {
    const env = { PREWARM_SOURCE_URL: `sqlite:${writeFixtureDb()}`, ...cacheEnv(redis.url) };
    const before = JSON.parse((await runCli(METRICS, env)).stdout);
    const csv = join(mkdtempSync(join(tmpdir(), 'prewarm-csv-')), 'orders.csv');
    writeFileSync(
      csv,
      'order_id,store_id,channel,status,ordered_at,items,gross_cents,discount_cents,packaging_cents,delivery_cents,commission_cents,cost_cents,updated_at\n' +
        'late-1,A1,pickup,completed,2026-11-02T09:00:00+08:00,1,5000,0,0,0,0,1000,2026-11-03T09:00:00+08:00\n',
    );
    expect((await runCli(['import', csv], env)).code).toBe(0);
    const after = JSON.parse((await runCli(METRICS, env)).stdout);
    expect(after[2].orders).toBe(before[2].orders + 1);
  });

  it('answers from the source when no Redis answers, with one warning line saying how to start one', async () => {
    const env = { PREWARM_SOURCE_URL: `sqlite:${writeFixtureDb()}`, PREWARM_QUEUE_REDIS_URL: 'redis://127.0.0.1:1' };
    const r = await runCli(DIAGNOSIS, env);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: no Redis answers at redis:\/\/127\.0\.0\.1:1 \(PREWARM_QUEUE_REDIS_URL.*redis-server --port 1.*answered from the source without the cache$/m);
    // One line about Redis (the fixture's bad rows have their own warning line).
    expect(r.stderr.trim().split('\n').filter((l) => /Redis/.test(l))).toHaveLength(1);
    const direct = await runCli([...DIAGNOSIS, '--no-cache'], env);
    expect(direct.code).toBe(0);
    expect(r.stdout).toBe(direct.stdout);
  });

  it('prints the statistics as a table', async () => {
    const env = { PREWARM_SOURCE_URL: `sqlite:${writeFixtureDb()}`, ...cacheEnv(redis.url) };
    await runCli(DIAGNOSIS, env);
    const r = await runCli(['stats'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hit rate/);
    expect(r.stdout).toMatch(/l3\s+1\s+0\s+1/);
  });
});
