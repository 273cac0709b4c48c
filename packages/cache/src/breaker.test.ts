import { Redis } from 'ioredis';
import { RedisUnavailableError } from '@prewarm/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRedis, startTestRedis } from '../../../test/helpers/redis.js';
import { CacheBreaker } from './breaker.js';

let server: TestRedis;
let redis: Redis;
beforeAll(async () => {
  server = await startTestRedis();
  redis = new Redis(server.url);
  await redis.ping();
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

/** A breaker on a real connection with a clock the test moves. */
function breaker(connection: Redis = redis) {
  const clock = { now: 1_000_000 };
  return { b: new CacheBreaker([connection], { openMs: 5000 }, () => clock.now), clock };
}
const cached = async () => 'cached';
const bypass = async () => 'bypass';
const down = async (): Promise<string> => {
  throw new RedisUnavailableError('no Redis answers');
};

describe('CacheBreaker', () => {
  it('lets reads through the cache while it works', async () => {
    const { b } = breaker();
    expect(await b.run(cached, bypass)).toBe('cached');
    expect(await b.run(() => redis.ping(), bypass)).toBe('PONG');
    expect(b.state).toBe('closed');
  });

  it('opens on a Redis failure: that read and the next ones bypass at once, without calling the cache', async () => {
    const { b } = breaker();
    expect(await b.run(down, bypass)).toBe('bypass');
    expect(b.state).toBe('open');
    let called = 0;
    expect(await b.run(async () => (called++, 'cached'), bypass)).toBe('bypass');
    expect(called).toBe(0);
    expect(b.opened).toBe(1);
  });

  it('after openMs lets one trial read through; its success closes the circuit, its failure opens it again', async () => {
    const { b, clock } = breaker();
    await b.run(down, bypass);
    clock.now += 5000;
    expect(b.state).toBe('half-open');
    expect(await b.run(down, bypass)).toBe('bypass');
    expect(b.state).toBe('open');
    expect(b.opened).toBe(2);
    clock.now += 5000;
    let release!: () => void;
    const trial = b.run(() => new Promise<string>((r) => (release = () => r('cached'))), bypass);
    // While the trial is out, other reads bypass.
    expect(await b.run(cached, bypass)).toBe('bypass');
    release();
    expect(await trial).toBe('cached');
    expect(b.state).toBe('closed');
  });

  it('rethrows an error that is not a Redis failure (a bug or a bad request stays the read\'s own)', async () => {
    const { b } = breaker();
    await expect(b.run(async () => Promise.reject(new TypeError('bad input')), bypass)).rejects.toThrow('bad input');
    expect(b.state).toBe('closed');
  });

  it('bypasses at once when its connection is not ready (reconnecting), instead of queueing a command', async () => {
    const closed = new Redis(server.url, { lazyConnect: true });
    const { b } = breaker(closed);
    let called = 0;
    expect(await b.run(async () => (called++, 'cached'), bypass)).toBe('bypass');
    expect(called).toBe(0);
    expect(b.state).toBe('open');
    closed.disconnect();
  });
});
