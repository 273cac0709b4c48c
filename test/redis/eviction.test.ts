/** The start-up check of what each Redis role needs, against a real server. */
import { checkRedisRole } from '@prewarm/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let client: Redis;

beforeAll(async () => {
  redis = await startTestRedis({ url: null });
  client = new Redis(redis.url);
});
afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

describe('checkRedisRole', () => {
  it('queue/state: wants noeviction and an AOF', async () => {
    await client.config('SET', 'maxmemory-policy', 'noeviction');
    await client.config('SET', 'appendonly', 'yes');
    expect(await checkRedisRole(client, 'queue/state')).toEqual([]);
    await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await client.config('SET', 'appendonly', 'no');
    expect(await checkRedisRole(client, 'queue/state')).toEqual([
      "the queue/state Redis has maxmemory-policy allkeys-lru; it needs noeviction (BullMQ and prewarm's state must never be evicted)",
      'the queue/state Redis keeps no AOF (appendonly no): a restart loses queued jobs, run records and demand history; set appendonly yes, appendfsync everysec',
    ]);
  });

  it('cache: wants a maxmemory budget and an LRU or LFU policy', async () => {
    await client.config('SET', 'maxmemory', '64mb');
    await client.config('SET', 'maxmemory-policy', 'allkeys-lfu');
    expect(await checkRedisRole(client, 'cache')).toEqual([]);
    await client.config('SET', 'maxmemory', '0');
    await client.config('SET', 'maxmemory-policy', 'noeviction');
    const warnings = await checkRedisRole(client, 'cache');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^the cache Redis has no maxmemory/);
    expect(warnings[1]).toMatch(/^the cache Redis has maxmemory-policy noeviction; allkeys-lru/);
  });
});
