import { gunzipSync } from 'node:zlib';
import { AccessLog, type AccessEvent, type AccessLogOptions, DEFAULT_ACCESS_LOG, type Tier } from './access-log.js';
import { decodeEnvelope, encodeEnvelope, type EnvelopeHeader } from './envelope.js';
import { CorruptEntryError } from './errors.js';
import { Generations } from './generations.js';
import { type Invalidation, InvalidationBus } from './invalidation-bus.js';
import { Keyspace, LEVELS, type Level, type RedisConnection, unlinkMatching } from '@prewarm/redis';
import { DEFAULT_LEASE, type LeaseOptions, Leases, sleep } from './lease.js';
import { type Logger, silentLogger } from '@prewarm/telemetry';
import { MemoryTier, type MemoryTierOptions } from './memory-tier.js';
import { type EntryCodec, bodyEncoding } from './entry-codec.js';
import type { Body } from './memory-tier.js';
import { DEFAULT_TTLS, type TtlPolicy, jitteredTtl } from './ttl.js';

/** A computed value and the source watermark (greatest `updated_at`, epoch ms) it reflects. */
export interface Computed<T> {
  value: T;
  watermark: number;
}

export type { Tier };

/** The value of a JSON body (gzip or plain). */
function decodeBody(body: Body): unknown {
  return JSON.parse((body.encoding === 'gzip' ? gunzipSync(body.bytes) : body.bytes).toString('utf8'));
}

export interface BodyResult {
  body: Body;
  hit: boolean;
  tier: Tier;
}

export interface ReadResult<T> {
  value: T;
  /** True when no computation was needed (L4, Redis, or a stale value within grace). */
  hit: boolean;
  tier: Tier;
}

/** How one read is described in the access log. */
export interface AccessScope {
  stores: string;
  from: string;
  to: string;
}

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
 * The engine under the level-specific API: read-through with L4 in front of Redis, in-process
 * single flight, a cross-process lease, stale-while-revalidate, corrupt-entry handling, access
 * logging and invalidation. It knows entries as keys, codecs and TTL policies — not what they mean.
 */
export class CacheCore {
  readonly keys: Keyspace;
  readonly memory: MemoryTier;
  readonly generations: Generations;
  readonly accessLog: AccessLog;
  readonly leases: Leases;
  readonly ttl: Record<Level, TtlPolicy>;
  readonly logger: Logger;
  readonly cache: RedisConnection;
  readonly state: RedisConnection;
  private readonly bus: InvalidationBus;
  private readonly onRead: ((event: AccessEvent) => void) | undefined;
  private readonly inflight = new Map<string, Promise<ReadResult<unknown>>>();
  private readonly revalidating = new Set<string>();
  private reportTimer: NodeJS.Timeout | undefined;
  /** Entries found corrupt (deleted, treated as misses), by level. */
  readonly corrupt: Record<Level, number> = { l1: 0, l2: 0, l3: 0 };

  constructor(options: CacheCoreOptions) {
    this.cache = options.cache;
    this.state = options.state;
    this.onRead = options.onRead;
    this.keys = options.keyspace ?? new Keyspace();
    this.logger = (options.logger ?? silentLogger).child({ component: 'cache' });
    this.ttl = { ...DEFAULT_TTLS, ...options.ttl };
    this.memory = new MemoryTier(options.memory ?? DEFAULT_MEMORY);
    this.generations = new Generations(this.state, this.keys, options.generationsMaxAgeMs ?? 1000);
    this.accessLog = new AccessLog(this.state, this.keys, this.logger, { ...DEFAULT_ACCESS_LOG, ...options.accessLog });
    this.leases = new Leases(this.cache, { ...DEFAULT_LEASE, ...options.lease });
    this.bus = new InvalidationBus(
      this.state,
      this.keys.invalidationChannel,
      {
        onMessage: (m) => this.applyInvalidation(m),
        onResync: () => {
          this.memory.clear();
          void this.generations.reload().catch((err) => this.logger.warn({ err }, 'reloading generations failed'));
        },
      },
      this.logger,
    );
  }

  /** Subscribes to invalidations and loads generations; call once before reading. */
  async start(): Promise<void> {
    await this.bus.start();
    await this.generations.reload();
    this.reportTimer = setInterval(() => void this.reportMemoryTier().catch(() => {}), 5000);
    this.reportTimer.unref();
  }

  /** Publishes this process's L4 size on the state Redis (expires if the process dies). */
  async reportMemoryTier(): Promise<void> {
    const key = this.keys.memoryTierReport(this.bus.origin);
    if (!this.memory.enabled || this.memory.entries === 0) return;
    await this.state
      .pipeline()
      .hset(key, 'entries', this.memory.entries, 'bytes', this.memory.bytes, 'hits', this.memory.hits)
      .pexpire(key, 15_000)
      .exec();
  }

  async close(): Promise<void> {
    if (this.reportTimer) clearInterval(this.reportTimer);
    await this.accessLog.close();
    await this.bus.close();
  }

  private applyInvalidation(m: Invalidation): void {
    if (m.flush) this.memory.clear();
    if (m.keys) this.memory.delete(m.keys);
    if (m.generations) this.generations.apply(m.generations);
  }

  /**
   * Reads one entry through every tier, computing it at most once across processes on a miss.
   * `fill` writes with NX: a concurrent warm-up write (newer data) is never overwritten by a
   * read-path fill that started earlier.
   */
  async read<T>(level: Level, key: string, codec: EntryCodec<T>, scope: AccessScope, compute: () => Promise<Computed<T>>): Promise<ReadResult<T>> {
    const started = performance.now();
    const fromMemory = this.memory.get(key);
    if (fromMemory && !this.isStale(level, fromMemory.createdAt)) {
      if (fromMemory.value === undefined && fromMemory.body) fromMemory.value = decodeBody(fromMemory.body);
      this.log(level, scope, true, 'l4', started);
      return { value: fromMemory.value as T, hit: true, tier: 'l4' };
    }
    let flight = this.inflight.get(key) as Promise<ReadResult<T>> | undefined;
    if (!flight) {
      flight = this.readFromRedis(level, key, codec, compute).finally(() => this.inflight.delete(key));
      this.inflight.set(key, flight as Promise<ReadResult<unknown>>);
    }
    const result = await flight;
    this.log(level, scope, result.hit, result.tier, started);
    return result;
  }

  private async readFromRedis<T>(level: Level, key: string, codec: EntryCodec<T>, compute: () => Promise<Computed<T>>): Promise<ReadResult<T>> {
    const found = await this.getEntry(level, key, codec);
    if (found) {
      if (!this.isStale(level, found.header.createdAt)) return { value: found.value, hit: true, tier: 'redis' };
      // Stale but within grace: serve it, recompute in the background.
      this.revalidate(level, key, codec, compute);
      return { value: found.value, hit: true, tier: 'stale' };
    }
    return this.computeOnce(level, key, codec, compute);
  }

  /**
   * Like `read`, but answers with the stored payload as an HTTP body when the level's codec
   * keeps JSON (gzip or plain): a hit costs a GET and a checksum, no decompression and no
   * JSON parse. Falls back to encoding the decoded value for any other codec.
   */
  async readBody<T>(level: Level, key: string, codec: EntryCodec<T>, scope: AccessScope, compute: () => Promise<Computed<T>>): Promise<BodyResult> {
    const started = performance.now();
    const fromMemory = this.memory.get(key);
    if (fromMemory?.body && !this.isStale(level, fromMemory.createdAt)) {
      this.log(level, scope, true, 'l4', started);
      return { body: fromMemory.body, hit: true, tier: 'l4' };
    }
    if (!fromMemory) {
      const raw = await this.cache.getBuffer(key);
      if (raw) {
        const found = this.bodyOf(level, raw);
        if (found) {
          // Kept as a body: the next HTTP hit is served from memory, a decoded read decodes once.
          const { header, body } = found;
          this.memory.set(key, { value: undefined, body, storedBytes: raw.length, sizeBytes: header.rawLength * 2 + body.bytes.length + 64, createdAt: header.createdAt, watermark: header.watermark });
          this.log(level, scope, true, 'redis', started);
          return { body, hit: true, tier: 'redis' };
        }
      }
    }
    const result = await this.read(level, key, codec, scope, compute);
    const held = this.memory.get(key)?.body;
    return { body: held ?? { bytes: Buffer.from(JSON.stringify(result.value)), encoding: 'identity' }, hit: result.hit, tier: result.tier };
  }

  /** The payload of an entry as a body, checksum verified; null when it needs decoding or is stale/corrupt (then `read` decides). */
  private bodyOf(level: Level, raw: Buffer): { header: EnvelopeHeader; body: Body } | null {
    try {
      const { header, payload } = decodeEnvelope(raw);
      const encoding = bodyEncoding(header);
      if (!encoding || this.isStale(level, header.createdAt)) return null;
      return { header, body: { bytes: payload, encoding } };
    } catch {
      return null; // `read` meets it again, and drops and counts it
    }
  }

  /**
   * Reads and decodes one entry; a corrupt entry is deleted, counted, logged and reported as
   * absent. `remember: false` leaves L4 alone (maintenance reads of entries about to change).
   */
  async getEntry<T>(level: Level, key: string, codec: EntryCodec<T>, options: { remember?: boolean } = {}): Promise<{ value: T; header: EnvelopeHeader } | null> {
    const raw = await this.cache.getBuffer(key);
    return raw ? this.decodeOrDrop(level, key, raw, codec, options.remember ?? true) : null;
  }

  decodeOrDrop<T>(level: Level, key: string, raw: Buffer, codec: EntryCodec<T>, remember = true): { value: T; header: EnvelopeHeader } | null {
    try {
      const { header, payload } = decodeEnvelope(raw);
      const value = codec.decode(header, payload);
      if (remember) {
        const encoding = bodyEncoding(header);
        const body = encoding ? { bytes: Buffer.from(payload), encoding } : undefined;
        this.memory.set(key, { value, body, storedBytes: raw.length, sizeBytes: header.rawLength * 2 + payload.length + 64, createdAt: header.createdAt, watermark: header.watermark });
      }
      return { value, header };
    } catch (err) {
      this.corrupt[level]++;
      const reason = err instanceof CorruptEntryError ? err.reason : 'undecodable';
      this.logger.warn({ key, level, reason, err: err instanceof CorruptEntryError ? undefined : err }, 'corrupt cache entry dropped');
      void this.cache.del(key).catch(() => {});
      void this.state.hincrby(this.keys.stats, `${level}:corrupt`, 1).catch(() => {});
      return null;
    }
  }

  private isStale(level: Level, createdAt: number): boolean {
    const policy = this.ttl[level];
    return policy.graceMs > 0 && Date.now() - createdAt > policy.ttlMs;
  }

  /** Computes under the cross-process lease, or waits for the process that holds it. */
  private async computeOnce<T>(level: Level, key: string, codec: EntryCodec<T>, compute: () => Promise<Computed<T>>): Promise<ReadResult<T>> {
    const leaseKey = this.keys.lease(key);
    const deadline = Date.now() + this.leases.options.waitMs;
    let pause = this.leases.options.pollMs;
    for (;;) {
      const token = await this.leases.acquire(leaseKey);
      if (token) {
        try {
          const computed = await compute();
          await this.write(level, key, codec, computed, 'fill');
          return { value: computed.value, hit: false, tier: 'compute' };
        } finally {
          await this.leases.release(leaseKey, token).catch(() => {});
        }
      }
      // Another process computes: wait for its value, or for its lease to go away.
      while (Date.now() < deadline) {
        await sleep(pause);
        pause = Math.min(pause * 2, this.leases.options.pollMs * 8);
        const [[, raw], [, held]] = (await this.cache.pipeline().getBuffer(key).exists(leaseKey).exec()) as [[Error | null, Buffer | null], [Error | null, number]];
        if (raw) {
          const found = this.decodeOrDrop(level, key, raw, codec);
          if (found) return { value: found.value, hit: false, tier: 'compute' };
        }
        if (!held) break; // the owner gave up or died: try to take the lease
      }
      if (Date.now() >= deadline) {
        this.logger.warn({ key }, 'lease wait timed out; computing without the lease');
        const computed = await compute();
        await this.write(level, key, codec, computed, 'fill');
        return { value: computed.value, hit: false, tier: 'compute' };
      }
    }
  }

  private revalidate<T>(level: Level, key: string, codec: EntryCodec<T>, compute: () => Promise<Computed<T>>): void {
    if (this.revalidating.has(key)) return;
    this.revalidating.add(key);
    void (async () => {
      const leaseKey = this.keys.lease(key);
      const token = await this.leases.acquire(leaseKey);
      if (!token) return; // someone else refreshes it
      try {
        await this.write(level, key, codec, await compute(), 'replace');
      } finally {
        await this.leases.release(leaseKey, token);
      }
    })()
      .catch((err) => this.logger.warn({ err, key }, 'background revalidation failed'))
      .finally(() => this.revalidating.delete(key));
  }

  /**
   * Writes an entry. `fill` (read path) only creates; `replace` (warm-up, revalidation)
   * overwrites and tells every process to drop its in-memory copy.
   */
  async write<T>(level: Level, key: string, codec: EntryCodec<T>, computed: Computed<T>, mode: 'fill' | 'replace'): Promise<{ rawBytes: number; storedBytes: number }> {
    const { payload, rawLength } = await codec.encode(computed.value);
    const entry = encodeEnvelope(
      { layoutId: codec.layoutId, codecId: codec.codecId, createdAt: Date.now(), watermark: computed.watermark, rawLength },
      payload,
    );
    const policy = this.ttl[level];
    const px = jitteredTtl(policy) + policy.graceMs;
    if (mode === 'fill') await this.cache.set(key, entry, 'PX', px, 'NX');
    else await this.cache.set(key, entry, 'PX', px);
    const encoding = bodyEncoding({ layoutId: codec.layoutId, codecId: codec.codecId, createdAt: 0, watermark: 0, rawLength });
    const body = encoding ? { bytes: Buffer.from(payload), encoding } : undefined;
    this.memory.set(key, { value: computed.value, body, storedBytes: entry.length, sizeBytes: rawLength * 2 + payload.length + 64, createdAt: Date.now(), watermark: computed.watermark });
    this.countWrites(level, 1, rawLength, entry.length);
    if (mode === 'replace') await this.bus.publish({ keys: [key] });
    return { rawBytes: rawLength, storedBytes: entry.length };
  }

  /**
   * Writes many entries of one level in one pipeline (warm-up batches, multi-store fills),
   * with one statistics update; `replace` publishes one invalidation for all of them. Returns
   * what it wrote: entries and bytes (a `fill` counts entries sent, as the statistics do).
   */
  async writeMany<T>(level: Level, codec: EntryCodec<T>, items: readonly { key: string; value: T; watermark: number }[], mode: 'fill' | 'replace'): Promise<{ entries: number; rawBytes: number; storedBytes: number }> {
    if (items.length === 0) return { entries: 0, rawBytes: 0, storedBytes: 0 };
    const policy = this.ttl[level];
    const now = Date.now();
    const pipeline = this.cache.pipeline();
    let rawBytes = 0;
    let storedBytes = 0;
    for (const item of items) {
      const { payload, rawLength } = await codec.encode(item.value);
      const entry = encodeEnvelope({ layoutId: codec.layoutId, codecId: codec.codecId, createdAt: now, watermark: item.watermark, rawLength }, payload);
      const px = jitteredTtl(policy) + policy.graceMs;
      if (mode === 'fill') pipeline.set(item.key, entry, 'PX', px, 'NX');
      else pipeline.set(item.key, entry, 'PX', px);
      rawBytes += rawLength;
      storedBytes += entry.length;
      this.memory.set(item.key, { value: item.value, storedBytes: entry.length, sizeBytes: rawLength * 2 + 64, createdAt: now, watermark: item.watermark });
    }
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([err]) => err);
    if (failed) throw failed[0];
    this.countWrites(level, items.length, rawBytes, storedBytes);
    if (mode === 'replace') await this.bus.publish({ keys: items.map((i) => i.key) });
    return { entries: items.length, rawBytes, storedBytes };
  }

  private countWrites(level: Level, writes: number, rawBytes: number, storedBytes: number): void {
    void this.state
      .pipeline()
      .hincrby(this.keys.stats, `${level}:writes`, writes)
      .hincrby(this.keys.stats, `${level}:raw_bytes`, rawBytes)
      .hincrby(this.keys.stats, `${level}:stored_bytes`, storedBytes)
      .exec()
      .catch((err) => this.logger.debug({ err }, 'write statistics not recorded'));
  }

  /** Bumps the generations of stores whose data was rewritten: every L3 entry including one becomes unreachable. */
  async markStoresChanged(storeIds: readonly string[]): Promise<void> {
    if (storeIds.length === 0) return;
    const generations = await this.generations.bump(storeIds);
    await this.bus.publish({ generations });
  }

  /**
   * Forgets what the cache holds for stores whose source data was replaced outside a warm-up
   * run (`seed`, `import`): deletes their L1/L2 entries (SCAN + UNLINK, never KEYS), bumps their
   * generations (their L3 entries become unreachable) and empties every process's L4 of them.
   * `all` deletes every entry of this keyspace. Returns the number of entries deleted.
   */
  async forgetStores(storeIds: readonly string[] | 'all'): Promise<number> {
    const patterns =
      storeIds === 'all' ? LEVELS.map((l) => this.keys.pattern(l)) : storeIds.flatMap((id) => this.keys.storePatterns(id));
    let deleted = 0;
    for (const pattern of patterns) deleted += await unlinkMatching(this.cache, pattern, (k) => this.keys.levelOf(k) !== null);
    const generations = await this.generations.bump(storeIds === 'all' ? [] : storeIds);
    this.memory.clear();
    await this.bus.publish({ generations, flush: true });
    return deleted;
  }

  /** Publishes that entries were rewritten elsewhere (drops them from every L4). */
  async invalidateKeys(keys: string[]): Promise<void> {
    this.memory.delete(keys);
    await this.bus.publish({ keys });
  }

  log(level: Level, scope: AccessScope, hit: boolean, tier: Tier, started: number): void {
    const event = { level, ...scope, hit, tier, latencyUs: (performance.now() - started) * 1000, at: Date.now() };
    this.accessLog.record(event);
    this.onRead?.(event);
  }
}
