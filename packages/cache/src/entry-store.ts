import { type Keyspace, type Level, type RedisConnection, pipelinePerSlot } from '@prewarm/redis';
import type { Logger } from '@prewarm/telemetry';
import { type EntryCodec, bodyEncoding } from './entry-codec.js';
import { type EnvelopeHeader, decodeEnvelope, encodeEnvelope } from './envelope.js';
import { CorruptEntryError } from './errors.js';
import type { Body, MemoryTier } from './memory-tier.js';
import { type TtlPolicy, jitteredTtl } from './ttl.js';

/** A computed value and the source watermark (greatest `updated_at`, epoch ms) it reflects. */
export interface Computed<T> {
  value: T;
  watermark: number;
}

/** An entry read back from Redis, checksum verified and decoded. */
export interface StoredEntry<T> {
  value: T;
  header: EnvelopeHeader;
}

/** `fill` (read path) only creates an entry; `replace` (warm-up, revalidation) overwrites it and tells every process. */
export type WriteMode = 'fill' | 'replace';

/** Bytes written: serialized payloads and stored entries. */
export interface WrittenBytes {
  rawBytes: number;
  storedBytes: number;
}

/** What a batch wrote: entries (a `fill` counts those sent, as the statistics do) and bytes. */
export interface Written extends WrittenBytes {
  entries: number;
}

export interface EntryStoreParts {
  /** The cache Redis: entries. */
  cache: RedisConnection;
  /** The state Redis: corrupt-entry and write counters. */
  state: RedisConnection;
  keys: Keyspace;
  memory: MemoryTier;
  ttl: Record<Level, TtlPolicy>;
  logger: Logger;
  /** Tells every other process that these entries were rewritten. */
  announceRewritten(keys: string[]): Promise<void>;
}

/**
 * Entries in Redis, one key each: reads that decode or drop (a corrupt entry is deleted,
 * counted, logged and reported as absent — never served), writes with jittered TTLs, and the
 * write counters of `stats`. What it reads or writes it keeps in L4.
 */
export class EntryStore {
  /** Entries this process found corrupt (deleted, treated as misses), by level. */
  readonly corrupt: Record<Level, number> = { l1: 0, l2: 0, l3: 0 };

  constructor(private readonly parts: EntryStoreParts) {}

  /**
   * Reads and decodes one entry, or null (absent or corrupt). `remember: false` leaves L4 alone
   * (maintenance reads of entries about to change).
   */
  async get<T>(level: Level, key: string, codec: EntryCodec<T>, options: { remember?: boolean } = {}): Promise<StoredEntry<T> | null> {
    const raw = await this.parts.cache.getBuffer(key);
    return raw ? this.decodeOrDrop(level, key, raw, codec, options.remember ?? true) : null;
  }

  /** Decodes an entry read from Redis (kept in L4 with its body, unless `remember` is false); null when it was corrupt. */
  decodeOrDrop<T>(level: Level, key: string, raw: Buffer, codec: EntryCodec<T>, remember = true): StoredEntry<T> | null {
    try {
      const { header, payload } = decodeEnvelope(raw);
      const value = codec.decode(header, payload);
      if (remember) {
        const encoding = bodyEncoding(header);
        const body = encoding ? { bytes: Buffer.from(payload), encoding } : undefined;
        this.parts.memory.set(key, { value, body, storedBytes: raw.length, sizeBytes: header.rawLength * 2 + payload.length + 64, createdAt: header.createdAt, watermark: header.watermark });
      }
      return { value, header };
    } catch (err) {
      this.drop(level, key, err);
      return null;
    }
  }

  private drop(level: Level, key: string, err: unknown): void {
    const { cache, state, keys, logger } = this.parts;
    this.corrupt[level]++;
    const reason = err instanceof CorruptEntryError ? err.reason : 'undecodable';
    logger.warn({ key, level, reason, err: err instanceof CorruptEntryError ? undefined : err }, 'corrupt cache entry dropped');
    void cache.del(key).catch(() => {});
    void state.hincrby(keys.stats, `${level}:corrupt`, 1).catch(() => {});
  }

  /** Writes one entry (see `WriteMode`) and keeps it in L4, with its body when the payload is one. */
  async write<T>(level: Level, key: string, codec: EntryCodec<T>, computed: Computed<T>, mode: WriteMode): Promise<WrittenBytes> {
    const { entry, payload, rawLength, px } = await this.seal(level, codec, computed, Date.now());
    if (mode === 'fill') await this.parts.cache.set(key, entry, 'PX', px, 'NX');
    else await this.parts.cache.set(key, entry, 'PX', px);
    const encoding = bodyEncoding({ layoutId: codec.layoutId, codecId: codec.codecId, createdAt: 0, watermark: 0, rawLength });
    const body: Body | undefined = encoding ? { bytes: Buffer.from(payload), encoding } : undefined;
    this.parts.memory.set(key, { value: computed.value, body, storedBytes: entry.length, sizeBytes: rawLength * 2 + payload.length + 64, createdAt: Date.now(), watermark: computed.watermark });
    this.countWrites(level, 1, rawLength, entry.length);
    if (mode === 'replace') await this.parts.announceRewritten([key]);
    return { rawBytes: rawLength, storedBytes: entry.length };
  }

  /**
   * Writes many entries of one level in one pipeline — one per hash slot on a cluster —
   * (warm-up batches, multi-store fills), with one statistics update; `replace` announces all
   * of them in one message.
   */
  async writeMany<T>(level: Level, codec: EntryCodec<T>, items: readonly ({ key: string } & Computed<T>)[], mode: WriteMode): Promise<Written> {
    if (items.length === 0) return { entries: 0, rawBytes: 0, storedBytes: 0 };
    const now = Date.now();
    const sealed: { key: string; entry: Buffer; px: number }[] = [];
    let rawBytes = 0;
    let storedBytes = 0;
    for (const item of items) {
      const { entry, rawLength, px } = await this.seal(level, codec, item, now);
      sealed.push({ key: item.key, entry, px });
      rawBytes += rawLength;
      storedBytes += entry.length;
      this.parts.memory.set(item.key, { value: item.value, storedBytes: entry.length, sizeBytes: rawLength * 2 + 64, createdAt: now, watermark: item.watermark });
    }
    const replies = await pipelinePerSlot(this.parts.cache, sealed, (s) => s.key, (pipeline, s) => {
      if (mode === 'fill') pipeline.set(s.key, s.entry, 'PX', s.px, 'NX');
      else pipeline.set(s.key, s.entry, 'PX', s.px);
    });
    const failed = replies.find(([err]) => err);
    if (failed) throw failed[0];
    this.countWrites(level, items.length, rawBytes, storedBytes);
    if (mode === 'replace') await this.parts.announceRewritten(items.map((i) => i.key));
    return { entries: items.length, rawBytes, storedBytes };
  }

  /** Encodes a value into its envelope, with the jittered expiry (TTL + grace) of its level. */
  private async seal<T>(level: Level, codec: EntryCodec<T>, computed: Computed<T>, createdAt: number) {
    const { payload, rawLength } = await codec.encode(computed.value);
    const entry = encodeEnvelope({ layoutId: codec.layoutId, codecId: codec.codecId, createdAt, watermark: computed.watermark, rawLength }, payload);
    const policy = this.parts.ttl[level];
    return { entry, payload, rawLength, px: jitteredTtl(policy) + policy.graceMs };
  }

  private countWrites(level: Level, writes: number, rawBytes: number, storedBytes: number): void {
    const { state, keys, logger } = this.parts;
    void state
      .pipeline()
      .hincrby(keys.stats, `${level}:writes`, writes)
      .hincrby(keys.stats, `${level}:raw_bytes`, rawBytes)
      .hincrby(keys.stats, `${level}:stored_bytes`, storedBytes)
      .exec()
      .catch((err) => logger.debug({ err }, 'write statistics not recorded'));
  }
}
