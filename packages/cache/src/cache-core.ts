import { Keyspace, type Level, type RedisConnection } from '@prewarm/redis';
import { type Logger, closeAll, silentLogger } from '@prewarm/telemetry';
import { type AccessEvent, AccessLog, type AccessLogOptions, DEFAULT_ACCESS_LOG, type RecordRead } from './access-log.js';
import { BodyReader } from './body-reader.js';
import { EntryStore } from './entry-store.js';
import { Generations } from './generations.js';
import { Invalidator } from './invalidation.js';
import { DEFAULT_LEASE, type LeaseOptions, Leases } from './lease.js';
import { MemoryTier, type MemoryTierOptions } from './memory-tier.js';
import { MemoryTierReport } from './memory-tier-report.js';
import { ReadThrough } from './read-through.js';
import { type CacheStats, readStats } from './stats.js';
import { DEFAULT_TTLS, type TtlPolicy } from './ttl.js';

export interface CacheCoreOptions {
  /** Cache Redis (LRU eviction): entries only. */
  cache: RedisConnection;
  /** State Redis (noeviction): generations, access stream, statistics. May be the same connection in development. */
  state: RedisConnection;
  keyspace?: Keyspace;
  ttl?: Partial<Record<Level, TtlPolicy>>;
  memory?: MemoryTierOptions;
  lease?: Partial<LeaseOptions>;
  accessLog?: Partial<AccessLogOptions>;
  /** Longest the in-process copy of store generations is trusted without a reload. */
  generationsMaxAgeMs?: number;
  logger?: Logger;
  /** Sees every read as it is logged (metrics: latency histograms, hit/miss counters). */
  onRead?: (event: AccessEvent) => void;
}

export const DEFAULT_MEMORY: MemoryTierOptions = Object.freeze({ maxBytes: 64 * 1024 * 1024, ttlMs: 60_000 });

/**
 * The engine under the level-specific API, composed of parts with one job each: the L4 tier,
 * entries in Redis (`EntryStore`), read-through (`ReadThrough`: single flight, lease, stale
 * while revalidate), the HTTP body path (`BodyReader`), invalidation (`Invalidator`), the
 * access log and the L4 report. It knows entries as keys, codecs and TTL policies — not what
 * they mean. It wires the parts, starts them, and closes them.
 */
export class CacheCore {
  readonly cache: RedisConnection;
  readonly keys: Keyspace;
  readonly memory: MemoryTier;
  readonly generations: Generations;
  readonly leases: Leases;
  readonly entries: EntryStore;
  readonly reads: ReadThrough;
  readonly bodies: BodyReader;
  readonly invalidation: Invalidator;
  readonly accessLog: AccessLog;
  readonly recordRead: RecordRead;
  readonly state: RedisConnection;
  private readonly memoryReport: MemoryTierReport;
  private closing: Promise<void> | undefined;

  constructor(options: CacheCoreOptions) {
    const { cache, state, onRead } = options;
    const keys = options.keyspace ?? new Keyspace();
    const logger = (options.logger ?? silentLogger).child({ component: 'cache' });
    const ttl = { ...DEFAULT_TTLS, ...options.ttl };
    const memory = new MemoryTier(options.memory ?? DEFAULT_MEMORY);
    const shared = { cache, state, keys, memory, ttl, logger };
    const accessLog = new AccessLog(state, keys, logger, { ...DEFAULT_ACCESS_LOG, ...options.accessLog });
    const generations = new Generations(state, keys, options.generationsMaxAgeMs ?? 1000);
    const invalidation = new Invalidator({ ...shared, generations });
    const leases = new Leases(cache, { ...DEFAULT_LEASE, ...options.lease }, logger);
    const entries = new EntryStore({ ...shared, announceRewritten: (k) => invalidation.announceRewritten(k) });
    const recordRead: RecordRead = (level, scope, hit, tier, started) => {
      const event = { level, ...scope, hit, tier, latencyUs: (performance.now() - started) * 1000, at: Date.now() };
      accessLog.record(event);
      onRead?.(event);
    };
    const reads = new ReadThrough({ ...shared, entries, leases, recordRead });
    this.cache = cache;
    this.state = state;
    this.keys = keys;
    this.memory = memory;
    this.generations = generations;
    this.leases = leases;
    this.entries = entries;
    this.reads = reads;
    this.bodies = new BodyReader({ ...shared, reads, recordRead });
    this.invalidation = invalidation;
    this.accessLog = accessLog;
    this.recordRead = recordRead;
    this.memoryReport = new MemoryTierReport(state, keys, memory, invalidation.origin);
  }

  /** Subscribes to invalidations, loads generations and starts reporting L4; call once before reading. */
  async start(): Promise<void> {
    await this.invalidation.start();
    await this.generations.reload();
    this.memoryReport.start();
  }

  /** `prewarm stats`: memory, hit rates, keys per level, L4 of every process, bytes. */
  stats(): Promise<CacheStats> {
    return readStats({ cache: this.cache, state: this.state, keys: this.keys, accessLog: this.accessLog, memoryTier: this.memoryReport });
  }

  /**
   * Stops the L4 report, writes what the access log holds and leaves the invalidation bus —
   * every step, even when one fails, then one `CloseError` naming each failure. Idempotent:
   * every call answers the first one's promise. The Redis connections are the caller's.
   */
  close(): Promise<void> {
    this.closing ??= closeAll('cache', [
      ['L4 report', () => this.memoryReport.stop()],
      ['access log', () => this.accessLog.close()],
      ['invalidation bus', () => this.invalidation.close()],
    ]);
    return this.closing;
  }
}
