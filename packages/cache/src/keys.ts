import { createHash } from 'node:crypto';
import type { DateRange } from '@prewarm/domain';

export type Level = 'l1' | 'l2' | 'l3';
export const LEVELS: readonly Level[] = ['l1', 'l2', 'l3'];

/** A canonical store set: every store, or a sorted list without duplicates. */
export type StoreSet = 'all' | readonly string[];

/**
 * Every Redis key and channel prewarm uses, in one place.
 *
 * Per-store entries carry the store id as a Redis Cluster hash tag (`{S001}`), so one store's
 * entries — and the lease next to each — live in one slot and can be read in one pipeline.
 * State keys (generations, statistics, the access stream) live on the state Redis.
 */
export class Keyspace {
  constructor(readonly prefix = 'pw') {}

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

  /** The single-flight lease of an entry: same slot as the entry. */
  lease(entryKey: string): string {
    return `${entryKey}:lease`;
  }

  /** SCAN pattern of one level's entries. */
  pattern(level: Level): string {
    return level === 'l3' ? `${this.prefix}:l3:*` : `${this.prefix}:{*}:${level}:*`;
  }

  /** The level of an entry key, or null for a key that is not an entry (a lease, a foreign key). */
  levelOf(key: string): Level | null {
    if (key.endsWith(':lease') || !key.startsWith(`${this.prefix}:`)) return null;
    if (key.startsWith(`${this.prefix}:l3:`)) return 'l3';
    const m = /^[^{]*\{[^}]*\}:(l1|l2):/.exec(key);
    return m ? (m[1] as Level) : null;
  }

  // State Redis (noeviction): losing these could make a stale entry look fresh. One hash tag,
  // so a pipeline over them stays in one Redis Cluster slot.
  get generations(): string {
    return `${this.prefix}:{state}:gen`;
  }
  get stats(): string {
    return `${this.prefix}:{state}:stats`;
  }
  get accessStream(): string {
    return `${this.prefix}:{state}:access`;
  }
  /** Per-process L4 reports (hash per process, expiring). */
  memoryTierReport(processId: string): string {
    return `${this.prefix}:{state}:l4:${processId}`;
  }
  get memoryTierPattern(): string {
    return `${this.prefix}:{state}:l4:*`;
  }
  /** Pub/sub channel of invalidations (rewritten entries, bumped generations). */
  get invalidationChannel(): string {
    return `${this.prefix}:invalidate`;
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

/** The business month (`YYYY-MM`) of a date. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}
