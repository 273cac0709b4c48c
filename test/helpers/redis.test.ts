import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from './redis.js';

describe('startTestRedis', () => {
  const started: TestRedis[] = [];
  afterAll(async () => {
    for (const r of started) await r.stop();
  });

  it('starts a private redis-server when REDIS_URL is not used', async () => {
    const redis = await startTestRedis({ url: null, docker: false });
    started.push(redis);
    expect(redis.origin).toBe('redis-server');
    const client = new Redis(redis.url);
    await client.set('k', 'v');
    expect(await client.get('k')).toBe('v');
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    client.disconnect();
  });

  it('passes extra server arguments through', async () => {
    const redis = await startTestRedis({ url: null, docker: false, args: ['--maxmemory', '32mb'] });
    started.push(redis);
    const client = new Redis(redis.url);
    expect(await client.config('GET', 'maxmemory')).toEqual(['maxmemory', String(32 * 1024 * 1024)]);
    client.disconnect();
  });

  it('uses a given URL as it is', async () => {
    const own = await startTestRedis({ url: null, docker: false });
    started.push(own);
    const viaUrl = await startTestRedis({ url: own.url });
    expect(viaUrl).toMatchObject({ url: own.url, origin: 'REDIS_URL' });
  });

  it('fails loudly when a given URL does not answer', async () => {
    await expect(startTestRedis({ url: 'redis://127.0.0.1:1' })).rejects.toThrow(/REDIS_URL=redis:\/\/127.0.0.1:1 does not answer/);
  });

  it('names all three options when none works', async () => {
    await expect(startTestRedis({ url: null, redisServer: '/nonexistent/redis-server', docker: false })).rejects.toThrow(
      /set REDIS_URL, install redis-server .* Docker engine for testcontainers/,
    );
  });

  it('stops the server it started', async () => {
    const redis = await startTestRedis({ url: null, docker: false });
    await redis.stop();
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    await expect(client.connect()).rejects.toThrow();
    client.disconnect();
  });
});
