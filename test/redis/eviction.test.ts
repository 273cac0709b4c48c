/** The start-up check of each Redis role's eviction policy, against real servers. */
import { checkEvictionPolicy } from '@prewarm/redis';
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

describe('checkEvictionPolicy', () => {
  it('accepts noeviction for the queue/state role and warns on anything that may evict', async () => {
    await client.config('SET', 'maxmemory-policy', 'noeviction');
    expect(await checkEvictionPolicy(client, 'queue/state')).toBeNull();
    await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
    expect(await checkEvictionPolicy(client, 'queue/state')).toBe(
      'the queue/state Redis has maxmemory-policy allkeys-lru; it needs noeviction (BullMQ and prewarm\'s state must never be evicted)',
    );
  });

  it('recommends an LRU or LFU policy for the cache role', async () => {
    await client.config('SET', 'maxmemory-policy', 'allkeys-lfu');
    expect(await checkEvictionPolicy(client, 'cache')).toBeNull();
    await client.config('SET', 'maxmemory-policy', 'noeviction');
    expect(await checkEvictionPolicy(client, 'cache')).toMatch(/^the cache Redis has maxmemory-policy noeviction; allkeys-lru/);
  });
});
