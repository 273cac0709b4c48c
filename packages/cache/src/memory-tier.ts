import { LRUCache } from 'lru-cache';

/** JSON bytes ready to send, with their `Content-Encoding`. */
export interface Body {
  bytes: Buffer;
  encoding: 'gzip' | 'identity';
}

/** A decoded entry held in process: the value and what it cost to store. */
export interface MemoryEntry {
  /** The decoded value; undefined for an entry kept only as a body (decoded on first use). */
  value: unknown;
  /** The stored payload, when it is a body the HTTP layer can send as it is (JSON, gzip or plain). */
  body?: Body;
  /** Bytes of the stored (compressed) entry, as read from Redis. */
  storedBytes: number;
  /** Estimated bytes of the decoded value in memory. */
  sizeBytes: number;
  createdAt: number;
  watermark: number;
}

export interface MemoryTierOptions {
  /** Upper bound of the estimated bytes held; 0 disables the tier. */
  maxBytes: number;
  /** Longest an entry is held, whatever Redis says (bounds staleness if a message is lost). */
  ttlMs: number;
}

/**
 * Freezes a value and everything it holds (objects and arrays; typed arrays are left as they
 * are), so that no caller can change what every other reader of an L4 entry is handed. The
 * peers copy on every hit instead; freezing costs once per insert, nothing per hit.
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) for (const item of value) deepFreeze(item);
  else for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}

/**
 * L4: hot decoded entries in front of Redis, bounded in bytes, least recently used out first.
 * Entries are dropped when another process rewrites them (see InvalidationBus).
 */
export class MemoryTier {
  private readonly lru: LRUCache<string, MemoryEntry> | null;
  hits = 0;
  misses = 0;

  constructor(readonly options: MemoryTierOptions) {
    this.lru =
      options.maxBytes > 0
        ? new LRUCache<string, MemoryEntry>({
            maxSize: options.maxBytes,
            sizeCalculation: (e) => Math.max(1, e.sizeBytes),
            ttl: options.ttlMs,
            ttlAutopurge: false,
          })
        : null;
  }

  get enabled(): boolean {
    return this.lru !== null;
  }

  get(key: string): MemoryEntry | undefined {
    if (!this.lru) return undefined;
    const e = this.lru.get(key);
    if (e) this.hits++;
    else this.misses++;
    return e;
  }

  /** Holds an entry; its value is frozen first (every later reader of the key gets that object). */
  set(key: string, entry: MemoryEntry): void {
    if (!this.lru || entry.sizeBytes > this.options.maxBytes / 4) return;
    deepFreeze(entry.value);
    this.lru.set(key, entry);
  }

  delete(keys: Iterable<string>): void {
    if (!this.lru) return;
    for (const k of keys) this.lru.delete(k);
  }

  clear(): void {
    this.lru?.clear();
  }

  get entries(): number {
    return this.lru?.size ?? 0;
  }

  get bytes(): number {
    return this.lru?.calculatedSize ?? 0;
  }
}
