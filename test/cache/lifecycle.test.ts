import { HierarchicalCache, defaultLevelCodecs } from '@prewarm/cache';
import { Keyspace } from '@prewarm/redis';
import type { Diagnosis } from '@prewarm/domain';
import { CloseError } from '@prewarm/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheHarness, eventually } from './harness.js';

const h = new CacheHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

const RANGE = { from: '2026-11-01', to: '2026-11-07' };

describe('close', () => {
  it('is idempotent: every call answers the first one', async () => {
    const cache = await HierarchicalCache.create({ cache: h.client(), state: h.client(), keyspace: new Keyspace(CacheHarness.prefix()), codecs: defaultLevelCodecs() });
    const first = cache.close();
    expect(cache.close()).toBe(first);
    await first;
  });

  it('runs every step when one fails, then reports each failure in one error', async () => {
    const keys = new Keyspace(CacheHarness.prefix());
    const state = h.client();
    const cache = await HierarchicalCache.create({ cache: h.client(), state, keyspace: keys, codecs: defaultLevelCodecs() });
    const observer = h.client();
    const subscribers = async () => ((await observer.pubsub('NUMSUB', keys.invalidationChannel)) as [string, number])[1];
    expect(await subscribers()).toBe(1);
    // A read waits in the access log; then the state Redis goes away, so its last batch cannot be written.
    await cache.diagnosis(['A'], RANGE, 'v', async () => ({ value: { n: 1 } as unknown as Diagnosis, watermark: 1 }));
    state.disconnect();
    const err = await cache.close().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloseError);
    const failures = (err as CloseError).failures;
    expect(failures.map((f) => f.step)).toEqual(['access log']);
    expect(failures[0]!.error).toMatchObject({ code: 'E_ACCESS_LOG_LOST', reads: 1 });
    expect((failures[0]!.error as Error).cause).toBeInstanceOf(Error);
    // The step after the failed one still ran: the invalidation subscriber left the channel.
    await eventually(async () => (await subscribers()) === 0);
    // Closing again answers the same outcome, and runs nothing twice.
    expect(await cache.close().catch((e: unknown) => e)).toBe(err);
    expect(cache.accessLogCounts()).toEqual({ written: 0, dropped: 1 });
  });
});
