import { createHash } from 'node:crypto';
import type { Redis, Cluster } from 'ioredis';
import type { Keyspace, StoreSet } from '@prewarm/redis';

/** The field of the generations hash that every change bumps: the version of `all`. */
export const ALL_STORES_FIELD = '*';

/**
 * Store generations: a counter per store on the state Redis, bumped whenever the store's data
 * is rewritten. L3 keys carry a signature of their members' generations, so a bump makes every
 * diagnosis that includes the store unreachable at once — no index to walk, nothing to delete.
 *
 * Reads use an in-process copy (no round trip on the hot path). It is replaced when an
 * invalidation message arrives, on every reconnect of the subscriber, and at least every
 * `maxAgeMs`, so a missed message cannot keep a stale copy for long.
 */
export class Generations {
  private current = new Map<string, number>();
  /** Signatures of explicit sets, valid until any counter changes. */
  private signatures = new Map<string, string>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly state: Redis | Cluster,
    private readonly keys: Keyspace,
    private readonly maxAgeMs = 1000,
  ) {}

  /** Loads the counters when the copy is missing or older than `maxAgeMs`. */
  async ensureFresh(now = Date.now()): Promise<void> {
    if (now - this.loadedAt <= this.maxAgeMs) return;
    await this.reload();
  }

  async reload(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const all = await this.state.hgetall(this.keys.generations);
        const next = new Map(Object.entries(all).map(([k, v]) => [k, Number(v)]));
        if (next.size !== this.current.size || [...next].some(([k, v]) => this.current.get(k) !== v)) this.signatures.clear();
        this.current = next;
        this.loadedAt = Date.now();
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  /** Applies counters learnt from an invalidation message (never moves one backwards). */
  apply(updates: Record<string, number>): void {
    for (const [field, gen] of Object.entries(updates)) {
      if ((this.current.get(field) ?? 0) < gen) {
        this.current.set(field, gen);
        this.signatures.clear();
      }
    }
  }

  of(storeId: string): number {
    return this.current.get(storeId) ?? 0;
  }

  /** The signature of a set: changes whenever any member (for `all`: any store) is bumped. */
  signature(set: StoreSet): string {
    if (set === 'all') return `g${this.of(ALL_STORES_FIELD)}`;
    if (set.length === 1) return `g${this.of(set[0]!)}`;
    const memoKey = set.join(',');
    let signature = this.signatures.get(memoKey);
    if (signature === undefined) {
      const h = createHash('sha1');
      for (const id of set) h.update(`${id}=${this.of(id)};`);
      signature = `g${h.digest('base64url').slice(0, 16)}`;
      if (this.signatures.size > 10_000) this.signatures.clear();
      this.signatures.set(memoKey, signature);
    }
    return signature;
  }

  /** Bumps the given stores (and `all`) on the state Redis; returns the new counters. */
  async bump(storeIds: readonly string[]): Promise<Record<string, number>> {
    const fields = [...new Set(storeIds), ALL_STORES_FIELD];
    const pipeline = this.state.pipeline();
    for (const f of fields) pipeline.hincrby(this.keys.generations, f, 1);
    const results = (await pipeline.exec()) ?? [];
    const updates: Record<string, number> = {};
    fields.forEach((f, i) => {
      const [err, value] = results[i] ?? [new Error('no reply'), null];
      if (err) throw err;
      updates[f] = Number(value);
    });
    this.apply(updates);
    return updates;
  }
}
