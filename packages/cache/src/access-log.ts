import { type Keyspace, LEVELS, type Level, LuaScript, type RedisConnection } from '@prewarm/redis';
import type { Logger } from '@prewarm/telemetry';
import { AccessLogLostError } from './errors.js';

/** Where a read's answer came from. */
/** Where a read's answer came from; `bypass`: computed from the source while the cache was failing (never logged). */
export type Tier = 'l4' | 'redis' | 'stale' | 'compute' | 'bypass';
const TIERS: ReadonlySet<string> = new Set<Tier>(['l4', 'redis', 'stale', 'compute']);

/** One cache read, as the hot-store analyzer will see it. */
export interface AccessEvent {
  level: Level;
  /** `all`, comma-separated store ids, or `N stores` (an L2 read inside an L3 computation). */
  stores: string;
  from: string;
  to: string;
  hit: boolean;
  tier: Tier;
  latencyUs: number;
  /** Epoch ms of the read. */
  at: number;
}

/** How one read is described in the access log. */
export interface AccessScope {
  stores: string;
  from: string;
  to: string;
}

/** Records one read that began at `started` (`performance.now()`): in the access log and to the `onRead` hook. */
export type RecordRead = (level: Level, scope: AccessScope, hit: boolean, tier: Tier, started: number) => void;

/** One stream entry: identical reads of one flush interval (same level, set, range, hit, tier), merged. */
export interface AccessEntry extends AccessEvent {
  /** How many reads the entry stands for (≥ 1). */
  reads: number;
  /** Mean latency of those reads. */
  latencyUs: number;
  /** Epoch ms of the latest of them. */
  at: number;
}

/**
 * The stream field of an entry. Its value is the whole entry in one string,
 * `<level> <hit 1|0> <tier> <reads> <mean latency µs> <at ms> <from> <to> <stores>` — one field
 * instead of eight makes an append a third of the bytes and of the parsing. The store set comes
 * last: store ids never contain a space, and nothing after it needs splitting anyway.
 */
export const ACCESS_FIELD = 'e';

export function encodeAccessEntry(e: AccessEntry): string {
  return `${e.level} ${e.hit ? 1 : 0} ${e.tier} ${e.reads} ${Math.round(e.latencyUs)} ${e.at} ${e.from} ${e.to} ${e.stores}`;
}

/** The entry of a field value; null when it is not one `encodeAccessEntry` writes. */
export function decodeAccessEntry(text: string): AccessEntry | null {
  let head = -1; // the space before the store set
  for (let i = 0; i < 8; i++) {
    head = text.indexOf(' ', head + 1);
    if (head < 0) return null;
  }
  const [level, hit, tier, reads, us, at, from, to] = text.slice(0, head).split(' ') as [string, string, string, string, string, string, string, string];
  const count = Number(reads);
  if (!(LEVELS as readonly string[]).includes(level) || (hit !== '0' && hit !== '1') || !TIERS.has(tier) || !Number.isSafeInteger(count) || count < 1) return null;
  return { level: level as Level, hit: hit === '1', tier: tier as Tier, reads: count, latencyUs: Number(us), at: at === '' ? Number.NaN : Number(at), from, to, stores: text.slice(head + 1) };
}

/**
 * Appends a batch in one command: the counters first, then one `XADD … MAXLEN ~` per event.
 * ARGV: maxLen, number of counter pairs, the pairs (field, increment), the encoded events.
 */
const APPEND = new LuaScript(`
local stream, stats = KEYS[1], KEYS[2]
local maxLen = ARGV[1]
local counters = tonumber(ARGV[2])
for i = 3, 2 + 2 * counters, 2 do redis.call('HINCRBY', stats, ARGV[i], ARGV[i + 1]) end
for i = 3 + 2 * counters, #ARGV do redis.call('XADD', stream, 'MAXLEN', '~', maxLen, '*', '${ACCESS_FIELD}', ARGV[i]) end
return #ARGV - 2 - 2 * counters
`);

export interface AccessLogOptions {
  /** Approximate length the stream is trimmed to (`XADD … MAXLEN ~`). */
  maxLen: number;
  /** Entries buffered at most; reads that would need another are dropped and counted. */
  maxBuffered: number;
  /** Flush when this many entries wait… */
  batchSize: number;
  /** …or after this long. */
  flushIntervalMs: number;
}

export const DEFAULT_ACCESS_LOG: AccessLogOptions = Object.freeze({
  maxLen: 100_000,
  maxBuffered: 10_000,
  batchSize: 500,
  flushIntervalMs: 100,
});

/** Hit/miss counters of a batch, by stats-hash field (`l3:hits`, `l4:hits`, …). */
type Counters = Map<string, number>;

/**
 * Appends every cache read to a Redis stream on the state Redis, with hit/miss counters per
 * level. `record` only updates an in-memory buffer — it never waits on Redis — where identical
 * reads (same level, store set, range, hit and tier) are merged into one entry with a count;
 * a timer flushes each batch as one script call (one command, however many entries). A busy
 * dashboard server repeats a few requests thousands of times a second: merged, the stream
 * grows by entries per distinct request, not per read, so its `MAXLEN` holds minutes to hours
 * of demand instead of seconds, and the analyzer counts every read by its weight.
 *
 * When Redis is slow the buffer is bounded: reads that would need an entry past `maxBuffered`
 * are dropped and counted, never queued without end. A batch is written whole or not at all.
 */
export class AccessLog {
  private entries = new Map<string, AccessEntry>();
  private reads = 0;
  private counters: Counters = new Map();
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** The write on its way; resolves to its error when the batch was dropped. */
  private flushing: Promise<unknown> | undefined;
  /** Reads dropped (buffer full, or their batch failed). */
  dropped = 0;
  /** Reads written. */
  written = 0;

  constructor(
    private readonly state: RedisConnection,
    private readonly keys: Keyspace,
    private readonly logger: Logger,
    readonly options: AccessLogOptions = DEFAULT_ACCESS_LOG,
  ) {}

  record(event: AccessEvent): void {
    const key = `${event.level} ${event.hit ? 1 : 0} ${event.tier} ${event.from} ${event.to} ${event.stores}`;
    const entry = this.entries.get(key);
    if (entry) {
      entry.latencyUs += (event.latencyUs - entry.latencyUs) / ++entry.reads; // running mean
      entry.at = Math.max(entry.at, event.at);
    } else if (this.entries.size >= this.options.maxBuffered) {
      this.dropped++;
      return;
    } else this.entries.set(key, { ...event, reads: 1 });
    this.reads++;
    count(this.counters, `${event.level}:${event.hit ? 'hits' : 'misses'}`);
    if (event.tier === 'l4') count(this.counters, 'l4:hits');
    if (this.entries.size >= this.options.batchSize) this.flushSoon();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  /**
   * A full batch is flushed on the next turn — never on the reader's turn, the flush would land
   * on that one request. While a write is on its way nothing more is scheduled (one flush per
   * turn would queue up behind a slow Redis); the write re-arms it when it ends.
   */
  private flushSoon(): void {
    if (this.immediate || this.flushing) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      void this.flush();
    });
  }

  /** Reads recorded and not yet written. */
  get pending(): number {
    return this.reads;
  }

  /**
   * Resolves once everything recorded before the call is on Redis (or was dropped and counted).
   * Writes what is buffered now, once: reads recorded meanwhile wait for their own timer, so
   * a steady stream of reads is written every `flushIntervalMs`, not on every round trip.
   */
  async flush(): Promise<void> {
    await this.writeBuffered();
  }

  /** `flush`, answering the error of its own batch when that batch was dropped (undefined otherwise). */
  private async writeBuffered(): Promise<{ reads: number; error: unknown } | undefined> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.flushing) await this.flushing;
    if (this.reads === 0) return undefined;
    const batch = { entries: [...this.entries.values()], reads: this.reads, counters: this.counters };
    this.entries = new Map();
    this.reads = 0;
    this.counters = new Map();
    const writing = this.write(batch).finally(() => {
      this.flushing = undefined;
      if (this.entries.size >= this.options.batchSize) this.flushSoon();
    });
    this.flushing = writing;
    const error = await writing;
    return error === undefined ? undefined : { reads: batch.reads, error };
  }

  /** Resolves to the error when the batch was dropped. */
  private async write(batch: { entries: AccessEntry[]; reads: number; counters: Counters }): Promise<unknown> {
    const args: (string | number)[] = [this.options.maxLen, batch.counters.size];
    for (const [field, n] of batch.counters) args.push(field, n);
    for (const entry of batch.entries) args.push(encodeAccessEntry(entry));
    try {
      await APPEND.run(this.state, [this.keys.accessStream, this.keys.stats], args);
      this.written += batch.reads;
      return undefined;
    } catch (err) {
      this.dropped += batch.reads;
      this.logger.warn({ err, reads: batch.reads, entries: batch.entries.length }, 'access log batch dropped');
      return err ?? new Error('access log write failed');
    }
  }

  /** Writes what is buffered; an `AccessLogLostError` when that last batch could not be written. */
  async close(): Promise<void> {
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    const lost = await this.writeBuffered();
    if (lost) throw new AccessLogLostError(lost.reads, { cause: lost.error });
  }
}

function count(counters: Counters, field: string): void {
  counters.set(field, (counters.get(field) ?? 0) + 1);
}
