/**
 * The embedded SQLite source becoming unreadable under a running server and worker (its bytes
 * overwritten in place, as a failing disk or a bad copy would leave it), then restored: cached
 * answers keep being served; a read that must be computed answers 503 `E_SOURCE_UNAVAILABLE`
 * naming the file; a run fails in one line naming the source after its retries; once the file
 * is readable again, the same processes answer the read exactly and complete the next run.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Topology, startTopology } from '../../scripts/topology.js';
import { cacheEnv, runCli } from '../helpers/cli.js';
import { expectCacheEqualsSource, ok } from '../helpers/reads.js';
import { type TestRedis, freePort, startTestRedis } from '../helpers/redis.js';
import { until } from '../helpers/until.js';

const END = '2026-11-20';
const LAST30 = ['--from', '2026-10-22', '--to', END];
let redis: TestRedis;
let dbPath: string;
let env: Record<string, string>;
let topology: Topology;

beforeAll(async () => {
  redis = await startTestRedis();
  dbPath = join(mkdtempSync(join(tmpdir(), 'prewarm-fault-sqlite-')), 'orders.db');
  env = { PREWARM_SOURCE_URL: `sqlite:${dbPath}`, ...cacheEnv(redis.url), PREWARM_QUEUE_PREFIX: '{fsq}' };
  ok(await runCli(['seed', '--stores', '8', '--days', '70', '--orders', '6000', '--seed', '6', '--end', END], env));
  ok(await runCli(['run', '--json', '--end', END], env));
  // No L4, so every read reaches the cache Redis or the source.
  topology = await startTopology({ env: { ...env, PREWARM_LOG_LEVEL: 'silent', PREWARM_L4_MAX_MB: '0' }, workers: 1, schedulers: 0, port: await freePort() });
}, 120_000);

afterAll(async () => {
  await topology?.stop();
  await redis?.stop();
});

const read = (path: string) => fetch(`${topology.url}${path}`, { headers: { 'accept-encoding': 'identity' } });

describe('the SQLite source unreadable', () => {
  it('serves what is cached, answers 503 naming the file, fails runs clearly, and recovers by itself', async () => {
    const cachedPath = `/v1/diagnosis?stores=S001,S002&from=2026-10-22&to=${END}`;
    const missPath = '/v1/metrics?store=S004&from=2026-08-20&to=2026-09-05'; // before the warm window
    const warm = await read(cachedPath);
    expect(warm.status).toBe(200);
    const warmBody = await warm.text();

    const original = readFileSync(dbPath);
    writeFileSync(dbPath, Buffer.alloc(original.length, 0x5a)); // same size, same inode: no database any more
    try {
      const hit = await read(cachedPath);
      expect(hit.status).toBe(200);
      expect(await hit.text()).toBe(warmBody);
      const miss = await read(missPath);
      expect(miss.status).toBe(503);
      const { error } = await miss.json();
      expect(error.code).toBe('E_SOURCE_UNAVAILABLE');
      expect(error.message).toContain(dbPath);

      const failed = await runCli(['run', '--json', '--end', END], env);
      expect(failed.code).toBe(1);
      const lines = failed.stderr.split('\n').filter((l) => l.startsWith('prewarm:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(dbPath);
    } finally {
      writeFileSync(dbPath, original);
    }

    const back = await until('the read to answer again', async () => {
      const res = await read(missPath);
      return res.status === 200 ? res.text() : null;
    }, 30_000, 200);
    const direct = ok(await runCli(['get', 'metrics', '--store', 'S004', '--from', '2026-08-20', '--to', '2026-09-05', '--json', '--no-cache'], env));
    expect(back).toBe(direct.stdout.trim());
    const next = JSON.parse(ok(await runCli(['run', '--json', '--end', END], env)).stdout);
    expect(next.status).toBe('completed');
    expect(next.stores.failed).toEqual([]);
    await expectCacheEqualsSource(env, ['get', 'diagnosis', '--stores', 'all', ...LAST30]);
  }, 180_000);
});
