/**
 * The cache Redis stopped, then hung, while the source is up: `prewarm serve` and `prewarm get`
 * keep answering correctly — computed from the source (`x-cache: bypass`), byte-identical to
 * `--no-cache` — and the server goes back to the cache by itself once the cache answers again.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Topology, startTopology } from '../../scripts/topology.js';
import { runCli } from '../helpers/cli.js';
import { ok } from '../helpers/reads.js';
import { type RedisProcess, startRedisProcess } from '../helpers/redis-process.js';
import { type TestRedis, freePort, startTestRedis } from '../helpers/redis.js';

const END = '2026-11-20';
const FROM = '2026-10-22';
let queue: TestRedis;
let cache: RedisProcess;
let env: Record<string, string>;
let topology: Topology;

const READS = [
  { path: `/v1/diagnosis?stores=all&from=${FROM}&to=${END}`, cli: ['get', 'diagnosis', '--stores', 'all', '--from', FROM, '--to', END] },
  { path: `/v1/diagnosis?stores=S002,S007&from=${FROM}&to=${END}`, cli: ['get', 'diagnosis', '--stores', 'S002,S007', '--from', FROM, '--to', END] },
  { path: `/v1/metrics?store=S004&from=${FROM}&to=${END}`, cli: ['get', 'metrics', '--store', 'S004', '--from', FROM, '--to', END] },
];
const expected = new Map<string, string>();

beforeAll(async () => {
  queue = await startTestRedis({ url: null });
  cache = await startRedisProcess(['--appendonly', 'no', '--maxmemory', '128mb', '--maxmemory-policy', 'allkeys-lru']);
  const dbPath = join(mkdtempSync(join(tmpdir(), 'prewarm-fault-cache-')), 'orders.db');
  env = { PREWARM_SOURCE_URL: `sqlite:${dbPath}`, PREWARM_QUEUE_REDIS_URL: queue.url, PREWARM_CACHE_REDIS_URL: cache.url, PREWARM_CACHE_PREFIX: 'fc', PREWARM_LOG_LEVEL: 'warn' };
  ok(await runCli(['seed', '--stores', '12', '--days', '70', '--orders', '8000', '--seed', '3', '--end', END], env));
  ok(await runCli(['run', '--json', '--end', END], env));
  for (const read of READS) expected.set(read.path, ok(await runCli([...read.cli, '--json', '--no-cache'], env)).stdout.trim());
  // No L4: every read of the server goes to the cache Redis (an L4 hit would hide the outage).
  topology = await startTopology({ env: { ...env, PREWARM_L4_MAX_MB: '0' }, workers: 0, schedulers: 0, port: await freePort() });
}, 120_000);

afterAll(async () => {
  await topology?.stop();
  await cache?.stop();
  await queue?.stop();
});

async function readAll(): Promise<string[]> {
  const caches: string[] = [];
  for (const read of READS) {
    const res = await fetch(`${topology.url}${read.path}`, { headers: { 'accept-encoding': 'identity' } });
    expect(res.status, read.path).toBe(200);
    expect(await res.text(), read.path).toBe(expected.get(read.path));
    caches.push(res.headers.get('x-cache')!);
  }
  return caches;
}

describe('cache Redis outage with the source up', () => {
  it('serves reads from the cache while it answers', async () => {
    await readAll();
    expect(await readAll()).toEqual(['hit', 'hit', 'hit']);
  });

  it('stopped: every read answers, computed from the source (x-cache: bypass), then the cache comes back by itself', async () => {
    await cache.shutdown();
    for (let i = 0; i < 3; i++) expect(await readAll()).toEqual(['bypass', 'bypass', 'bypass']);
    const cli = await runCli([...READS[0]!.cli, '--json'], env);
    expect(cli.code).toBe(0);
    expect(cli.stdout.trim()).toBe(expected.get(READS[0]!.path));
    expect(cli.stderr).toMatch(/answered from the source without the cache/);

    await cache.start(); // empty: nothing was kept on disk
    let seen: string[] = [];
    for (let i = 0; i < 150 && !(seen = await readAll()).every((c) => c === 'hit'); i++) await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual(['hit', 'hit', 'hit']); // refilled by misses, then hits
  }, 90_000);

  it('hung (SIGSTOP): reads answer from the source, and from the cache again once it resumes', async () => {
    cache.pause();
    try {
      expect(await readAll()).toEqual(['bypass', 'bypass', 'bypass']);
    } finally {
      cache.resume();
    }
    let seen: string[] = [];
    for (let i = 0; i < 150 && !(seen = await readAll()).every((c) => c === 'hit'); i++) await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual(['hit', 'hit', 'hit']);
  }, 90_000);
});
