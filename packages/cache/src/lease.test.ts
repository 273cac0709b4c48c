import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRedis, startTestRedis } from '../../../test/helpers/redis.js';
import { type LeasedWork, Leases } from './lease.js';

let server: TestRedis;
let redis: Redis;
beforeAll(async () => {
  server = await startTestRedis();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

const unique = (name: string) => `${name}:${randomBytes(4).toString('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Work on one string key: `compute` writes `value` there, a poll reads it. */
function work(key: string, value: string, calls: { computed: number }): LeasedWork<string> {
  return {
    key,
    compute: async () => {
      calls.computed++;
      await redis.set(key, value);
      return value;
    },
    poll: (pipeline) => {
      pipeline.get(key);
      return ([reply]) => (reply?.[1] as string | null) ?? null;
    },
  };
}

describe('Leases', () => {
  it('releases a lease only with its own token', async () => {
    const leases = new Leases(redis);
    const token = await leases.acquire('lease:x');
    expect(token).not.toBeNull();
    expect(await leases.acquire('lease:x')).toBeNull();
    expect(await leases.release('lease:x', 'not-the-token')).toBe(false);
    expect(await redis.exists('lease:x')).toBe(1);
    expect(await leases.release('lease:x', token!)).toBe(true);
    expect(await redis.exists('lease:x')).toBe(0);
  });

  it('once: the holder computes, a waiter takes its result', async () => {
    const leases = new Leases(redis, { leaseMs: 5000, waitMs: 5000, pollMs: 5 });
    const key = unique('entry');
    const calls = { computed: 0 };
    const holder = work(key, 'first', calls);
    const slow: LeasedWork<string> = {
      ...holder,
      compute: async () => {
        await sleep(100);
        return holder.compute();
      },
    };
    const [a, b] = await Promise.all([leases.once(`${key}:lease`, slow), leases.once(`${key}:lease`, work(key, 'second', calls))]);
    expect([a, b]).toEqual(['first', 'first']);
    expect(calls.computed).toBe(1);
    expect(await redis.exists(`${key}:lease`)).toBe(0);
  });

  it('once: a waiter takes the lease when the holder goes away without a result', async () => {
    const leases = new Leases(redis, { leaseMs: 5000, waitMs: 5000, pollMs: 5 });
    const key = unique('entry');
    await redis.set(`${key}:lease`, 'someone', 'PX', 5000);
    setTimeout(() => void redis.del(`${key}:lease`), 50);
    const calls = { computed: 0 };
    expect(await leases.once(`${key}:lease`, work(key, 'mine', calls))).toBe('mine');
    expect(calls.computed).toBe(1);
  });

  it('once: past the wait, computes without the lease', async () => {
    const leases = new Leases(redis, { leaseMs: 5000, waitMs: 60, pollMs: 5 });
    const key = unique('entry');
    await redis.set(`${key}:lease`, 'someone', 'PX', 5000);
    const calls = { computed: 0 };
    const started = Date.now();
    expect(await leases.once(`${key}:lease`, work(key, 'anyway', calls))).toBe('anyway');
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    expect(await redis.get(`${key}:lease`)).toBe('someone'); // never someone else's lease
  });
});
