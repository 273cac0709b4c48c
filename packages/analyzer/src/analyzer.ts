import type { Keyspace } from '@prewarm/redis';
import { type Logger, silentLogger } from '@prewarm/telemetry';
import type { Cluster, Redis } from 'ioredis';
import { type StreamEntry, parseAccessEntry } from './access-entry.js';
import { type BatchCount, type CountLimits, countAndAck } from './count-script.js';
import { InvalidAnalyzerOptionError } from './errors.js';
import { HotKeys } from './hot-keys.js';
import { DEFAULT_RATIO, DEFAULT_SET_LIMIT, type HotRanking, type RankingOptions, rankStores } from './ranking.js';

export interface HotStoreAnalyzerOptions {
  /** The state Redis, where the access stream lives. */
  state: Redis | Cluster;
  keyspace: Keyspace;
  /** This consumer's name in the group: unique per running analyzer (e.g. `host:pid`). */
  consumer: string;
  /** Consumer group (default `hot-stores`). */
  group?: string;
  /** Half-life of demand (default 24 h). Fixed for the life of the scores, see `reset`. */
  halfLifeMs?: number;
  /** Store-set members kept (highest scores win; default 1000). */
  maxSets?: number;
  /** Store ids kept, a guard against junk ids in the stream (default 100 000). */
  maxStores?: number;
  logger?: Logger;
  /** Epoch ms now (default `Date.now`); events stamped later than this count as now. */
  clock?: () => number;
}

export interface AnalyzeOptions {
  /** Entries per batch, i.e. per script run (default 1000). */
  count?: number;
  /** Pending entries idle this long belong to a dead consumer and are taken over (default 60 s). */
  claimIdleMs?: number;
  /** At most this many batches of each kind (own pending, claims, new reads) per call (default 100). */
  maxBatches?: number;
}

export interface AnalyzeResult {
  /** Entries counted by this call. */
  processed: number;
  /** Entries taken over from idle consumers with XAUTOCLAIM (and counted or skipped here). */
  claimed: number;
  /** Entries read but not counted: uncountable (trimmed, `N stores`, malformed) or already counted elsewhere. */
  skipped: number;
  /** True when a bound stopped the call while entries may remain: call again. */
  more: boolean;
}

export interface HotCounts {
  /** Reads counted since the scores were created (not decayed; an entry counts its `reads`). */
  events: number;
  l1: number;
  l2: number;
  l3: number;
  /** Entries acknowledged without being counted. */
  skipped: number;
  /** The forward-decay landmark (epoch ms); null before the first event. */
  landmark: number | null;
  halfLifeMs: number | null;
}

export const DEFAULT_GROUP = 'hot-stores';
export const DEFAULT_HALF_LIFE_MS = 24 * 60 * 60 * 1000;
const DEFAULTS = { count: 1000, claimIdleMs: 60_000, maxBatches: 100, maxSets: 1000, maxStores: 100_000 };
/** 2^32: far from overflow, and adding a fresh 2^32 to old scores loses nothing that matters. */
const MAX_EXPONENT = 32;
/** 2^−60 of a fresh event: more than 60 half-lives old. */
const PRUNE_BELOW = 2 ** -60;

/**
 * Consumes the access stream with a consumer group and keeps forward-decayed demand scores per
 * store and per L3 store set + range. Counting is at-least-once delivery made exactly-once by
 * acknowledging and counting each batch in one script (see `count-script.ts`).
 */
export class HotStoreAnalyzer {
  readonly keys: HotKeys;
  readonly group: string;
  readonly consumer: string;
  readonly halfLifeMs: number;
  private readonly state: Redis | Cluster;
  private readonly limits: CountLimits;
  private readonly logger: Logger;
  private readonly clock: () => number;

  constructor(options: HotStoreAnalyzerOptions) {
    this.state = options.state;
    this.keys = new HotKeys(options.keyspace);
    this.consumer = nonEmpty('consumer', options.consumer);
    this.group = nonEmpty('group', options.group ?? DEFAULT_GROUP);
    this.halfLifeMs = positive('halfLifeMs', options.halfLifeMs ?? DEFAULT_HALF_LIFE_MS);
    this.limits = {
      halfLifeMs: this.halfLifeMs,
      maxSets: positiveInteger('maxSets', options.maxSets ?? DEFAULTS.maxSets),
      maxStores: positiveInteger('maxStores', options.maxStores ?? DEFAULTS.maxStores),
      maxExponent: MAX_EXPONENT,
      pruneBelow: PRUNE_BELOW,
    };
    this.logger = (options.logger ?? silentLogger).child({ component: 'hot-store-analyzer', consumer: this.consumer });
    this.clock = options.clock ?? Date.now;
  }

  /** Creates the consumer group at the stream's start (and the stream) unless it exists. */
  async ensureGroup(): Promise<void> {
    try {
      await this.state.xgroup('CREATE', this.keys.stream, this.group, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err as Error).message?.startsWith('BUSYGROUP')) throw err;
    }
  }

  /**
   * Re-reads this consumer's own unacknowledged entries, takes over the idle pending entries of
   * dead consumers (XAUTOCLAIM), then reads new entries — counting each batch atomically with its
   * acknowledgement. Never blocks; stops when the stream is drained or after `maxBatches`
   * batches of each kind.
   */
  async analyze(options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
    const count = positiveInteger('count', options.count ?? DEFAULTS.count);
    const claimIdleMs = nonNegativeInteger('claimIdleMs', options.claimIdleMs ?? DEFAULTS.claimIdleMs);
    const maxBatches = positiveInteger('maxBatches', options.maxBatches ?? DEFAULTS.maxBatches);
    await this.ensureGroup();
    const result: AnalyzeResult = { processed: 0, claimed: 0, skipped: 0, more: false };
    const add = (batch: BatchCount): void => {
      result.processed += batch.counted;
      result.skipped += batch.skipped + batch.duplicates;
    };

    // 1. Entries delivered to this consumer earlier and never acknowledged: a restart under the
    //    same name, or a batch whose script failed.
    let after = '0-0';
    let batches = 0;
    for (; batches < maxBatches; batches++) {
      const entries = await this.read(count, after);
      if (entries.length === 0) break;
      add(await this.countBatch(entries));
      after = entries[entries.length - 1]![0];
    }
    if (batches === maxBatches) result.more = true;

    // 2. Entries of consumers that went quiet (dead, or stuck longer than claimIdleMs).
    let cursor = '0-0';
    batches = 0;
    do {
      const [next, entries] = (await this.state.xautoclaim(this.keys.stream, this.group, this.consumer, claimIdleMs, cursor, 'COUNT', count)) as [string, StreamEntry[], string[]?];
      cursor = next;
      result.claimed += entries.length;
      add(await this.countBatch(entries));
    } while (cursor !== '0-0' && ++batches < maxBatches);
    if (cursor !== '0-0') result.more = true;

    // 3. New entries, never delivered to anyone.
    for (batches = 0; batches < maxBatches; batches++) {
      const entries = await this.read(count, '>');
      if (entries.length === 0) break;
      add(await this.countBatch(entries));
    }
    if (batches === maxBatches) result.more = true;

    if (result.processed + result.skipped > 0) this.logger.info({ ...result }, 'access stream analyzed');
    return result;
  }

  /** XREADGROUP without BLOCK: `>` for new entries, an id for this consumer's pending ones after it. */
  private async read(count: number, id: string): Promise<StreamEntry[]> {
    const reply = (await this.state.xreadgroup('GROUP', this.group, this.consumer, 'COUNT', count, 'STREAMS', this.keys.stream, id)) as [string, StreamEntry[]][] | null;
    return reply?.[0]?.[1] ?? [];
  }

  /**
   * Counts and acknowledges entries this group delivered (XREADGROUP / XAUTOCLAIM replies), in one
   * script. Safe to repeat: an entry is counted only by the run whose XACK removed it from the
   * pending list.
   */
  async countBatch(entries: readonly StreamEntry[]): Promise<BatchCount> {
    const parsed = entries.map((entry) => ({ id: entry[0], access: parseAccessEntry(entry) }));
    return countAndAck(this.state, this.keys, this.group, this.limits, this.clock(), parsed);
  }

  /** Stores ranked by demand decayed to `now`, the hot/cold split, and the most read L3 sets. */
  async ranking(options: RankingOptions): Promise<HotRanking> {
    const known = [...new Set(options.stores)];
    const pipeline = this.state.pipeline();
    pipeline.hmget(this.keys.meta, 'landmark', 'half_life_ms');
    if (known.length > 0) pipeline.zmscore(this.keys.stores, ...known);
    pipeline.zrevrange(this.keys.sets, 0, -1, 'WITHSCORES');
    const replies = (await pipeline.exec()) ?? [];
    for (const [err] of replies) if (err) throw err;
    const values = replies.map(([, value]) => value);
    const [landmark, halfLife] = values[0] as (string | null)[];
    const storeScores = known.length > 0 ? (values[1] as (string | null)[]) : [];
    const flatSets = values[values.length - 1] as string[];

    const stores = new Map<string, number>();
    known.forEach((id, i) => {
      const raw = storeScores[i];
      if (raw != null) stores.set(id, Number(raw));
    });
    const sets: [string, number][] = [];
    for (let i = 0; i + 1 < flatSets.length; i += 2) sets.push([flatSets[i]!, Number(flatSets[i + 1])]);

    return rankStores(
      { landmark: landmark == null ? null : Number(landmark), halfLifeMs: halfLife == null ? this.halfLifeMs : Number(halfLife), stores, sets },
      { stores: known, ratio: options.ratio ?? DEFAULT_RATIO, limit: options.limit ?? DEFAULT_SET_LIMIT, now: options.now ?? this.clock() },
    );
  }

  /** Plain counters and the decay parameters, for dashboards and tests. */
  async counts(): Promise<HotCounts> {
    const [counts, meta] = await Promise.all([this.state.hgetall(this.keys.counts), this.state.hgetall(this.keys.meta)]);
    const n = (v: string | undefined): number => (v === undefined ? 0 : Number(v));
    return {
      events: n(counts.events),
      l1: n(counts.l1),
      l2: n(counts.l2),
      l3: n(counts.l3),
      skipped: n(counts.skipped),
      landmark: meta.landmark === undefined ? null : Number(meta.landmark),
      halfLifeMs: meta.half_life_ms === undefined ? null : Number(meta.half_life_ms),
    };
  }

  /**
   * Forgets every score and counter (not the stream, not the group's position): the way out of a
   * `HalfLifeMismatchError` after the half-life was changed on purpose.
   */
  async reset(): Promise<void> {
    await this.state.del(...this.keys.owned);
  }
}

function nonEmpty(name: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidAnalyzerOptionError(name, 'must be a non-empty string');
  return value;
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new InvalidAnalyzerOptionError(name, `must be a positive number, got ${value}`);
  return value;
}

function positiveInteger(name: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0)) throw new InvalidAnalyzerOptionError(name, `must be a positive integer, got ${value}`);
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 0)) throw new InvalidAnalyzerOptionError(name, `must be a non-negative integer, got ${value}`);
  return value;
}
