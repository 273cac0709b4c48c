import { createHash } from 'node:crypto';
import type { DateRange } from '@prewarm/domain';

export type Level = 'l1' | 'l2' | 'l3';
export const LEVELS: readonly Level[] = ['l1', 'l2', 'l3'];

/** A canonical store set: every store, or a sorted list without duplicates. */
export type StoreSet = 'all' | readonly string[];

/**
 * The name of every Redis key and channel prewarm writes (BullMQ's own keys live under the
 * queue prefix, `PREWARM_QUEUE_PREFIX` (`{prewarm}`: a hash tag, so a queue's keys share a
 * cluster slot), and are named by BullMQ).
 *
 * Two roles (docs/architecture.md):
 * - cache Redis (LRU eviction): entries and their leases, which may vanish at any time. A
 *   per-store entry carries the store id as a Redis Cluster hash tag (`{S001}`), so one store's
 *   entries — and the lease next to each — live in one slot and can be read in one pipeline.
 * - queue/state Redis (noeviction): everything whose loss could make a stale entry look fresh
 *   or lose demand history — generations, watermarks, statistics, the access stream, hot
 *   scores, run records, heartbeats, schedule claims. They share the `{state}` hash tag, so a
 *   pipeline or a script over them stays in one slot.
 */
export class Keyspace {
  constructor(readonly prefix = 'pw') {}

  // ── cache Redis: entries ───────────────────────────────────────────────────────────────

  /** L1: raw orders of one store and one business month (`YYYY-MM`). */
  l1(storeId: string, month: string): string {
    return `${this.prefix}:{${storeId}}:l1:${month}`;
  }

  /** L2: daily metrics of one store and one business date. */
  l2(storeId: string, date: string): string {
    return `${this.prefix}:{${storeId}}:l2:${date}`;
  }

  /**
   * L3: the diagnosis of a store set over a range, under the set's generation signature —
   * when a member store's data is rewritten the signature changes and the old entry is
   * unreachable.
   */
  l3(set: StoreSet, range: DateRange, signature: string): string {
    return `${this.prefix}:l3:{${storeSetId(set)}}:${range.from}:${range.to}:${signature}`;
  }

  /** Names a range of one store's L2 days (`from..to`): the lease of computing them together, same slot. */
  l2Range(storeId: string, from: string, to: string): string {
    return `${this.prefix}:{${storeId}}:l2:${from}..${to}`;
  }

  /**
   * Held while a warm-up job computes and writes one store's entries: a read that misses one of
   * them waits for the job's write instead of computing it again (same slot as the store's keys).
   */
  warming(storeId: string): string {
    return `${this.prefix}:{${storeId}}:warming`;
  }

  /** The single-flight lease of an entry: same slot as the entry. */
  lease(entryKey: string): string {
    return `${entryKey}:lease`;
  }

  /** SCAN pattern of one level's entries. */
  pattern(level: Level): string {
    return level === 'l3' ? `${this.prefix}:l3:*` : `${this.prefix}:{*}:${level}:*`;
  }

  /** SCAN patterns of one store's L1 and L2 entries (one slot). */
  storePatterns(storeId: string): string[] {
    return [`${this.prefix}:{${storeId}}:l1:*`, `${this.prefix}:{${storeId}}:l2:*`];
  }

  /** The level of an entry key, or null for a key that is not an entry (a lease, a foreign key). */
  levelOf(key: string): Level | null {
    if (key.endsWith(':lease') || !key.startsWith(`${this.prefix}:`)) return null;
    if (key.startsWith(`${this.prefix}:l3:`)) return 'l3';
    const m = /^[^{]*\{[^}]*\}:(l1|l2):/.exec(key);
    return m ? (m[1] as Level) : null;
  }

  // ── queue/state Redis: the cache's state ───────────────────────────────────────────────

  /** HASH store id → generation (L3 keys are signed with their members' generations). */
  get generations(): string {
    return this.state('gen');
  }
  /** HASH of counters: `<level>:hits|misses|writes|corrupt|raw_bytes|stored_bytes`, `l4:hits`. */
  get stats(): string {
    return this.state('stats');
  }
  /** STREAM every cache read is logged to (the analyzer consumes it). */
  get accessStream(): string {
    return this.state('access');
  }
  /** HASH of one process's L4 size (expiring, refreshed while the process lives). */
  memoryTierReport(processId: string): string {
    return this.state(`l4:${processId}`);
  }
  get memoryTierPattern(): string {
    return this.state('l4:*');
  }
  /** HASH store id → greatest `updated_at` (epoch ms) warmed: what incremental runs compare against. */
  /** Per store-day source fingerprints of the warm window (hash `<store>:<utc day>` → fingerprint). */
  get fingerprints(): string {
    return this.state('fingerprints');
  }

  get watermarks(): string {
    return this.state('watermarks');
  }
  /** Pub/sub channel of invalidations (rewritten entries, bumped generations). */
  get invalidationChannel(): string {
    return `${this.prefix}:invalidate`;
  }

  // ── queue/state Redis: the analyzer ────────────────────────────────────────────────────

  /** ZSET store id → forward-decayed score (relative to the landmark). */
  get hotStores(): string {
    return this.state('hot:stores');
  }
  /** ZSET `<set>|<from>|<to>` → forward-decayed score of L3 reads (relative to the landmark). */
  get hotSets(): string {
    return this.state('hot:sets');
  }
  /** HASH `landmark` (epoch ms) and `half_life_ms`: what the scores are relative to. */
  get hotMeta(): string {
    return this.state('hot:meta');
  }
  /** HASH of plain (undecayed) counters: `events`, `l1`, `l2`, `l3`, `skipped`. */
  get hotCounts(): string {
    return this.state('hot:counts');
  }

  // ── queue/state Redis: runs, workers, schedules ────────────────────────────────────────

  /** STRING (JSON) of one run's record. */
  run(runId: string): string {
    return this.state(`run:${runId}`);
  }
  /** HASH phase → finished jobs of one run (children report here; the record is the orchestrator's). */
  runProgress(runId: string): string {
    return this.state(`run:${runId}:progress`);
  }
  /** LIST of recent run ids, newest first (capped). */
  get runs(): string {
    return this.state('runs');
  }
  /** STRING of one worker process's heartbeat (expiring): the worker is alive while it exists. */
  heartbeat(workerId: string): string {
    return this.state(`worker:${workerId}`);
  }
  get heartbeatPattern(): string {
    return this.state('worker:*');
  }
  /** STRING claim of one schedule slot by one scheduler replica (expiring). */
  slot(slot: string): string {
    return this.state(`slot:${slot}`);
  }

  private state(name: string): string {
    return `${this.prefix}:{state}:${name}`;
  }
}

/** `all`, or a short stable digest of the sorted ids (a set of 500 ids would make a long key). */
export function storeSetId(set: StoreSet): string {
  if (set === 'all') return 'all';
  if (set.length === 1) return `s:${set[0]}`;
  const joined = set.join(',');
  let id = setIds.get(joined);
  if (id === undefined) {
    id = `h:${createHash('sha1').update(joined).digest('base64url').slice(0, 22)}`;
    if (setIds.size > 10_000) setIds.clear();
    setIds.set(joined, id);
  }
  return id;
}

/** Digests of recently seen sets: dashboards ask for the same few sets over and over. */
const setIds = new Map<string, string>();
