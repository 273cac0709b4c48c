import { randomBytes } from 'node:crypto';
import { HotStoreAnalyzer, type HotStoreAnalyzerOptions } from '@prewarm/analyzer';
import { ACCESS_FIELD, encodeAccessEntry } from '@prewarm/cache';
import { Keyspace, type Level } from '@prewarm/redis';
import { Redis } from 'ioredis';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';

/** One Redis per test file; every analyzer gets its own key prefix unless told to share one. */
export class AnalyzerHarness {
  private redis!: TestRedis;
  private readonly clients: Redis[] = [];

  async start(): Promise<void> {
    this.redis = await startTestRedis();
  }

  client(): Redis {
    const c = new Redis(this.redis.url);
    this.clients.push(c);
    return c;
  }

  static keyspace(): Keyspace {
    return new Keyspace(`t${randomBytes(4).toString('hex')}`);
  }

  analyzer(keyspace: Keyspace, options: Partial<HotStoreAnalyzerOptions> = {}): HotStoreAnalyzer {
    return new HotStoreAnalyzer({ state: this.client(), keyspace, consumer: 'analyzer-1', clock: () => LATE, ...options });
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.disconnect();
    await this.redis?.stop();
  }
}

/** A read as `AccessLog` logs it (under the names of the eight-field format it replaced). */
export interface Read {
  l?: string;
  s: string;
  f?: string;
  t?: string;
  h?: string;
  at: number;
  /** Identical reads the entry stands for (default 1). */
  reads?: number;
}

/** Appends reads to the access stream as `AccessLog` would; returns their ids. */
export async function append(redis: Redis, keyspace: Keyspace, reads: readonly Read[]): Promise<string[]> {
  const pipeline = redis.pipeline();
  for (const r of reads) {
    // `level` may be one AccessLog never writes (a test of what the analyzer skips): encoded as given.
    const entry = { level: (r.l ?? 'l2') as Level, stores: r.s, from: r.f ?? '2026-11-01', to: r.t ?? '2026-11-30', hit: r.h !== '0', tier: 'redis' as const, reads: r.reads ?? 1, latencyUs: 150, at: r.at };
    pipeline.xadd(keyspace.accessStream, '*', ACCESS_FIELD, encodeAccessEntry(entry));
  }
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([err, id]) => {
    if (err) throw err;
    return id as string;
  });
}

/** `n` copies of a read. */
export const times = (n: number, read: Read): Read[] => Array.from({ length: n }, () => read);

/** Reads up to `count` new entries as `consumer`, the way a consumer that then dies would. */
export async function readAs(redis: Redis, keyspace: Keyspace, group: string, consumer: string, count = 100): Promise<[string, string[]][]> {
  const reply = (await redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', keyspace.accessStream, '>')) as [string, [string, string[]][]][] | null;
  return reply?.[0]?.[1] ?? [];
}

/** Makes pending entries look idle for `idleMs`, keeping their owner (XCLAIM … IDLE … JUSTID). */
export async function age(redis: Redis, keyspace: Keyspace, group: string, owner: string, ids: readonly string[], idleMs: number): Promise<void> {
  await redis.call('XCLAIM', keyspace.accessStream, group, owner, '0', ...ids, 'IDLE', String(idleMs), 'JUSTID');
}

/** Pending entries per consumer of the group. */
export async function pending(redis: Redis, keyspace: Keyspace, group: string): Promise<Record<string, number>> {
  const [, , , consumers] = (await redis.xpending(keyspace.accessStream, group)) as [number, string | null, string | null, [string, string][] | null];
  return Object.fromEntries((consumers ?? []).map(([name, n]) => [name, Number(n)]));
}

export const HOUR = 3_600_000;
/** A fixed clock for the tests: scores are compared at known times, never at the wall clock. */
export const T0 = Date.UTC(2026, 10, 1, 12);
/** The analyzers' clock: later than every read in the tests, so none is clamped to "now". */
export const LATE = T0 + 10_000 * HOUR;
